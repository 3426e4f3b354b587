import { describe, expect, it } from 'vitest';
import { commitQueue } from '../../src/db/group-commit.ts';
import { checkBeforeSend } from '../../src/ingest/check-before-send.ts';
import { saveRule } from '../../src/rules/save-rule.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import {
  addKindSource,
  hexHmac,
  post,
  streamBeforeSend,
  streamDelivery,
  streamMessageNew,
} from '../helpers/senders.ts';

const SECRET = streamBeforeSend.secret;
const { headers: HEADERS, body: BODY } = streamBeforeSend.request;

function setup(settings?: Record<string, unknown>) {
  const h = createHarness();
  const { id } = addKindSource(h, { kind: 'stream', secret: SECRET, settings });
  return { h, id };
}

function rule(h: Harness, draft: Record<string, unknown>) {
  return saveRule(h.deps, { draft: { name: 'Rule', ...draft } }, 'test');
}

const scrubCards = (h: Harness) =>
  rule(h, { kind: 'personal_data', name: 'Cards', action: 'scrub', settings: { kinds: ['card'] } });

/** A before-send body for this text, signed like Stream signs it. */
function withText(text: string, user = '17f8ab2c-c7e7-4564-922b-e5450dbe4fe7') {
  const payload = JSON.parse(BODY) as { message: { text: string }; user: { id: string } };
  payload.message.text = text;
  payload.user.id = user;
  const body = JSON.stringify(payload);
  return { body, headers: { ...HEADERS, 'X-Signature': hexHmac(body, SECRET) } };
}

async function check(h: Harness, id: string, request = { body: BODY, headers: HEADERS }) {
  const res = await post(h, `/hooks/${id}/before-send`, request.body, request.headers);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Resolves once the writes queued so far are committed (a pass is answered before its own). */
const committed = (h: Harness) => commitQueue(h.db).run(() => undefined);

const row = (h: Harness, sql: string) => h.db.$client.prepare(sql).get() as Record<string, unknown>;

describe('POST /hooks/:sourceId/before-send (Stream before-message-send)', () => {
  it('lets the fixture through unchanged with the default rules and records the check', async () => {
    const { h, id } = setup();
    expect(await check(h, id)).toEqual({ status: 200, json: {} });
    await committed(h);
    expect(row(h, 'SELECT kind, outcome, detail, status, body FROM deliveries')).toEqual({
      kind: 'before_send',
      outcome: 'accepted',
      detail: 'pass',
      status: 200,
      body: null,
    });
    expect(h.count('messages') + h.count('flags')).toBe(0);
  });

  it('rewrites the card number in the fixture to a mask with a scrub rule', async () => {
    const { h, id } = setup();
    scrubCards(h);
    const { status, json } = await check(h, id);
    expect(status).toBe(200);
    const original = (JSON.parse(BODY) as { message: Record<string, unknown> }).message;
    expect(json).toEqual({
      message: { ...original, text: streamBeforeSend.expected_rewrite_example.message.text },
    });
    // The fixture's message has no id yet: stored under the check's delivery.
    expect(row(h, 'SELECT external_id, text, original_text FROM messages')).toEqual({
      external_id: expect.stringMatching(/^before-send:\d+$/),
      text: streamBeforeSend.expected_rewrite_example.message.text,
      original_text: "hello, here's my card 4111 1111 1111 1111",
    });
    expect(row(h, 'SELECT origin, status, reason, matched_text FROM flags')).toEqual({
      origin: 'rule',
      status: 'logged',
      reason: 'scrubbed before delivery: Cards: payment card number',
      matched_text: '4111 1111 1111 1111',
    });
    expect(h.count('audit_log', "action = 'message.scrub_before_send'")).toBe(1);
    expect(row(h, 'SELECT detail FROM deliveries')).toEqual({ detail: 'rewrite' });
  });

  it('masks every match, each with its own kind of mask', async () => {
    const { h, id } = setup();
    rule(h, { kind: 'personal_data', action: 'scrub', settings: {} });
    rule(h, { kind: 'keyword', action: 'scrub', settings: { words: ['darn'] } });
    const { json } = await check(
      h,
      id,
      withText('a@example.com, b@example.org darn 4111111111111111'),
    );
    expect((json.message as { text: string }).text).toBe(
      '[email removed], [email removed] [removed] [card removed]',
    );
  });

  it('rejects with the configured text when a block rule matches, and rejects the message', async () => {
    const { h, id } = setup({ blockText: 'Not here, please.' });
    scrubCards(h);
    rule(h, {
      kind: 'keyword',
      name: 'Cards talk',
      action: 'block',
      settings: { words: ['card'] },
    });
    const { json } = await check(h, id);
    expect(json.message).toMatchObject({ type: 'error', text: 'Not here, please.' });
    expect(row(h, 'SELECT moderation_state FROM messages').moderation_state).toBe('rejected');
    expect(
      h.count('flags', "status = 'closed' AND reason LIKE 'blocked before delivery: Cards talk%'"),
    ).toBe(1);
    expect(h.count('audit_log', "action = 'message.block_before_send'")).toBe(1);
    expect(row(h, 'SELECT body FROM deliveries').body).not.toBeNull();
  });

  it('answers the fixture reject example with the default block text', async () => {
    const { h, id } = setup();
    rule(h, { kind: 'personal_data', action: 'block', settings: {} });
    const { json } = await check(h, id);
    expect(json.message).toMatchObject(streamBeforeSend.expected_reject_example.message);
  });

  it('exempts trusted senders, and applies a rule only to the sources in its scope', async () => {
    const { h, id } = setup();
    const other = addKindSource(h, { kind: 'stream', secret: SECRET, name: 'Other' });
    rule(h, {
      kind: 'personal_data',
      action: 'block',
      settings: {},
      scope: { sources: [other.id] },
    });
    expect((await check(h, id)).json).toEqual({});
    rule(h, { kind: 'personal_data', action: 'block', settings: {} });
    h.db.$client
      .prepare(
        `INSERT INTO senders (source_id, external_id, status, first_seen_at, last_seen_at)
         VALUES (?, 'trusted-user', 'trusted', 0, 0)`,
      )
      .run(id);
    expect((await check(h, id, withText('4111 1111 1111 1111', 'trusted-user'))).json).toEqual({});
    expect((await check(h, id)).json).toHaveProperty('message.type', 'error');
  });

  it('lets the message through and records a timeout when deciding took too long', async () => {
    const { h, id } = setup();
    rule(h, { kind: 'personal_data', action: 'block', settings: {} });
    const body = Buffer.from(BODY);
    const result = await checkBeforeSend(
      h.deps,
      {
        sourceId: id,
        header: (name) => Object.entries(HEADERS).find(([k]) => k.toLowerCase() === name)?.[1],
        readBody: () => Promise.resolve(body),
      },
      { budgetMs: -1 },
    );
    expect(result).toEqual({ outcome: 'decided', status: 200, decision: 'timeout', body: {} });
    await committed(h);
    expect(row(h, 'SELECT detail FROM deliveries').detail).toMatch(/^timeout: no decision within/);
    expect(h.count('messages')).toBe(0);
  });

  it.each([
    ['the signature is wrong', { 'X-Signature': 'ab'.repeat(32) }, 401],
    ['the signature is missing', { 'X-Signature': '' }, 401],
  ])('answers 401 when %s (Stream then lets the message through)', async (_, extra, status) => {
    const { h, id } = setup();
    const res = await post(h, `/hooks/${id}/before-send`, BODY, { ...HEADERS, ...extra });
    expect(res.status).toBe(status);
    expect(h.count('deliveries', "kind = 'before_send' AND outcome = 'rejected'")).toBe(1);
  });

  it('answers 404 for a source of another kind, and 405 for other methods', async () => {
    const h = createHarness();
    const { id } = addKindSource(h, { kind: 'eventyay' });
    const res = await post(h, `/hooks/${id}/before-send`, BODY, HEADERS);
    expect(res.status).toBe(404);
    expect((await h.app.request(`/hooks/${id}/before-send`)).status).toBe(405);
  });
});

// Issue 16 item 2: Stream's client SDK gives a message its id before sending (`<user id>-<uuid>`
// in stream-chat-react), so the check and the later message.new push name the same message.
describe("before-send with the SDK's client id: one message, not two", () => {
  const USER = '17f8ab2c-c7e7-4564-922b-e5450dbe4fe7';
  const CLIENT_ID = `${USER}-0b9f3c1e-5a7d-4e2b-9c8f-1d2e3f4a5b6c`;

  it('stores the check under the client id and the gzip push of that id as the same row', async () => {
    const { h, id } = setup();
    scrubCards(h);
    const payload = JSON.parse(BODY) as { message: { id: string } };
    payload.message.id = CLIENT_ID;
    const body = JSON.stringify(payload);
    const { status } = await check(h, id, {
      body,
      headers: { ...HEADERS, 'X-Signature': hexHmac(body, SECRET) },
    });
    expect(status).toBe(200);
    await committed(h);
    expect(row(h, 'SELECT external_id FROM messages')).toEqual({ external_id: CLIENT_ID });

    const push = streamDelivery(
      {
        ...streamMessageNew({ id: CLIENT_ID, user: USER }),
        cid: 'messaging:fun-01',
      },
      SECRET,
      { gzip: true },
    );
    const first = await post(h, `/hooks/${id}`, push.body, push.headers);
    expect(first.status).toBe(200);
    // Stream retries under the same X-Webhook-Id; a second event of the same id is a duplicate.
    const again = streamDelivery(
      { ...streamMessageNew({ id: CLIENT_ID, user: USER }), cid: 'messaging:fun-01' },
      SECRET,
    );
    expect(await (await post(h, `/hooks/${id}`, again.body, again.headers)).json()).toEqual({
      ok: true,
      duplicate: true,
    });
    expect(h.count('messages')).toBe(1);
    expect(row(h, 'SELECT external_id, text FROM messages')).toEqual({
      external_id: CLIENT_ID,
      text: streamBeforeSend.expected_rewrite_example.message.text,
    });
  });
});

// Issue 16 item 4 for the check: a user's name of the wrong type must not keep the rules from
// screening the message (a refused check lets Stream publish it unchanged).
describe('before-send with an optional field of the wrong type', () => {
  it('still screens the message, and the row names the dropped field', async () => {
    const { h, id } = setup();
    scrubCards(h);
    const payload = JSON.parse(BODY) as { user: Record<string, unknown> };
    payload.user.name = { first: 'Ana' };
    const body = JSON.stringify(payload);
    const { status, json } = await check(h, id, {
      body,
      headers: { ...HEADERS, 'X-Signature': hexHmac(body, SECRET) },
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      message: { text: streamBeforeSend.expected_rewrite_example.message.text },
    });
    await committed(h);
    const delivery = row(h, 'SELECT outcome, reason, detail FROM deliveries');
    expect(delivery).toMatchObject({ outcome: 'accepted', reason: 'schema_warning' });
    expect(delivery.detail).toMatch(/^rewrite; schema warning: user\.name: .*dropped$/);
    // The answer echoes the message as sent; the dropped field is only not stored.
    expect(h.count('messages')).toBe(1);
  });
});
