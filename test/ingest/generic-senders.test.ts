import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';
import { addKindSource, post, standardWebhookHeaders } from '../helpers/senders.ts';

const SECRET = 'generic-hmac-secret-0123456789';
const FIELDS = {
  id: '/data/id',
  text: '/data/text',
  sender: '/data/author/id',
  senderName: '/data/author/name',
  channel: '/data/room',
  time: '/data/at',
};
const IHF = {
  signatureHeader: 'X-IHF-Signature',
  prefix: 'sha256=',
  eventHeader: 'X-IHF-Event',
  messageEvents: ['message.created'],
  fields: FIELDS,
};

const payload = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    data: {
      id: 42,
      text: 'Hello from a generic sender',
      author: { id: 'u-7', name: 'Uma' },
      room: 'hall-a',
      at: '2026-05-01T12:30:00Z',
      ...overrides,
    },
  });

const hmacHex = (body: string, key: string) => createHmac('sha256', key).update(body).digest('hex');
const row = (h: Harness, sql: string) => h.db.$client.prepare(sql).get();

describe('generic hmac sources', () => {
  function setup(settings: Record<string, unknown> = IHF) {
    const h = createHarness();
    const { id } = addKindSource(h, { kind: 'hmac', secret: SECRET, settings });
    return { h, id };
  }
  const send = (h: Harness, id: string, body: string, headers: Record<string, string>) =>
    post(h, `/hooks/${id}`, body, { 'Content-Type': 'application/json', ...headers });

  it('stores a message signed as configured, with its fields from the JSON pointers', async () => {
    const { h, id } = setup();
    const body = payload();
    const res = await send(h, id, body, {
      'X-IHF-Signature': `sha256=${hmacHex(body, SECRET)}`,
      'X-IHF-Event': 'message.created',
    });
    expect(res.status).toBe(200);
    expect(row(h, 'SELECT external_id, text, screen_name, sent_at FROM messages')).toEqual({
      external_id: '42',
      text: 'Hello from a generic sender',
      screen_name: 'Uma',
      sent_at: Date.parse('2026-05-01T12:30:00Z'),
    });
    expect(row(h, 'SELECT external_id FROM channels')).toEqual({ external_id: 'hall-a' });
    const again = await send(h, id, body, {
      'X-IHF-Signature': `sha256=${hmacHex(body, SECRET)}`,
      'X-IHF-Event': 'message.created',
    });
    expect(await again.json()).toEqual({ ok: true, duplicate: true });
  });

  it('ignores events the settings do not name as messages', async () => {
    const { h, id } = setup();
    const body = payload();
    const res = await send(h, id, body, {
      'X-IHF-Signature': `sha256=${hmacHex(body, SECRET)}`,
      'X-IHF-Event': 'session.started',
    });
    expect(res.status).toBe(202);
    expect(h.count('messages')).toBe(0);
  });

  it('accepts base64 digests without a prefix when so configured, and refuses hex then', async () => {
    const { h, id } = setup({ signatureHeader: 'X-Sig', encoding: 'base64', fields: FIELDS });
    const body = payload();
    const base64 = createHmac('sha256', SECRET).update(body).digest('base64');
    expect((await send(h, id, body, { 'X-Sig': base64 })).status).toBe(200);
    const hex = await send(h, id, payload({ id: 43 }), { 'X-Sig': hmacHex(body, SECRET) });
    expect(hex.status).toBe(401);
    expect(await hex.json()).toMatchObject({ error: { code: 'signature_malformed' } });
  });

  it('accepts SHA-256(secret ‖ body) only under the legacy-prefix-hash scheme', async () => {
    const legacy = (body: string) =>
      `sha256=${createHash('sha256')
        .update(SECRET + body)
        .digest('hex')}`;
    const body = payload();
    const plain = setup();
    const refused = await send(plain.h, plain.id, body, {
      'X-IHF-Signature': legacy(body),
      'X-IHF-Event': 'message.created',
    });
    expect(refused.status).toBe(401);
    const chosen = setup({ ...IHF, scheme: 'legacy-prefix-hash' });
    const accepted = await send(chosen.h, chosen.id, body, {
      'X-IHF-Signature': legacy(body),
      'X-IHF-Event': 'message.created',
    });
    expect(accepted.status).toBe(200);
    const hmac = await send(chosen.h, chosen.id, payload({ id: 9 }), {
      'X-IHF-Signature': `sha256=${hmacHex(payload({ id: 9 }), SECRET)}`,
      'X-IHF-Event': 'message.created',
    });
    expect(hmac.status).toBe(401);
  });

  it.each([
    ['the signature is missing', {}, 401],
    ['the prefix is wrong', { 'X-IHF-Signature': `sha1=${'a'.repeat(64)}` }, 401],
    [
      'the key is wrong',
      { 'X-IHF-Signature': `sha256=${hmacHex(payload(), 'other-secret-0123456789')}` },
      401,
    ],
  ])('refuses a delivery when %s', async (_, headers, status) => {
    const { h, id } = setup();
    const res = await send(h, id, payload(), { 'X-IHF-Event': 'message.created', ...headers });
    expect(res.status).toBe(status);
    expect(h.count('messages')).toBe(0);
  });

  it('returns 422 naming the pointer when a required mapped field is missing or of the wrong type', async () => {
    const { h, id } = setup();
    for (const [changes, pointer] of [
      [{ text: 5 }, '/data/text'],
      [{ id: null }, '/data/id'],
    ] as const) {
      const body = payload(changes);
      const res = await send(h, id, body, {
        'X-IHF-Signature': `sha256=${hmacHex(body, SECRET)}`,
        'X-IHF-Event': 'message.created',
      });
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ error: { field: pointer } });
    }
  });

  it('keeps the message when the optional time is not a time, with a schema warning', async () => {
    const { h, id } = setup();
    const body = payload({ at: 'soon' });
    const res = await send(h, id, body, {
      'X-IHF-Signature': `sha256=${hmacHex(body, SECRET)}`,
      'X-IHF-Event': 'message.created',
    });
    expect(res.status).toBe(200);
    const row = h.db.$client.prepare('SELECT reason, detail FROM deliveries').get() as {
      reason: string;
      detail: string;
    };
    expect(row.reason).toBe('schema_warning');
    expect(row.detail).toMatch(/^schema warning: \/data\/at \(the time field\): .*dropped/);
  });
});

describe('standard-webhooks sources', () => {
  const SECRET_A = `whsec_${Buffer.from('standard-webhooks-key-a-0123456').toString('base64')}`;
  const SECRET_B = `whsec_${Buffer.from('standard-webhooks-key-b-0123456').toString('base64')}`;
  const nowSeconds = Math.floor(TEST_NOW / 1000);

  function setup() {
    const h = createHarness();
    const { id } = addKindSource(h, {
      kind: 'standard-webhooks',
      secret: SECRET_A,
      settings: { fields: FIELDS },
    });
    return { h, id };
  }
  const send = (h: Harness, id: string, body: string, headers: Record<string, string>) =>
    post(h, `/hooks/${id}`, body, headers);

  it('accepts a delivery when any of several v1 signatures matches, and records the id', async () => {
    const { h, id } = setup();
    const body = payload();
    const headers = standardWebhookHeaders(body, [SECRET_B, SECRET_A], 'msg_1', nowSeconds);
    expect((await send(h, id, body, headers)).status).toBe(200);
    expect(row(h, 'SELECT webhook_id FROM deliveries')).toEqual({ webhook_id: 'msg_1' });
    expect(h.count('messages')).toBe(1);
  });

  it('answers a replayed webhook-id as a duplicate, even with another body', async () => {
    const { h, id } = setup();
    const first = payload();
    await send(h, id, first, standardWebhookHeaders(first, [SECRET_A], 'msg_1', nowSeconds));
    const other = payload({ id: 99 });
    const res = await send(
      h,
      id,
      other,
      standardWebhookHeaders(other, [SECRET_A], 'msg_1', nowSeconds),
    );
    expect(await res.json()).toEqual({ ok: true, duplicate: true });
    expect(h.count('messages')).toBe(1);
  });

  it.each([
    ['just inside the past tolerance', -300, 200],
    ['just inside the future tolerance', 300, 200],
    ['stale (more than 5 minutes old)', -301, 401],
    ['from the future (more than 5 minutes ahead)', 301, 401],
  ])('handles a timestamp %s', async (_, offset, status) => {
    const { h, id } = setup();
    const body = payload();
    const res = await send(
      h,
      id,
      body,
      standardWebhookHeaders(body, [SECRET_A], 'msg_t', nowSeconds + offset),
    );
    expect(res.status).toBe(status);
    if (status === 401) {
      expect(await res.json()).toMatchObject({ error: { code: 'timestamp_out_of_tolerance' } });
    }
  });

  it.each([
    [
      'signed with another key',
      (b: string) => standardWebhookHeaders(b, [SECRET_B], 'm', nowSeconds),
      'signature_mismatch',
    ],
    [
      'a signature over another id',
      (b: string) => ({
        ...standardWebhookHeaders(b, [SECRET_A], 'm', nowSeconds),
        'webhook-id': 'n',
      }),
      'signature_mismatch',
    ],
    [
      'a v2 signature only',
      (b: string) => {
        const h = standardWebhookHeaders(b, [SECRET_A], 'm', nowSeconds);
        return { ...h, 'webhook-signature': h['webhook-signature']!.replace('v1,', 'v2,') };
      },
      'signature_malformed',
    ],
    [
      'a hex signature',
      (b: string) => ({
        ...standardWebhookHeaders(b, [SECRET_A], 'm', nowSeconds),
        'webhook-signature': `v1,${'ab'.repeat(32)}`,
      }),
      'signature_malformed',
    ],
    ['no headers', () => ({}), 'signature_missing'],
  ])('returns 401 for %s', async (_, headers, code) => {
    const { h, id } = setup();
    const body = payload();
    const res = await send(h, id, body, headers(body));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code } });
    expect(h.count('messages')).toBe(0);
  });
});
