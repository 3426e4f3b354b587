import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addKindSource, post } from '../helpers/senders.ts';

// Issue 16 item 5: GitHub posts either JSON or, when a webhook's content type is
// application/x-www-form-urlencoded, `payload=<the JSON, form-encoded>` (spaces as `+`, as
// Ruby's URI.encode_www_form writes them). X-Hub-Signature-256 is `sha256=` + the hex
// HMAC-SHA256 of the raw bytes posted, whichever the content type (docs/protocols.md, GitHub).

const SECRET = 'github-webhook-secret-0123456789';
const SETTINGS = {
  signatureHeader: 'X-Hub-Signature-256',
  prefix: 'sha256=',
  eventHeader: 'X-GitHub-Event',
  messageEvents: ['issue_comment'],
  fields: {
    id: '/comment/id',
    text: '/comment/body',
    sender: '/comment/user/login',
    channel: '/repository/full_name',
    time: '/comment/created_at',
  },
};

const EVENT = {
  action: 'created',
  comment: {
    id: 2_186_543_210,
    body: 'Looks good & ready: ça marche 👍 (100% + done)',
    user: { login: 'octocat', id: 1 },
    created_at: '2026-05-01T12:30:00Z',
  },
  repository: { full_name: 'octo-org/hello-world' },
};
const JSON_BODY = JSON.stringify(EVENT);
const FORM_BODY = new URLSearchParams({ payload: JSON_BODY }).toString();

const sign = (bytes: string) =>
  `sha256=${createHmac('sha256', SECRET).update(bytes, 'utf8').digest('hex')}`;

function headers(contentType: string, signature: string, event = 'issue_comment') {
  return {
    'Content-Type': contentType,
    'User-Agent': 'GitHub-Hookshot/5e8c1a2',
    'X-GitHub-Event': event,
    'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'X-GitHub-Hook-ID': '292430182',
    'X-Hub-Signature-256': signature,
  };
}
const FORM = 'application/x-www-form-urlencoded';

function setup() {
  const h = createHarness();
  const { id } = addKindSource(h, { kind: 'hmac', secret: SECRET, settings: SETTINGS });
  return { h, id };
}
const send = (h: Harness, id: string, body: string, hdrs: Record<string, string>) =>
  post(h, `/hooks/${id}`, body, hdrs);
const message = (h: Harness) =>
  h.db.$client.prepare('SELECT external_id, text FROM messages').all();

describe('hmac sources take GitHub form-encoded bodies', () => {
  it('sends what the tests claim: spaces as +, the JSON percent-encoded', () => {
    expect(FORM_BODY.startsWith('payload=%7B%22action%22%3A%22created%22')).toBe(true);
    expect(FORM_BODY).toContain('Looks+good+%26+ready');
  });

  it('stores the message of a form-encoded delivery signed over the raw form bytes', async () => {
    const { h, id } = setup();
    const res = await send(h, id, FORM_BODY, headers(FORM, sign(FORM_BODY)));
    expect(res.status).toBe(200);
    expect(message(h)).toEqual([{ external_id: '2186543210', text: EVENT.comment.body }]);
    const row = h.db.$client.prepare('SELECT body, body_sha256 FROM deliveries').get() as {
      body: Buffer;
      body_sha256: string;
    };
    // The raw bytes as posted are what is kept and hashed.
    expect(row.body.toString('utf8')).toBe(FORM_BODY);
    expect(row.body_sha256).toBe(createHash('sha256').update(FORM_BODY).digest('hex'));
  });

  it('stores the same message from the JSON form of the same event', async () => {
    const { h, id } = setup();
    const res = await send(h, id, JSON_BODY, headers('application/json', sign(JSON_BODY)));
    expect(res.status).toBe(200);
    expect(message(h)).toEqual([{ external_id: '2186543210', text: EVENT.comment.body }]);
  });

  it('answers a redelivery in the other content type as a duplicate of the same comment', async () => {
    const { h, id } = setup();
    await send(h, id, FORM_BODY, headers(FORM, sign(FORM_BODY)));
    const res = await send(h, id, JSON_BODY, headers('application/json', sign(JSON_BODY)));
    expect(await res.json()).toEqual({ ok: true, duplicate: true });
    expect(h.count('messages')).toBe(1);
  });

  it('takes a charset parameter on the content type', async () => {
    const { h, id } = setup();
    const res = await send(h, id, FORM_BODY, headers(`${FORM}; charset=utf-8`, sign(FORM_BODY)));
    expect(res.status).toBe(200);
  });

  it('refuses a signature over the JSON inside instead of the bytes posted (401)', async () => {
    const { h, id } = setup();
    const res = await send(h, id, FORM_BODY, headers(FORM, sign(JSON_BODY)));
    expect(res.status).toBe(401);
    expect(h.count('messages')).toBe(0);
  });

  it('refuses a wrong secret (401)', async () => {
    const { h, id } = setup();
    const wrong = `sha256=${createHmac('sha256', 'other').update(FORM_BODY).digest('hex')}`;
    expect((await send(h, id, FORM_BODY, headers(FORM, wrong))).status).toBe(401);
  });

  it('answers 422 naming payload when the form has no payload field', async () => {
    const { h, id } = setup();
    const body = 'data=%7B%7D';
    const res = await send(h, id, body, headers(FORM, sign(body)));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      error: { code: 'invalid_payload', field: 'payload' },
    });
  });

  it('answers 400 when the payload field is not JSON', async () => {
    const { h, id } = setup();
    const body = 'payload=not+json';
    const res = await send(h, id, body, headers(FORM, sign(body)));
    expect(res.status).toBe(400);
  });

  it('keeps a form-encoded event that carries no message as ignored (202)', async () => {
    const { h, id } = setup();
    const body = new URLSearchParams({ payload: JSON.stringify({ zen: 'Keep it simple.' }) });
    const text = body.toString();
    const res = await send(h, id, text, headers(FORM, sign(text), 'ping'));
    expect(res.status).toBe(202);
    expect(h.count('deliveries', "outcome = 'ignored'")).toBe(1);
  });
});
