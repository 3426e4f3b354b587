import { describe, expect, it } from 'vitest';
import { dryRunRule } from '../../src/rules/dry-run-rule.ts';
import { DomainError } from '../../src/errors.ts';
import { caught } from '../helpers/accounts.ts';
import { createHarness } from '../helpers/harness.ts';
import { trafficOn } from './rule-traffic.ts';

const DAY = 86_400_000;
const spamDraft = { kind: 'keyword', name: 'Spam', settings: { words: ['spam'] } };

async function traffic() {
  const h = createHarness();
  const t = trafficOn(h);
  await t.post('spam from long ago'); // 10 days before "now"
  h.advance(7 * DAY);
  await t.post('spam three days ago');
  await t.post('fine three days ago');
  h.advance(2 * DAY);
  await t.post('ѕрам with homoglyphs, yesterday');
  h.advance(DAY + 3_600_000);
  await t.post('spam now');
  await t.post('nothing');
  return { h, t };
}

describe('dryRunRule', () => {
  it('counts what a draft would flag in the window, newest samples first, with spans', async () => {
    const { h } = await traffic();
    const r = await dryRunRule(h.db, spamDraft, { days: 7, now: h.deps.now() });
    expect(r).toMatchObject({ scanned: 5, examined: 5, wouldFlag: 3, capped: false });
    expect(r.samples.map((s) => s.text)).toEqual([
      'spam now',
      'ѕрам with homoglyphs, yesterday',
      'spam three days ago',
    ]);
    expect(r.samples[1]!.span).toMatchObject({ start: 0, end: 4, normalized: 'spam' });
    expect((await dryRunRule(h.db, spamDraft, { days: 30, now: h.deps.now() })).wouldFlag).toBe(4);
    expect((await dryRunRule(h.db, spamDraft, { days: 1, now: h.deps.now() })).wouldFlag).toBe(1);
  });

  it('stops at the newest `limit` messages and says so', async () => {
    const { h } = await traffic();
    const r = await dryRunRule(h.db, spamDraft, { days: 30, now: h.deps.now(), limit: 2 });
    expect(r).toMatchObject({ scanned: 2, wouldFlag: 1, capped: true, limit: 2 });
    const exact = await dryRunRule(h.db, spamDraft, { days: 30, now: h.deps.now(), limit: 6 });
    expect(exact).toMatchObject({ scanned: 6, capped: false });
  });

  it('reads in batches, with the same result', async () => {
    const { h } = await traffic();
    const whole = await dryRunRule(h.db, spamDraft, { days: 30, now: h.deps.now() });
    for (const batch of [1, 2, 5]) {
      expect(await dryRunRule(h.db, spamDraft, { days: 30, now: h.deps.now(), batch })).toEqual(
        whole,
      );
      const capped = await dryRunRule(h.db, spamDraft, {
        days: 30,
        now: h.deps.now(),
        batch,
        limit: 3,
      });
      expect(capped).toMatchObject({ scanned: 3, wouldFlag: 2, capped: true });
    }
  });

  it("keeps to the draft's scope", async () => {
    const { h, t } = await traffic();
    const draft = { ...spamDraft, scope: { sources: [], channels: ['elsewhere'] } };
    expect(await dryRunRule(h.db, draft, { days: 7, now: h.deps.now() })).toMatchObject({
      scanned: 5,
      examined: 0,
      wouldFlag: 0,
    });
    const here = { ...spamDraft, scope: { sources: [t.source], channels: [] } };
    expect((await dryRunRule(h.db, here, { days: 7, now: h.deps.now() })).wouldFlag).toBe(3);
  });

  it('stops at its time limit, says so, and yields to other work meanwhile', async () => {
    const { h } = await traffic();
    // Each reading of the clock is 30 ms later (two a message, with the yield after it): the
    // limit of 100 ms ends the replay after 2 messages.
    let now = 0;
    const clock = () => (now += 30);
    // Other work, queued the way the replay yields (setImmediate): it runs only if the replay
    // gives the event loop back before it ends.
    let yielded = 0;
    let replaying = true;
    const otherWork = () => {
      yielded++;
      if (replaying) setImmediate(otherWork);
    };
    setImmediate(otherWork);
    const r = await dryRunRule(h.db, spamDraft, {
      days: 30,
      now: h.deps.now(),
      timeLimitMs: 100,
      clock,
    });
    replaying = false;
    expect(r).toMatchObject({ scanned: 2, timedOut: true, timeLimitMs: 100, capped: false });
    expect(yielded).toBeGreaterThan(0);
    const whole = await dryRunRule(h.db, spamDraft, { days: 30, now: h.deps.now() });
    expect(whole).toMatchObject({ scanned: 6, timedOut: false });
  });

  it('writes nothing', async () => {
    const { h } = await traffic();
    const flags = h.count('flags');
    await dryRunRule(h.db, spamDraft, { days: 30, now: h.deps.now() });
    expect(h.count('flags')).toBe(flags);
  });

  it.each([
    [{ kind: 'regex', name: 'R', settings: { patterns: ['(a'] } }, 'settings.patterns.0'],
    [{ kind: 'reaction_flood', name: 'F', settings: { reactions: 3, seconds: 9 } }, 'kind'],
    [{ kind: 'nope', name: 'N', settings: {} }, 'kind'],
  ])('refuses %j naming the field', async (draft, field) => {
    const h = createHarness();
    const error = await caught(() => dryRunRule(h.db, draft, { days: 7, now: h.deps.now() }));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'invalid_input', field });
  });

  it.each([0, 31, 1.5])('refuses a window of %s days', async (days) => {
    const h = createHarness();
    expect(await caught(() => dryRunRule(h.db, spamDraft, { days, now: 0 }))).toMatchObject({
      code: 'invalid_input',
      field: 'days',
    });
  });
});
