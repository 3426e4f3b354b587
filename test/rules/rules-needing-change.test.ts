import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/errors.ts';
import {
  describeRuleNeedingChange,
  rulesNeedingChange,
} from '../../src/rules/rules-needing-change.ts';
import { testRulesOnText } from '../../src/rules/try-rules.ts';
import { caught } from '../helpers/accounts.ts';
import { createHarness } from '../helpers/harness.ts';
import { storeOldRule, trafficOn } from './rule-traffic.ts';

describe('stored rules that no longer validate', () => {
  it('are listed, enabled or not, with what to change', () => {
    const h = createHarness();
    expect(rulesNeedingChange(h.db)).toEqual([]);
    const on = storeOldRule(h.db.$client);
    const off = storeOldRule(h.db.$client, { enabled: false });
    const listed = rulesNeedingChange(h.db);
    expect(listed.map((r) => [r.id, r.enabled])).toEqual([
      [on, true],
      [off, false],
    ]);
    expect(describeRuleNeedingChange(listed[0]!)).toBe(
      `rule ${on} "Repeated letters" needs a change (enabled but not run): settings.patterns.0: uses a backreference "\\1": patterns run on a linear-time engine (RE2), which has no backreferences; spell out what it should match instead`,
    );
  });

  it('do not stop ingest or the other rules', async () => {
    const h = createHarness();
    const t = trafficOn(h);
    storeOldRule(h.db.$client);
    const spam = t.rule({ kind: 'keyword', name: 'Spam', settings: { words: ['spam'] } });
    await t.post('spam and aaaaaa');
    expect(t.flagsOf(spam)).toBe(1);
  });

  it('are refused by the test box with why', async () => {
    const h = createHarness();
    const id = storeOldRule(h.db.$client);
    const error = await caught(() => testRulesOnText(h.db, 'aaaaa', { ruleId: id }, 0));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining(`rule ${id} needs a change before it can run`),
    });
  });
});
