import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';
import { addKindSource, post, standardWebhookHeaders } from '../helpers/senders.ts';

// Issue 16 item 1: Svix sends the Standard Webhooks scheme under svix-id, svix-timestamp and
// svix-signature (docs/protocols.md, Standard Webhooks). A standard-webhooks source takes
// either set of names. The requests are built as svix@1's Webhook.sign and its dispatcher
// build them: `v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed by the bytes the
// `whsec_` secret encodes, several signatures space-separated.

const KEY_A = Buffer.from('svix-signing-key-a-0123456789abc');
const KEY_B = Buffer.from('svix-signing-key-b-0123456789abc');
const WHSEC_A = `whsec_${KEY_A.toString('base64')}`;
const WHSEC_B = `whsec_${KEY_B.toString('base64')}`;
const NOW_S = Math.floor(TEST_NOW / 1000);
const FIELDS = { id: '/data/id', text: '/data/text', sender: '/data/user', channel: '/data/room' };

const body = (id = 'm1', text = 'hello from a Svix sender') =>
  JSON.stringify({ type: 'chat.message', data: { id, text, user: 'u-1', room: 'general' } });

/** The headers Svix's dispatcher sends. */
function svixHeaders(
  payload: string,
  keys: Buffer[],
  msgId: string,
  seconds = NOW_S,
): Record<string, string> {
  const signature = keys
    .map(
      (k) =>
        `v1,${createHmac('sha256', k).update(`${msgId}.${seconds}.${payload}`).digest('base64')}`,
    )
    .join(' ');
  return {
    'content-type': 'application/json',
    'user-agent': 'Svix-Webhooks/1.99.1',
    'svix-id': msgId,
    'svix-timestamp': String(seconds),
    'svix-signature': signature,
  };
}

function setup() {
  const h = createHarness();
  const { id } = addKindSource(h, {
    kind: 'standard-webhooks',
    secret: WHSEC_A,
    settings: { fields: FIELDS },
  });
  return { h, id };
}
const send = (h: Harness, id: string, b: string, headers: Record<string, string>) =>
  post(h, `/hooks/${id}`, b, headers);
const errorCode = async (res: Response) =>
  ((await res.json()) as { error: { code: string } }).error.code;

describe('standard-webhooks sources take Svix header names', () => {
  it('accepts a delivery signed under svix-* names and records svix-id', async () => {
    const { h, id } = setup();
    const b = body();
    const res = await send(h, id, b, svixHeaders(b, [KEY_A], 'msg_2Lq0aB'));
    expect(res.status).toBe(200);
    expect(h.count('messages', "text = 'hello from a Svix sender'")).toBe(1);
    expect(h.db.$client.prepare('SELECT webhook_id FROM deliveries').get()).toEqual({
      webhook_id: 'msg_2Lq0aB',
    });
  });

  it('accepts several space-separated signatures when one matches (key rotation)', async () => {
    const { h, id } = setup();
    const b = body();
    expect((await send(h, id, b, svixHeaders(b, [KEY_B, KEY_A], 'msg_rot'))).status).toBe(200);
  });

  it('answers a replayed svix-id as a duplicate, whichever names the replay uses', async () => {
    const { h, id } = setup();
    const b = body();
    expect((await send(h, id, b, svixHeaders(b, [KEY_A], 'msg_same'))).status).toBe(200);
    const again = await send(h, id, b, svixHeaders(b, [KEY_A], 'msg_same'));
    expect(await again.json()).toEqual({ ok: true, duplicate: true });
    const other = body('m2');
    const renamed = await send(
      h,
      id,
      other,
      standardWebhookHeaders(other, [WHSEC_A], 'msg_same', NOW_S),
    );
    expect(await renamed.json()).toEqual({ ok: true, duplicate: true });
    expect(h.count('messages')).toBe(1);
  });

  it.each([
    ['signed with another key', () => svixHeaders(body(), [KEY_B], 'msg_x'), 'signature_mismatch'],
    [
      'more than 5 minutes old',
      () => svixHeaders(body(), [KEY_A], 'msg_x', NOW_S - 301),
      'timestamp_out_of_tolerance',
    ],
    [
      'more than 5 minutes ahead',
      () => svixHeaders(body(), [KEY_A], 'msg_x', NOW_S + 301),
      'timestamp_out_of_tolerance',
    ],
    [
      'without svix-timestamp',
      () => {
        const { 'svix-timestamp': _, ...rest } = svixHeaders(body(), [KEY_A], 'msg_x');
        return rest;
      },
      'signature_missing',
    ],
    [
      'a signature over another svix-id',
      () => ({ ...svixHeaders(body(), [KEY_A], 'msg_x'), 'svix-id': 'msg_y' }),
      'signature_mismatch',
    ],
  ])('refuses a delivery %s (401, nothing stored)', async (_, headers, code) => {
    const { h, id } = setup();
    const res = await send(h, id, body(), headers());
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe(code);
    expect(h.count('messages')).toBe(0);
  });

  it('still accepts webhook-* names', async () => {
    const { h, id } = setup();
    const b = body();
    const res = await send(h, id, b, standardWebhookHeaders(b, [WHSEC_A], 'msg_std', NOW_S));
    expect(res.status).toBe(200);
  });

  it('keeps a rotated-out whsec_ secret working during its grace period', async () => {
    const { h, id } = setup();
    h.db.$client
      .prepare('INSERT INTO source_secrets (source_id, secret, created_at) VALUES (?, ?, ?)')
      .run(id, WHSEC_B, TEST_NOW);
    const b = body();
    expect((await send(h, id, b, svixHeaders(b, [KEY_B], 'msg_b'))).status).toBe(200);
  });
});
