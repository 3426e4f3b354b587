import { describe, expect, it } from 'vitest';
import { blockSimilar } from '../../src/premod/block-similar.ts';
import { rejectSimilar } from '../../src/premod/reject-similar.ts';
import { allowedDistance, distanceWithin, similarityKey } from '../../src/premod/similarity.ts';
import { isEmojiOnly } from '../../src/premod/emoji-only.ts';
import { premodHarness } from './premod-harness.ts';

const SPAM = 'Buy cheap pills at pills-shop now';

describe('similarityKey and distances', () => {
  it.each([
    ['BUY cheap PILLS', 'buy cheap pills', 0],
    ['buy   cheap\tpills!!!', 'buy cheap pills', 0],
    ['bսy cheap pіlls', 'buy cheap pills', 0], // Armenian u, Cyrillic i
    ['b u y cheap pills', 'buy cheap pills', 0],
    ['buy ch3ap p1lls', 'buy cheap pills', 0],
    ['buy cheap pi11s', 'buy cheap pills', 2], // 1 reads as i
    ['buy cheep pils', 'buy cheap pills', 2],
  ])('%j and %j are %i edits apart', (a, b, d) => {
    expect(distanceWithin(similarityKey(a), similarityKey(b), 5)).toBe(d);
  });

  it('allows no more than a third of a short key', () => {
    expect(allowedDistance(2, 'hi')).toBe(0);
    expect(allowedDistance(2, 'hello')).toBe(1);
    expect(allowedDistance(2, 'buycheappills')).toBe(2);
    expect(distanceWithin('hi', 'ok', allowedDistance(2, 'hi'))).toBeNull();
  });

  it('does not compare keys whose lengths differ by more than allowed', () => {
    expect(distanceWithin('abcdef', 'abcdefghij', 2)).toBeNull();
  });

  it('keys and compares a 60,000-character text in time linear in its key, not its length', () => {
    const long = 'Buy cheap pills at pills-shop now! '.repeat(1800).slice(0, 60_000);
    const started = performance.now();
    const key = similarityKey(long);
    expect(key).toBe(similarityKey(long.slice(0, 4000)));
    expect(key).toHaveLength(500);
    for (let i = 0; i < 200; i++) distanceWithin(key, `x${key.slice(1, 499)}yz`, 2);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it.each([
    ['👏👏', true],
    ['👍🏽 🎉', true],
    ['🇩🇪', true],
    ['❤️', true],
    ['👨‍👩‍👧', true],
    ['ok 👍', false],
    ['123', false],
    ['   ', false],
    [':)', false],
  ])('isEmojiOnly(%j) is %s', (text, expected) => {
    expect(isEmojiOnly(text)).toBe(expected);
  });
});

describe('rejectSimilar', () => {
  it('rejects the chosen message and pending look-alikes of its channel only, audited', async () => {
    const h = premodHarness({ mode: 'pre', similar_distance: 2 });
    const chosen = await h.post(SPAM);
    const lookAlike = await h.post('BUY cheap pi11s at pills-shop now!!');
    const nearly = await h.post('Buy cheep pills at pils-shop now');
    const different = await h.post('Where can I find the slides?');
    const far = await h.post('Buy expensive pills at another shop later');
    const otherChannel = await h.post(SPAM, { channel: 'other-channel' });
    h.db.$client.prepare("UPDATE channels SET mode = 'pre'").run();

    const result = rejectSimilar(h.deps, { messageId: chosen, actor: 'account:ana' });

    expect(result.rejected).toEqual([chosen, lookAlike, nearly]);
    for (const id of result.rejected) {
      expect(h.message(id).state).toBe('rejected');
      expect(h.flags(id).every((f) => f.status === 'closed')).toBe(true);
      expect(h.decisions(id)).toEqual([{ verdict: 'reject', actor: 'account:ana', automatic: 0 }]);
    }
    for (const id of [different, far, otherChannel]) expect(h.message(id).state).toBe('unreviewed');
    const audit = h.audit('message.reject_similar');
    expect(audit.map((a) => [a.actor, a.target_id])).toEqual(
      result.rejected.map((id) => ['account:ana', String(id)]),
    );
    expect(audit[2]!.details).toMatchObject({ similarTo: chosen, distance: 2 });
  });

  it('leaves look-alikes that are not pending (already approved, or in a post channel)', async () => {
    const h = premodHarness({ mode: 'pre' });
    const approved = await h.post(SPAM);
    h.db.$client
      .prepare("UPDATE messages SET moderation_state = 'approved' WHERE id = ?")
      .run(approved);
    h.db.$client.prepare("UPDATE flags SET status = 'closed' WHERE message_id = ?").run(approved);
    const chosen = await h.post(SPAM);
    expect(rejectSimilar(h.deps, { messageId: chosen, actor: 'ana' }).rejected).toEqual([chosen]);
    expect(h.message(approved).state).toBe('approved');
  });

  it('refuses an unknown message and rolls nothing back half-way', () => {
    const h = premodHarness({ mode: 'pre' });
    expect(() => rejectSimilar(h.deps, { messageId: 999, actor: 'ana' })).toThrow(/no message/);
    expect(() => rejectSimilar(h.deps, { messageId: 0, actor: 'ana' })).toThrow(/messageId/);
    expect(h.count('decisions')).toBe(0);
  });
});

describe('blockSimilar and blocked patterns', () => {
  it('stores the pattern, rejects the waiting look-alikes, and rejects later ones on arrival', async () => {
    const h = premodHarness({ mode: 'pre', similar_distance: 2 });
    const chosen = await h.post(SPAM);
    const waiting = await h.post('buy cheap pills at pills shop now');
    const result = blockSimilar(h.deps, { messageId: chosen, actor: 'account:ana' });
    expect(result.rejected).toEqual([chosen, waiting]);
    expect(
      h.db.$client
        .prepare(
          'SELECT channel_id, normalized_text, max_distance, message_id, actor FROM blocked_patterns',
        )
        .all(),
    ).toEqual([
      {
        channel_id: h.channelId,
        normalized_text: 'buycheappillsatpillsshopnow',
        max_distance: 2,
        message_id: chosen,
        actor: 'account:ana',
      },
    ]);
    expect(h.audit('blocked_pattern.create')).toEqual([
      {
        actor: 'account:ana',
        target_id: String(result.patternId),
        details: { channelId: h.channelId, messageId: chosen, maxDistance: 2 },
      },
    ]);

    const later = await h.post('Buy CHEAP p i l l s at pills-sh0p now');
    expect(h.message(later).state).toBe('rejected');
    expect(h.flags(later).map((f) => [f.origin, f.status])).toEqual([]);
    expect(h.decisions(later)).toEqual([
      { verdict: 'reject', actor: 'pre-moderation', automatic: 1 },
    ]);
    expect(h.audit('message.blocked_pattern')).toEqual([
      {
        actor: 'pre-moderation',
        target_id: String(later),
        details: expect.objectContaining({ patternId: result.patternId, distance: 0 }),
      },
    ]);

    const unrelated = await h.post('Where can I find the slides?');
    expect(h.message(unrelated).state).toBe('unreviewed');
    expect(h.flags(unrelated).map((f) => f.origin)).toEqual(['pending']);
  });

  it('rejects look-alikes on arrival in a post channel too, and only in its channel', async () => {
    const h = premodHarness({ mode: 'post' });
    const chosen = await h.post(SPAM);
    blockSimilar(h.deps, { messageId: chosen, actor: 'ana' });
    const lookAlike = await h.post('buy cheep pills at pills-shop now');
    const elsewhere = await h.post(SPAM, { channel: 'other-channel' });
    const different = await h.post('Great talk, thanks!');
    expect(h.message(lookAlike).state).toBe('rejected');
    expect(h.message(elsewhere).state).toBe('unreviewed');
    expect(h.message(different).state).toBe('unreviewed');
  });

  it('applies a global pattern everywhere and stops applying a disabled one', async () => {
    const h = premodHarness({ mode: 'post' });
    const sqlite = h.db.$client;
    sqlite
      .prepare(
        `INSERT INTO blocked_patterns (channel_id, normalized_text, max_distance, actor, created_at)
         VALUES (NULL, 'buycheappillsatpillsshopnow', 2, 'cli', 0)`,
      )
      .run();
    expect(h.message(await h.post(SPAM, { channel: 'any-channel' })).state).toBe('rejected');
    sqlite.prepare('UPDATE blocked_patterns SET disabled_at = 1').run();
    h.advance(1_000); // the cache rereads patterns at least once a second
    expect(h.message(await h.post(SPAM, { channel: 'any-channel' })).state).toBe('unreviewed');
  });
});
