import { describe, expect, it } from 'vitest';
import { TEST_NOW } from '../helpers/harness.ts';
import { premodHarness, setChannel } from './premod-harness.ts';

const PENDING = {
  origin: 'pending',
  status: 'open',
  severity: 'low',
  actor: 'pre-moderation',
};

describe('a pre-moderated channel', () => {
  it('queues every text message as pending, unreviewed', async () => {
    const h = premodHarness({ mode: 'pre' });
    const id = await h.post('Great talk, thanks!');
    expect(h.message(id).state).toBe('unreviewed');
    expect(h.flags(id)).toEqual([PENDING]);
    const reason = h.db.$client.prepare('SELECT reason FROM flags WHERE message_id = ?').get(id);
    expect(reason).toEqual({ reason: 'Pre-moderated channel: waiting for approval' });
  });

  it('leaves a post channel as it was: no pending flag, unflagged text not queued', async () => {
    const h = premodHarness();
    const id = await h.post('Great talk, thanks!');
    expect(h.flags(id)).toEqual([]);
    expect(h.message(id).state).toBe('unreviewed');
  });

  it('still runs the rules: their flags sit beside the pending one', async () => {
    const h = premodHarness({ mode: 'pre' });
    const id = await h.post('mail me: a@example.org');
    expect(h.flags(id)).toEqual([
      { origin: 'rule', status: 'open', severity: 'medium', actor: 'system' },
      PENDING,
    ]);
  });

  it('has a moderator decision close the pending flag with the others', async () => {
    const { decideMessage } = await import('../../src/moderation/decide-message.ts');
    const h = premodHarness({ mode: 'pre' });
    const id = await h.post('mail me: a@example.org');
    decideMessage(h.deps, { messageId: id, verdict: 'approve', basisDecisionId: null }, 'ana');
    expect(h.flags(id).map((f) => f.status)).toEqual(['closed', 'closed']);
    expect(h.message(id).state).toBe('approved');
  });
});

describe('fast lanes', () => {
  it('approves a trusted sender automatically, audited', async () => {
    const h = premodHarness({ mode: 'pre' });
    const sender = h.senderWith('trusted');
    const id = await h.post('Thanks everyone for joining', { sender });
    expect(h.message(id).state).toBe('approved');
    expect(h.flags(id)).toEqual([]);
    expect(h.decisions(id)).toEqual([
      { verdict: 'approve', actor: 'pre-moderation', automatic: 1 },
    ]);
    expect(h.audit('message.fast_lane')).toEqual([
      {
        actor: 'pre-moderation',
        target_id: String(id),
        details: expect.objectContaining({ lane: 'trusted_sender', outcome: 'applied' }),
      },
    ]);
  });

  it('holds a trusted sender back when a medium or high rule flag fired', async () => {
    const h = premodHarness({ mode: 'pre' });
    const sender = h.senderWith('trusted');
    const id = await h.post('mail me: a@example.org', { sender });
    expect(h.message(id).state).toBe('unreviewed');
    expect(h.flags(id).map((f) => f.origin)).toEqual(['rule', 'pending']);
    expect(h.audit('message.fast_lane')).toEqual([]);
  });

  it('rejects a blocked sender automatically, audited as the lane', async () => {
    const h = premodHarness({ mode: 'pre' });
    const sender = h.senderWith('blocked');
    const id = await h.post('Hello there', { sender });
    expect(h.message(id).state).toBe('rejected');
    expect(h.flags(id)).toEqual([
      { origin: 'sender', status: 'closed', severity: 'high', actor: 'system' },
    ]);
    expect(h.decisions(id)).toEqual([{ verdict: 'reject', actor: 'pre-moderation', automatic: 1 }]);
    expect(h.audit('message.fast_lane').map((a) => a.details.lane)).toEqual(['blocked_sender']);
  });

  it('approves an emoji-only repeat of an approved message within N seconds', async () => {
    const h = premodHarness({ mode: 'pre', emoji_repeat_seconds: 60 });
    const first = await h.post('👏👏', { at: TEST_NOW - 50_000 });
    h.db.$client
      .prepare("UPDATE messages SET moderation_state = 'approved' WHERE id = ?")
      .run(first);
    const repeat = await h.post('👏👏', { at: TEST_NOW - 10_000 });
    expect(h.message(repeat).state).toBe('approved');
    expect(h.audit('message.fast_lane')).toEqual([
      {
        actor: 'pre-moderation',
        target_id: String(repeat),
        details: expect.objectContaining({ lane: 'emoji_repeat', sameAs: first }),
      },
    ]);
  });

  it.each([
    ['too late', '👏👏', { at: TEST_NOW + 20_000 }],
    ['another emoji', '🎉', {}],
    ['text with the emoji', '👏👏 yes', {}],
    ['another channel', '👏👏', { channel: 'other-channel' }],
  ])('does not approve an emoji repeat that is %s', async (_, text, options) => {
    const h = premodHarness({ mode: 'pre', emoji_repeat_seconds: 60 });
    const first = await h.post('👏👏', { at: TEST_NOW - 50_000 });
    h.db.$client
      .prepare("UPDATE messages SET moderation_state = 'approved' WHERE id = ?")
      .run(first);
    h.db.$client
      .prepare(
        `INSERT INTO channels (source_id, external_id, first_seen_at, last_seen_at, mode)
         VALUES (?, 'other-channel', 0, 0, 'pre')`,
      )
      .run(h.sourceId);
    const repeat = await h.post(text, { at: TEST_NOW - 10_000, ...options });
    expect(h.message(repeat).state).toBe('unreviewed');
    expect(h.flags(repeat)).toEqual([PENDING]);
    expect(h.audit('message.fast_lane')).toEqual([]);
  });

  it('does not approve an emoji repeat of a message that was never approved', async () => {
    const h = premodHarness({ mode: 'pre', emoji_repeat_seconds: 60 });
    await h.post('👏👏', { at: TEST_NOW - 50_000 });
    const repeat = await h.post('👏👏', { at: TEST_NOW - 10_000 });
    expect(h.message(repeat).state).toBe('unreviewed');
  });

  it('does nothing for lanes switched off in the channel', async () => {
    const h = premodHarness({
      mode: 'pre',
      approve_trusted: 0,
      reject_blocked: 0,
      emoji_repeat_seconds: 0,
    });
    const trusted = await h.post('Thanks everyone', { sender: h.senderWith('trusted') });
    const blocked = await h.post('Hello there', { sender: h.senderWith('blocked') });
    const first = await h.post('👏👏', { at: TEST_NOW - 50_000 });
    h.db.$client
      .prepare("UPDATE messages SET moderation_state = 'approved' WHERE id = ?")
      .run(first);
    const repeat = await h.post('👏👏', { at: TEST_NOW - 10_000 });
    for (const id of [trusted, blocked, repeat]) expect(h.message(id).state).toBe('unreviewed');
    expect(h.flags(blocked).map((f) => [f.origin, f.status])).toEqual([
      ['sender', 'open'],
      ['pending', 'open'],
    ]);
    expect(h.audit('message.fast_lane')).toEqual([]);
  });

  it('uses no lane in a post channel (a blocked sender is rejected there as before)', async () => {
    const h = premodHarness({ mode: 'post' });
    const trusted = await h.post('Thanks everyone', { sender: h.senderWith('trusted') });
    const blocked = await h.post('Hello there', { sender: h.senderWith('blocked') });
    expect(h.message(trusted).state).toBe('unreviewed');
    expect(h.message(blocked).state).toBe('rejected');
    expect(h.decisions(blocked)).toEqual([{ verdict: 'reject', actor: 'system', automatic: 1 }]);
    expect(h.audit('message.fast_lane')).toEqual([]);
  });

  it('switches with the channel: a channel set back to post stops queueing', async () => {
    const h = premodHarness({ mode: 'pre' });
    const before = await h.post('first question');
    setChannel(h, h.channelId, { mode: 'post' });
    const after = await h.post('second question');
    expect(h.flags(before)).toEqual([PENDING]);
    expect(h.flags(after)).toEqual([]);
  });
});
