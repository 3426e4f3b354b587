import { expect, it } from 'vitest';
import { listRules } from '../../src/rules/list-rules.ts';
import { parseRuleDraft } from '../../src/rules/rule-kinds.ts';
import { createHarness } from '../helpers/harness.ts';

it('starts a fresh database with the default rules, each valid and versioned', () => {
  const h = createHarness();
  const rules = listRules(h.db);
  expect(
    rules
      .filter((r) => r.enabled)
      .map((r) => r.kind)
      .sort(),
  ).toEqual(['flood', 'personal_data', 'reaction_flood', 'reaction_signal', 'repetition']);
  for (const rule of rules) {
    const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...draft } = rule;
    expect(parseRuleDraft(draft), rule.name).toMatchObject({ ok: true });
    expect(rule.version).toBe(1);
  }
  expect(h.count('rule_versions')).toBe(rules.length);
});

it('ships no word list enabled', () => {
  const h = createHarness();
  expect(
    listRules(h.db).filter((r) => r.enabled && (r.kind === 'keyword' || r.kind === 'regex')),
  ).toEqual([]);
});
