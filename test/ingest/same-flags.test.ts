import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import { saveRule } from '../../src/rules/save-rule.ts';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';
import {
  addKindSource,
  bareRtcBody,
  bareRtc,
  post,
  standardWebhookHeaders,
  streamDelivery,
  streamMessageNew,
} from '../helpers/senders.ts';

const SECRET = 'same-flags-secret-0123456789';
const WHSEC = `whsec_${Buffer.from('same-flags-standard-key-012345').toString('base64')}`;
const FIELDS = { id: '/id', text: '/text', sender: '/user' };
const TEXT = 'Call me on +1 415 555 0100 or mail tom@example.com, see http://spam.example/x';

/** Posts TEXT as one message through each sender kind's own wire format. */
const SENDERS: Record<string, (h: Harness) => Promise<Response>> = {
  eventyay: async (h) => {
    const { id } = addKindSource(h, { kind: 'eventyay', secret: SECRET });
    const body = eventyayJson(textPayload({ message: TEXT }));
    return post(h, `/hooks/${id}`, body, {
      'X-Eventyay-Signature': eventyaySignature(body, SECRET),
    });
  },
  stream: async (h) => {
    const { id } = addKindSource(h, { kind: 'stream', secret: SECRET });
    const d = streamDelivery(streamMessageNew({ text: TEXT }), SECRET);
    return post(h, `/hooks/${id}`, d.body, d.headers);
  },
  'stream (gzip)': async (h) => {
    const { id } = addKindSource(h, { kind: 'stream', secret: SECRET });
    const d = streamDelivery(streamMessageNew({ text: TEXT }), SECRET, { gzip: true });
    return post(h, `/hooks/${id}`, d.body, d.headers);
  },
  barertc: async (h) => {
    const { id } = addKindSource(h, { kind: 'barertc', secret: bareRtc.api_key });
    const body = JSON.parse(bareRtcBody('report')) as { Report: Record<string, string> };
    body.Report.Message = TEXT;
    return post(h, `/hooks/${id}`, JSON.stringify(body), {});
  },
  hmac: async (h) => {
    const settings = { signatureHeader: 'X-Hub-Signature-256', prefix: 'sha256=', fields: FIELDS };
    const { id } = addKindSource(h, { kind: 'hmac', secret: SECRET, settings });
    const body = JSON.stringify({ id: 'm1', text: TEXT, user: 'u1' });
    const signature = createHmac('sha256', SECRET).update(body).digest('hex');
    return post(h, `/hooks/${id}`, body, { 'X-Hub-Signature-256': `sha256=${signature}` });
  },
  'standard-webhooks': async (h) => {
    const settings = { fields: FIELDS };
    const { id } = addKindSource(h, { kind: 'standard-webhooks', secret: WHSEC, settings });
    const body = JSON.stringify({ id: 'm1', text: TEXT, user: 'u1' });
    return post(
      h,
      `/hooks/${id}`,
      body,
      standardWebhookHeaders(body, [WHSEC], 'w1', TEST_NOW / 1000),
    );
  },
};

/** The rule flags (not reports) raised on the stored message, as comparable facts. */
function ruleFlags(h: Harness) {
  return h.db.$client
    .prepare(
      `SELECT rule_id, reason, span_start, span_end, matched_text FROM flags
       WHERE origin = 'rule' ORDER BY rule_id, span_start`,
    )
    .all();
}

it('raises the same flags for the same text through every sender kind', async () => {
  const results: Record<string, unknown> = {};
  for (const [kind, send] of Object.entries(SENDERS)) {
    const h = createHarness();
    saveRule(h.deps, { draft: { kind: 'link', name: 'Links', settings: {} } }, 'test');
    const res = await send(h);
    expect(res.status, kind).toBe(200);
    expect(h.db.$client.prepare('SELECT text FROM messages').all(), kind).toEqual([{ text: TEXT }]);
    results[kind] = ruleFlags(h);
  }
  const eventyay = results.eventyay as unknown[];
  expect(eventyay.length).toBe(2);
  for (const [kind, flags] of Object.entries(results)) expect(flags, kind).toEqual(eventyay);
});
