import { expect, it } from 'vitest';
import { describeRuleVersions, type StoredVersion } from '../../src/rules/rule-version-changes.ts';

const v1: StoredVersion = {
  version: 1,
  createdAt: 1000,
  actor: 'cli',
  kind: 'keyword',
  name: 'Spam',
  severity: 'low',
  action: 'log',
  settings: { words: ['spam'], match: 'word', allow: [], leet: false },
  scope: { sources: [], channels: [] },
  enabled: true,
};

it.each([
  [{}, ['no change']],
  [{ severity: 'high' }, ['severity: low → high']],
  [{ name: 'Scam', action: 'flag' }, ['name: Spam → Scam', 'action: log → flag']],
  [{ enabled: false }, ['disabled']],
  [{ settings: { ...v1.settings, leet: true } }, ['settings']],
  [{ scope: { sources: ['s1'], channels: [] } }, ['scope']],
])('describes %j as %j', (change, expected) => {
  const v2 = { ...v1, ...change, version: 2, createdAt: 2000, actor: 'account:ana' };
  const entries = describeRuleVersions([v1, v2 as StoredVersion]);
  expect(entries.map((e) => e.version)).toEqual([2, 1]);
  expect(entries[0]!.changes).toEqual(expected);
  expect(entries[1]!.changes).toEqual(['created']);
});

it('says when a rule was switched back on', () => {
  const off = { ...v1, version: 2, enabled: false };
  const on = { ...v1, version: 3, enabled: true };
  expect(describeRuleVersions([v1, off, on])[0]).toMatchObject({
    version: 3,
    changes: ['enabled'],
    settingsJson: JSON.stringify(v1.settings),
  });
});
