import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { saveRule } from '../../src/rules/save-rule.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import {
  addKindSource,
  hexHmac,
  post,
  streamDelivery,
  streamFixture,
  streamFixtureBody,
  streamMessageNew,
  streamPush,
} from '../helpers/senders.ts';

const SECRET = streamPush.secret;
const MESSAGE_ID = 'tommaso-1a2b3c4d-0000-4000-8000-000000000001';

function setup() {
  const h = createHarness();
  const { id } = addKindSource(h, { kind: 'stream', secret: SECRET });
  return { h, id };
}

function postFixture(h: Harness, id: string, name: string, headers: Record<string, string> = {}) {
  const f = streamFixture(name);
  return post(h, `/hooks/${id}`, streamFixtureBody(f), { ...f.headers, ...headers });
}

function postPayload(h: Harness, id: string, payload: unknown, webhookId?: string) {
  const d = streamDelivery(payload, SECRET, { webhookId });
  return post(h, `/hooks/${id}`, d.body, d.headers);
}

const row = (h: Harness, sql: string, ...args: unknown[]) =>
  h.db.$client.prepare(sql).get(...args) as Record<string, unknown>;

/** Marks a message decided as a moderator would (decision row + state). */
function decide(h: Harness, messageId: number, verdict: 'approve' | 'reject') {
  const decision = h.db.$client
    .prepare(
      `INSERT INTO decisions (message_id, verdict, actor, automatic, created_at)
       VALUES (?, ?, 'ana', 0, 0)`,
    )
    .run(messageId, verdict).lastInsertRowid;
  h.db.$client
    .prepare('UPDATE messages SET moderation_state = ?, decision_id = ? WHERE id = ?')
    .run(verdict === 'approve' ? 'approved' : 'rejected', decision, messageId);
  h.db.$client.prepare("UPDATE flags SET status = 'closed' WHERE message_id = ?").run(messageId);
}

describe('POST /hooks/:sourceId (Stream push)', () => {
  it('accepts every fixture in order: new, edit, delete, reaction, and a gzip retry', async () => {
    const { h, id } = setup();
    const answers = [];
    for (const f of streamPush.deliveries) {
      const res = await postFixture(h, id, f.name);
      answers.push([f.name, res.status, await res.json()]);
    }
    expect(answers).toEqual([
      ['message-new', 200, { ok: true }],
      ['message-updated', 200, { ok: true }],
      ['message-deleted', 200, { ok: true }],
      ['reaction-new', 200, { ok: true }],
      // Another webhook id, but the same message: a duplicate of the first.
      ['message-new-gzip', 200, { ok: true, duplicate: true }],
    ]);
    expect(h.count('messages')).toBe(1);
    expect(h.count('message_edits')).toBe(1);
    expect(h.count('reactions')).toBe(1);
    expect(h.count('deliveries', "outcome = 'accepted' AND secret_id IS NOT NULL")).toBe(4);
  });

  it('stores message.new with its sender, channel and flags', async () => {
    const { h, id } = setup();
    expect((await postFixture(h, id, 'message-new')).status).toBe(200);
    expect(row(h, 'SELECT * FROM messages')).toMatchObject({
      external_id: MESSAGE_ID,
      text: 'Call me on +1 415 555 0100, or mail tom@example.com',
      screen_name: 'Tommaso',
      sent_at: Date.parse('2026-05-01T12:00:00.123Z'),
      edited_at: null,
      deleted_at: null,
    });
    expect(row(h, 'SELECT external_id, screen_name FROM senders')).toEqual({
      external_id: 'tommaso',
      screen_name: 'Tommaso',
    });
    expect(row(h, 'SELECT external_id FROM channels')).toEqual({
      external_id: 'messaging:keynote',
    });
    expect(row(h, 'SELECT webhook_id FROM deliveries')).toEqual({
      webhook_id: '7f0c5b1e-0000-4000-8000-000000000000',
    });
    expect(h.count('flags', "status = 'open' AND reason LIKE 'Personal data%'")).toBe(1);
  });

  it('accepts a gzip body signed over its uncompressed bytes and stores it uncompressed', async () => {
    const { h, id } = setup();
    const res = await postFixture(h, id, 'message-new-gzip');
    expect(res.status).toBe(200);
    const stored = row(h, 'SELECT body, size FROM deliveries') as { body: Buffer; size: number };
    expect(stored.body.toString('utf8')).toBe(streamFixture('message-new').body);
    expect(stored.size).toBe(Buffer.byteLength(streamFixture('message-new').body!));
    expect(h.count('messages')).toBe(1);
  });

  it('answers a retry with the same X-Webhook-Id as a duplicate and stores nothing new', async () => {
    const { h, id } = setup();
    await postFixture(h, id, 'message-updated');
    const before = row(h, 'SELECT * FROM messages');
    const res = await postFixture(h, id, 'message-updated', { 'X-Webhook-Attempt': '2' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, duplicate: true });
    expect(row(h, 'SELECT * FROM messages')).toEqual(before);
    expect(h.count('deliveries', "outcome = 'duplicate' AND body IS NULL")).toBe(1);
    expect(h.count('deliveries', "outcome = 'accepted'")).toBe(1);
  });

  it('keeps an edit with its history and the new text', async () => {
    const { h, id } = setup();
    await postFixture(h, id, 'message-new');
    await postFixture(h, id, 'message-updated');
    expect(row(h, 'SELECT text, edited_at FROM messages')).toEqual({
      text: 'Call me maybe',
      edited_at: Date.parse('2026-05-01T12:01:00Z'),
    });
    expect(row(h, 'SELECT previous_text, text, edited_at FROM message_edits')).toEqual({
      previous_text: 'Call me on +1 415 555 0100, or mail tom@example.com',
      text: 'Call me maybe',
      edited_at: Date.parse('2026-05-01T12:01:00Z'),
    });
  });

  it('returns an approved message to the queue when its edit matches a rule', async () => {
    const { h, id } = setup();
    await postPayload(h, id, streamMessageNew({ text: 'see you soon' }));
    const messageId = row(h, 'SELECT id FROM messages').id as number;
    decide(h, messageId, 'approve');
    const edited = {
      ...streamMessageNew({ text: 'mail me: tom@example.com' }),
      type: 'message.updated',
    };
    expect((await postPayload(h, id, edited)).status).toBe(200);
    expect(row(h, 'SELECT moderation_state, decision_id FROM messages')).toEqual({
      moderation_state: 'unreviewed',
      decision_id: null,
    });
    expect(h.count('flags', "status = 'open'")).toBe(1);
    expect(h.count('audit_log', "action = 'message.reopen'")).toBe(1);
  });

  it('leaves a rejected message rejected, and an approved one approved when no rule matches', async () => {
    const { h, id } = setup();
    await postPayload(h, id, streamMessageNew({ id: 'a', text: 'first' }));
    await postPayload(h, id, streamMessageNew({ id: 'b', text: 'second' }));
    const [a, b] = h.db.$client.prepare('SELECT id FROM messages ORDER BY id').all() as {
      id: number;
    }[];
    decide(h, a!.id, 'reject');
    decide(h, b!.id, 'approve');
    const edit = (mid: string, text: string) => ({
      ...streamMessageNew({ id: mid, text }),
      type: 'message.updated',
    });
    await postPayload(h, id, edit('a', 'tom@example.com'));
    await postPayload(h, id, edit('b', 'second, corrected'));
    const states = h.db.$client.prepare('SELECT moderation_state FROM messages ORDER BY id').all();
    expect(states).toEqual([{ moderation_state: 'rejected' }, { moderation_state: 'approved' }]);
  });

  it('sends an approved message of a pre-moderated channel back to pending when it is edited', async () => {
    const { h, id } = setup();
    await postPayload(h, id, streamMessageNew({ id: 'a', text: 'hello all' }));
    await postPayload(h, id, streamMessageNew({ id: 'b', text: 'rejected one' }));
    h.db.$client.prepare("UPDATE channels SET mode = 'pre'").run();
    const [a, b] = h.db.$client.prepare('SELECT id FROM messages ORDER BY id').all() as {
      id: number;
    }[];
    decide(h, a!.id, 'approve');
    decide(h, b!.id, 'reject');
    const edit = (mid: string, text: string) => ({
      ...streamMessageNew({ id: mid, text }),
      type: 'message.updated',
    });
    await postPayload(h, id, edit('a', 'hello all, now with something else'));
    await postPayload(h, id, edit('b', 'rejected one, edited'));
    expect(
      row(h, 'SELECT moderation_state, decision_id FROM messages WHERE id = ?', a!.id),
    ).toEqual({ moderation_state: 'unreviewed', decision_id: null });
    expect(
      h.count('flags', `message_id = ${a!.id} AND origin = 'pending' AND status = 'open'`),
    ).toBe(1);
    expect(row(h, 'SELECT moderation_state FROM messages WHERE id = ?', b!.id)).toEqual({
      moderation_state: 'rejected',
    });
    expect(h.count('flags', `message_id = ${b!.id} AND origin = 'pending'`)).toBe(0);
    expect(h.count('audit_log', "action = 'message.edit_requeued'")).toBe(1);
  });

  it('does not raise the same rule twice while its flag is open, nor for an unchanged text', async () => {
    const { h, id } = setup();
    await postPayload(h, id, streamMessageNew({ text: 'tom@example.com' }));
    const edit = (text: string) => ({ ...streamMessageNew({ text }), type: 'message.updated' });
    await postPayload(h, id, edit('ana@example.com'));
    await postPayload(h, id, edit('ana@example.com'));
    expect(h.count('flags')).toBe(1);
    expect(h.count('message_edits')).toBe(1);
  });

  it('keeps a deleted message as a tombstone with its text', async () => {
    const { h, id } = setup();
    await postFixture(h, id, 'message-new');
    await postFixture(h, id, 'message-deleted');
    expect(row(h, 'SELECT text, deleted_at FROM messages')).toEqual({
      text: 'Call me on +1 415 555 0100, or mail tom@example.com',
      deleted_at: Date.parse('2026-05-01T12:02:00Z'),
    });
  });

  it('stores an edit or a deletion of a message it never saw as that message', async () => {
    const { h, id } = setup();
    await postFixture(h, id, 'message-deleted');
    expect(row(h, 'SELECT external_id, deleted_at FROM messages')).toEqual({
      external_id: MESSAGE_ID,
      deleted_at: Date.parse('2026-05-01T12:02:00Z'),
    });
  });

  it("keeps reactions as events and applies reaction signals to Stream's flag reaction", async () => {
    const { h, id } = setup();
    saveRule(
      h.deps,
      {
        draft: {
          kind: 'reaction_signal',
          name: 'Flagged',
          settings: { emoji: ['flag'], users: 1 },
        },
      },
      'test',
    );
    await postFixture(h, id, 'message-new');
    await postFixture(h, id, 'reaction-new');
    expect(row(h, 'SELECT emoji, action, reactor_external_id FROM reactions')).toEqual({
      emoji: 'flag',
      action: 'add',
      reactor_external_id: 'ana',
    });
    expect(row(h, 'SELECT reactions_json FROM messages')).toEqual({
      reactions_json: JSON.stringify({ flag: ['ana'] }),
    });
    expect(h.count('flags', "origin = 'reaction' AND status = 'open'")).toBe(1);
    const removed = JSON.parse(streamFixture('reaction-new').body!) as Record<string, unknown>;
    await postPayload(h, id, { ...removed, type: 'reaction.deleted' });
    expect(row(h, 'SELECT reactions_json FROM messages')).toEqual({ reactions_json: '{}' });
    expect(h.count('reactions')).toBe(2);
  });

  it('stores other event types raw as ignored', async () => {
    const { h, id } = setup();
    const res = await postPayload(h, id, { type: 'channel.created', cid: 'messaging:x' });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ ok: true, ignored: true });
    expect(h.count('deliveries', "outcome = 'ignored' AND body IS NOT NULL")).toBe(1);
    expect(h.count('messages')).toBe(0);
  });

  describe('rejections', () => {
    const expectNothingStored = (h: Harness) => {
      expect(h.count('messages') + h.count('deliveries', 'body IS NOT NULL')).toBe(0);
    };

    it.each([
      ['the signature is missing', { 'X-Signature': '' }, 'signature_missing'],
      ['the signature is not hex', { 'X-Signature': 'z'.repeat(64) }, 'signature_malformed'],
      ['the key is wrong', { 'X-Signature': 'ab'.repeat(32) }, 'signature_mismatch'],
    ])('returns 401 when %s', async (_, headers, code) => {
      const { h, id } = setup();
      const res = await postFixture(h, id, 'message-new', headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code } });
      expectNothingStored(h);
    });

    it('returns 401 when a gzip body is signed over its compressed bytes', async () => {
      const { h, id } = setup();
      const d = streamDelivery(streamMessageNew(), SECRET, { gzip: true });
      const res = await post(h, `/hooks/${id}`, d.body, {
        ...d.headers,
        'X-Signature': hexHmac(d.body, SECRET),
      });
      expect(res.status).toBe(401);
    });

    it('returns 413 for a gzip bomb, never expanding it in full', async () => {
      const { h, id } = setup();
      const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
      expect(bomb.length).toBeLessThan(h.deps.config.maxBodyBytes);
      const res = await post(h, `/hooks/${id}`, bomb, {
        'Content-Encoding': 'gzip',
        'X-Signature': 'ab'.repeat(32),
      });
      expect(res.status).toBe(413);
      expect(h.count('deliveries', "reason = 'body_too_large'")).toBe(1);
    });

    it('returns 400 for a body that is not gzip though it says so, 415 for another encoding', async () => {
      const { h, id } = setup();
      const f = streamFixture('message-new');
      const corrupt = await post(h, `/hooks/${id}`, f.body!, {
        ...f.headers,
        'Content-Encoding': 'gzip',
      });
      expect(corrupt.status).toBe(400);
      expect(await corrupt.json()).toMatchObject({ error: { code: 'invalid_encoding' } });
      const brotli = await post(h, `/hooks/${id}`, f.body!, {
        ...f.headers,
        'Content-Encoding': 'br',
      });
      expect(brotli.status).toBe(415);
      expectNothingStored(h);
    });

    it('returns 422 naming the field for a message event without a message', async () => {
      const { h, id } = setup();
      const res = await postPayload(h, id, { type: 'message.new', cid: 'messaging:x' });
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ error: { field: 'message' } });
    });
  });
});
