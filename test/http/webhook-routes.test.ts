import { describe, expect, it } from 'vitest';
import { rotateSourceSecret } from '../../src/sources/rotate-source-secret.ts';
import { setSourceStatus } from '../../src/sources/set-source-status.ts';
import {
  emojiPayload,
  eventyayFixtures,
  eventyayJson,
  eventyaySignature,
  fixture,
  textPayload,
} from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postHook, postSigned } from '../helpers/webhook-request.ts';

const SECRET = eventyayFixtures.secret;

function setup() {
  const h = createHarness();
  const source = addFixtureSource(h);
  return { h, id: source.id };
}

function postFixture(h: Harness, id: string, name: string) {
  const f = fixture(name);
  return postHook(h, id, f.body, f.signature);
}

/** Nothing of the chat itself was written: no message, reaction, sender or channel. */
function expectNoChatRows(h: Harness) {
  expect({
    messages: h.count('messages'),
    reactions: h.count('reactions'),
    senders: h.count('senders'),
    channels: h.count('channels'),
    storedBodies: h.count('deliveries', 'body IS NOT NULL'),
  }).toEqual({ messages: 0, reactions: 0, senders: 0, channels: 0, storedBodies: 0 });
}

describe('GET /hooks/:sourceId (challenge)', () => {
  it('echoes the token as JSON with status 200', async () => {
    const { h, id } = setup();
    const token = 'aZ09_-'.repeat(7) + 'x';
    const res = await h.app.request(`/hooks/${id}?challenge=${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ challenge: token });
    expect(h.count('deliveries', "kind = 'challenge' AND outcome = 'accepted'")).toBe(1);
  });

  it.each([
    ['missing', '', 'challenge_missing'],
    ['malformed', '?challenge=has%20space', 'challenge_malformed'],
    ['too long', `?challenge=${'a'.repeat(513)}`, 'challenge_malformed'],
  ])('returns 400 when the token is %s', async (_, query, code) => {
    const { h, id } = setup();
    const res = await h.app.request(`/hooks/${id}${query}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it('returns 404 for an unknown source and only bumps a counter', async () => {
    const { h } = setup();
    const res = await h.app.request('/hooks/nope?challenge=abc');
    expect(res.status).toBe(404);
    expect(h.count('deliveries')).toBe(0);
    expect(h.count('rejection_counters', "source_key = '*unknown*'")).toBe(1);
  });

  it('returns 404 for a disabled source', async () => {
    const { h, id } = setup();
    setSourceStatus(h.deps, { sourceId: id, status: 'disabled' }, 'test');
    const res = await h.app.request(`/hooks/${id}?challenge=abc`);
    expect(res.status).toBe(404);
  });
});

describe('POST /hooks/:sourceId (Eventyay deliveries)', () => {
  it('accepts every fixture and stores texts decoded from their \\u escapes', async () => {
    const { h, id } = setup();
    for (const d of eventyayFixtures.deliveries) {
      const res = await postHook(h, id, d.body, d.signature);
      expect(res.status, d.name).toBe(200);
      expect(await res.json(), d.name).toEqual({ ok: true });
    }
    const texts = h.db.$client
      .prepare('SELECT external_id, text, screen_name FROM messages ORDER BY external_id')
      .all();
    expect(texts).toEqual([
      {
        external_id: '4711',
        text: 'Hello everyone, welcome to the session!',
        screen_name: 'Alice',
      },
      { external_id: '4712', text: 'Café crème ☕ — ça marche 👍', screen_name: 'Bob' },
      {
        external_id: '4713',
        text: '<script>alert(1)</script><img src=x onerror=alert(2)> =HYPERLINK("http://evil")',
        screen_name: '<b>Bob</b>',
      },
      { external_id: '4714', text: '', screen_name: '' },
    ]);
    expect(h.count('reactions')).toBe(3);
    expect(h.count('deliveries', "outcome = 'accepted' AND secret_id IS NOT NULL")).toBe(7);
  });

  it('keeps the raw body byte-exact and records which secret matched', async () => {
    const { h, id } = setup();
    const f = fixture('text-unicode');
    await postHook(h, id, f.body, f.signature);
    const row = h.db.$client
      .prepare('SELECT body, secret_id, size, status FROM deliveries')
      .get() as { body: Buffer; secret_id: number; size: number; status: number };
    expect(row.body.toString('utf8')).toBe(f.body);
    expect(row.size).toBe(Buffer.byteLength(f.body));
    const secretId = h.db.$client.prepare('SELECT id FROM source_secrets').get() as { id: number };
    expect(row.secret_id).toBe(secretId.id);
  });

  it('stores sender, channel and message fields from a text delivery', async () => {
    const { h, id } = setup();
    await postFixture(h, id, 'text-basic');
    const sender = h.db.$client.prepare('SELECT * FROM senders').get();
    expect(sender).toMatchObject({
      external_id: '0d5e8f0a-1b2c-4d3e-8f9a-0b1c2d3e4f50',
      screen_name: 'Alice',
      centralauth_id: 123456,
      centralauth_username: 'Alice (WMF)',
      language: 'en',
      first_seen_at: h.deps.now(),
      last_seen_at: h.deps.now(),
    });
    const message = h.db.$client.prepare('SELECT * FROM messages').get();
    expect(message).toMatchObject({
      external_id: '4711',
      language: 'en',
      sent_at: Date.parse('2026-05-01T12:34:56.123Z'),
      received_at: h.deps.now(),
      reactions_json: '{}',
    });
    expect(h.db.$client.prepare('SELECT external_id FROM channels').get()).toEqual({
      external_id: '6f1c2b1e-8a4d-4c2a-9a57-3f0e1d2c3b4a',
    });
  });

  it('answers a repeated delivery as a duplicate and changes nothing', async () => {
    const { h, id } = setup();
    await postFixture(h, id, 'text-basic');
    const before = h.db.$client.prepare('SELECT * FROM senders').get();
    h.advance(60_000);
    const res = await postFixture(h, id, 'text-basic');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, duplicate: true });
    expect(h.count('messages')).toBe(1);
    expect(h.db.$client.prepare('SELECT * FROM senders').get()).toEqual(before);
    expect(h.count('deliveries', "outcome = 'duplicate' AND body IS NULL")).toBe(1);
  });

  it('keeps add, remove, add of one emoji as three reaction events with the right snapshot', async () => {
    const { h, id } = setup();
    await postFixture(h, id, 'text-basic');
    for (const name of ['emoji-add', 'emoji-remove', 'emoji-add-again']) {
      expect((await postFixture(h, id, name)).status).toBe(200);
    }
    const rows = h.db.$client
      .prepare('SELECT action, emoji, reactor_external_id, message_id FROM reactions ORDER BY id')
      .all();
    const messageId = (h.db.$client.prepare('SELECT id FROM messages').get() as { id: number }).id;
    const bob = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    expect(rows).toEqual([
      { action: 'add', emoji: '👍', reactor_external_id: bob, message_id: messageId },
      { action: 'remove', emoji: '👍', reactor_external_id: bob, message_id: messageId },
      { action: 'add', emoji: '👍', reactor_external_id: bob, message_id: messageId },
    ]);
    const message = h.db.$client.prepare('SELECT text, reactions_json FROM messages').get();
    expect(message).toEqual({
      text: 'Hello everyone, welcome to the session!',
      reactions_json: JSON.stringify({ '👍': [bob] }),
    });
  });

  it("never gives the target's author the reactor's name", async () => {
    const { h, id } = setup();
    await postFixture(h, id, 'text-basic');
    await postFixture(h, id, 'emoji-add');
    const names = h.db.$client
      .prepare('SELECT external_id, screen_name, language FROM senders ORDER BY screen_name')
      .all();
    expect(names).toEqual([
      { external_id: '0d5e8f0a-1b2c-4d3e-8f9a-0b1c2d3e4f50', screen_name: 'Alice', language: 'en' },
      { external_id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', screen_name: 'Bob', language: 'fr' },
    ]);
  });

  it('links a reaction that arrives before its target once the target comes', async () => {
    const { h, id } = setup();
    await postFixture(h, id, 'emoji-add');
    expect(h.count('messages')).toBe(0);
    expect(h.count('reactions', 'message_id IS NULL')).toBe(1);
    await postFixture(h, id, 'text-basic');
    const messageId = (h.db.$client.prepare('SELECT id FROM messages').get() as { id: number }).id;
    expect(h.count('reactions', `message_id = ${messageId}`)).toBe(1);
    const message = h.db.$client.prepare('SELECT reactions_json FROM messages').get();
    expect(message).toEqual({
      reactions_json: JSON.stringify({ '👍': ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'] }),
    });
  });

  it('infers each reactor from snapshot changes among several users', async () => {
    const { h, id } = setup();
    type Step = {
      emoji: string;
      action: 'add' | 'remove';
      reactions: Record<string, string[]>;
      reactor: string | null;
    };
    const steps: Step[] = [
      { emoji: '🚩', action: 'add', reactions: { '🚩': ['u1'] }, reactor: 'u1' },
      { emoji: '🚩', action: 'add', reactions: { '🚩': ['u1', 'u2'] }, reactor: 'u2' },
      {
        emoji: '👍',
        action: 'add',
        reactions: { '🚩': ['u1', 'u2'], '👍': ['u3'] },
        reactor: 'u3',
      },
      { emoji: '🚩', action: 'remove', reactions: { '🚩': ['u2'], '👍': ['u3'] }, reactor: 'u1' },
      // An event went missing: two new users at once cannot be told apart.
      {
        emoji: '🚩',
        action: 'add',
        reactions: { '🚩': ['u2', 'u4', 'u5'], '👍': ['u3'] },
        reactor: null,
      },
    ];
    for (const step of steps) {
      const payload = emojiPayload({ targetId: 77, ...step });
      expect((await postSigned(h, id, payload, SECRET)).status).toBe(200);
    }
    const reactors = h.db.$client
      .prepare('SELECT reactor_external_id AS r FROM reactions ORDER BY id')
      .all()
      .map((row) => (row as { r: string | null }).r);
    expect(reactors).toEqual(steps.map((s) => s.reactor));
    expect(h.count('senders')).toBe(3);
  });

  it('verifies a body that JSON.stringify(JSON.parse(body)) would change', async () => {
    const { h, id } = setup();
    const f = fixture('text-unicode');
    expect(JSON.stringify(JSON.parse(f.body))).not.toBe(f.body);
    const spaced = f.body.replace('{', '{ ').replace(',', ' ,\n');
    const res = await postHook(h, id, spaced, eventyaySignature(spaced, SECRET));
    expect(res.status).toBe(200);
    expect(h.count('messages')).toBe(1);
  });

  it('stores an unknown message_type as ignored and answers 202', async () => {
    const { h, id } = setup();
    const res = await postSigned(h, id, textPayload({ message_type: 'file' }), SECRET);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ ok: true, ignored: true });
    expect(h.count('deliveries', "outcome = 'ignored' AND body IS NOT NULL")).toBe(1);
    expect(h.count('messages')).toBe(0);
  });

  it('accepts unknown extra fields and keeps them in the raw body', async () => {
    const { h, id } = setup();
    const res = await postSigned(h, id, textPayload({ new_field: { nested: [1] } }), SECRET);
    expect(res.status).toBe(200);
    const body = h.db.$client.prepare('SELECT body FROM deliveries').get() as { body: Buffer };
    expect(body.body.toString()).toContain('"new_field":{"nested":[1]}');
  });

  describe('rejections: right status, a delivery row, nothing else stored', () => {
    const body = fixture('text-basic').body;

    it.each([
      ['the signature is missing', null, 'signature_missing'],
      ['the header is empty', '', 'signature_missing'],
      ['the prefix is not sha256=', `sha1=${'a'.repeat(64)}`, 'signature_malformed'],
      ['the hex is too short', `sha256=${'a'.repeat(63)}`, 'signature_malformed'],
      ['the hex is not hex', `sha256=${'g'.repeat(64)}`, 'signature_malformed'],
      [
        'the secret is another one',
        eventyaySignature(body, 'another-secret-0123456789'),
        'signature_mismatch',
      ],
      ['the signature is of another body', fixture('text-unicode').signature, 'signature_mismatch'],
    ])('returns 401 when %s', async (_, signature, code) => {
      const { h, id } = setup();
      const res = await postHook(h, id, body, signature);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
      expectNoChatRows(h);
      expect(
        h.count('deliveries', `outcome = 'rejected' AND reason = '${code}' AND status = 401`),
      ).toBe(1);
    });

    it('returns 401 for a rotated-out secret after its expiry, and 200 before', async () => {
      const { h, id } = setup();
      rotateSourceSecret(h.deps, { sourceId: id, graceMs: 60_000 }, 'test');
      h.advance(59_000);
      expect((await postFixture(h, id, 'text-basic')).status).toBe(200);
      h.advance(1_000);
      expect((await postFixture(h, id, 'text-unicode')).status).toBe(401);
      expect(h.count('messages')).toBe(1);
    });

    it('returns 404 for a disabled source and for an unknown one', async () => {
      const { h, id } = setup();
      setSourceStatus(h.deps, { sourceId: id, status: 'disabled' }, 'test');
      expect((await postFixture(h, id, 'text-basic')).status).toBe(404);
      expect((await postFixture(h, 'no-such-source', 'text-basic')).status).toBe(404);
      expectNoChatRows(h);
      expect(h.count('deliveries', "reason = 'source_disabled'")).toBe(1);
      expect(h.count('deliveries', "reason = 'unknown_source'")).toBe(0);
    });

    it('returns 413 for a body over the limit, declared or streamed', async () => {
      const { h, id } = setup();
      const big = 'x'.repeat(h.deps.config.maxBodyBytes + 1);
      const declared = await postHook(h, id, big, eventyaySignature(big, SECRET));
      expect(declared.status).toBe(413);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 70; i++) controller.enqueue(new Uint8Array(1024));
          controller.close();
        },
      });
      const streamed = await h.app.request(`/hooks/${id}`, {
        method: 'POST',
        body: stream,
        headers: { 'X-Eventyay-Signature': `sha256=${'0'.repeat(64)}` },
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
      expectNoChatRows(h);
      expect(h.count('deliveries', "reason = 'body_too_large' AND status = 413")).toBe(2);
    });

    it('returns 400 for invalid JSON with a valid signature', async () => {
      const { h, id } = setup();
      const res = await postHook(
        h,
        id,
        '{"message_id":',
        eventyaySignature('{"message_id":', SECRET),
      );
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
      expectNoChatRows(h);
    });

    it('returns 400 for invalid UTF-8 with a valid signature', async () => {
      const { h, id } = setup();
      const bytes = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]);
      const res = await postHook(h, id, bytes, eventyaySignature(bytes, SECRET));
      expect(res.status).toBe(400);
      expectNoChatRows(h);
    });

    const wrongTypes: [string, Record<string, unknown>, string][] = [
      ['message_id', { message_id: '4711' }, 'message_id'],
      ['message_id (negative)', { message_id: -1 }, 'message_id'],
      ['message_id (fraction)', { message_id: 1.5 }, 'message_id'],
      ['channel', { channel: 42 }, 'channel'],
      ['sender_id', { sender_id: 12 }, 'sender_id'],
      ['message', { message: null }, 'message'],
      ['message_type', { message_type: 3 }, 'message_type'],
      [
        'meta.action',
        {
          message_type: 'emoji',
          meta: { action: 'zap', reaction: '👍', reactions: {}, target_message_id: 1 },
        },
        'meta.action',
      ],
      [
        'meta.target_message_id',
        {
          message_type: 'emoji',
          meta: { action: 'add', reaction: '👍', reactions: {}, target_message_id: '1' },
        },
        'meta.target_message_id',
      ],
      [
        'meta.reactions',
        {
          message_type: 'emoji',
          meta: { action: 'add', reaction: '👍', reactions: [], target_message_id: 1 },
        },
        'meta.reactions',
      ],
    ];
    it.each(wrongTypes)(
      'returns 422 naming the field when %s has the wrong type',
      async (_, fields, field) => {
        const { h, id } = setup();
        const res = await postSigned(h, id, textPayload(fields), SECRET);
        expect(res.status).toBe(422);
        const json = (await res.json()) as {
          error: { code: string; field: string; message: string };
        };
        expect(json.error).toMatchObject({ code: 'invalid_payload', field });
        expect(json.error.message).toContain(field);
        expectNoChatRows(h);
        expect(
          h.count('deliveries', "outcome = 'rejected' AND status = 422 AND body IS NULL"),
        ).toBe(1);
      },
    );

    // Issue 16: a field the message can be stored without never fails the delivery.
    it.each([
      ['timestamp', { timestamp: 'yesterday' }],
      ['screen_name', { screen_name: 7 }],
      ['centralauth_id', { centralauth_id: 'x' }],
      ['centralauth_username', { centralauth_username: 5 }],
      ['user_language', { user_language: [] }],
      ['meta', { meta: 'x' }],
    ])(
      'stores the message when %s has the wrong type, with a schema warning',
      async (field, fields) => {
        const { h, id } = setup();
        const res = await postSigned(h, id, textPayload(fields), SECRET);
        expect(res.status).toBe(200);
        expect(h.count('messages')).toBe(1);
        expect(
          h.count(
            'deliveries',
            `outcome = 'accepted' AND reason = 'schema_warning' AND detail LIKE '%${field}: %'`,
          ),
        ).toBe(1);
      },
    );

    it('returns 422 naming a missing required field', async () => {
      const { h, id } = setup();
      const payload = textPayload();
      delete payload.channel;
      const res = await postSigned(h, id, payload, SECRET);
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ error: { field: 'channel' } });
    });

    it('keeps only the newest rejected rows per source but counts them all', async () => {
      const { h, id } = setup();
      const { KEPT_REJECTED_DELIVERIES } = await import('../../src/ingest/delivery-outcome.ts');
      const extra = 120;
      for (let i = 0; i < KEPT_REJECTED_DELIVERIES + extra; i++) await postHook(h, id, body, null);
      const kept = h.count('deliveries', "outcome = 'rejected'");
      expect(kept).toBeGreaterThanOrEqual(KEPT_REJECTED_DELIVERIES);
      expect(kept).toBeLessThanOrEqual(KEPT_REJECTED_DELIVERIES + 50);
      const counter = h.db.$client
        .prepare(
          "SELECT count FROM rejection_counters WHERE source_key = ? AND reason = 'signature_missing'",
        )
        .get(id);
      expect(counter).toEqual({ count: KEPT_REJECTED_DELIVERIES + extra });
    });
  });

  it('answers 405 with Allow for other methods', async () => {
    const { h, id } = setup();
    const res = await h.app.request(`/hooks/${id}`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
  });

  it('serialises payloads exactly as Eventyay does (helper check against a fixture)', () => {
    const f = fixture('text-unicode');
    expect(eventyayJson(JSON.parse(f.body))).toBe(f.body);
    expect(eventyaySignature(f.body, SECRET)).toBe(f.signature);
  });
});
