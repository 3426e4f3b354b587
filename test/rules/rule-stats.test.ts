import { describe, expect, it } from 'vitest';
import { precisionOf, ruleHitsSince, ruleStats } from '../../src/rules/rule-stats.ts';
import { createHarness } from '../helpers/harness.ts';
import { trafficOn } from './rule-traffic.ts';

const HOUR = 3_600_000;

describe('ruleStats', () => {
  it('counts the flags of the last 24 h, logged ones included, per rule', async () => {
    const h = createHarness();
    const t = trafficOn(h);
    const spam = t.rule({ kind: 'keyword', name: 'Spam', settings: { words: ['spam'] } });
    const trial = t.rule({
      kind: 'keyword',
      name: 'Trial',
      action: 'log',
      settings: { words: ['scam'] },
    });
    await t.post('old spam');
    h.advance(25 * HOUR);
    await t.post('spam again');
    await t.post('spam and scam');
    await t.post('nothing here');
    const stats = ruleStats(h.db, h.deps.now() - 24 * HOUR);
    expect(stats.get(spam)?.hits).toBe(2);
    expect(stats.get(trial)?.hits).toBe(1);
    expect(h.count('flags', `rule_id = ${trial} AND status = 'logged'`)).toBe(1);
    expect(t.flagsOf(spam)).toBe(3);
    expect(ruleHitsSince(h.db, spam, h.deps.now() - 24 * HOUR)).toBe(2);
    expect(ruleHitsSince(h.db, spam, 0)).toBe(3);
  });

  it("counts moderators' verdicts on the rule's flagged messages, once per message", async () => {
    const h = createHarness();
    const t = trafficOn(h);
    const spam = t.rule({ kind: 'keyword', name: 'Spam', settings: { words: ['spam'] } });
    const other = t.rule({ kind: 'keyword', name: 'Other', settings: { words: ['other'] } });
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await t.post(`spam ${i}`));
    t.decide(ids[0]!, 'reject');
    t.decide(ids[1]!, 'reject');
    t.decide(ids[2]!, 'approve');
    t.decide(ids[3]!, 'highlight');
    t.decide(ids[4]!, 'reject', true); // automatic: not a moderator's judgement
    // ids[5] undecided. A decision later reconsidered counts as it stands now.
    t.decide(ids[2]!, 'reject');
    h.advance(48 * HOUR);
    const stats = ruleStats(h.db, h.deps.now() - 24 * HOUR);
    expect(stats.get(spam)).toEqual({ hits: 0, rejected: 3, approved: 1 });
    expect(stats.get(other)).toBeUndefined();
  });

  it('leaves rules without decided messages without a precision', () => {
    expect(precisionOf({ rejected: 0, approved: 0 })).toBeNull();
    expect(precisionOf({ rejected: 3, approved: 1 })).toBe(0.75);
    expect(precisionOf({ rejected: 0, approved: 2 })).toBe(0);
  });

  it('reads flags through flags_rule_idx', () => {
    const h = createHarness();
    const plan = h.db.$client
      .prepare(
        `EXPLAIN QUERY PLAN SELECT count(*) FROM flags f INDEXED BY flags_rule_idx
         WHERE f.rule_id = 1 AND f.created_at >= 0`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toContain('COVERING INDEX flags_rule_idx');
  });
});
