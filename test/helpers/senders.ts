import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { addSource, type NewSource } from '../../src/sources/add-source.ts';
import type { Harness } from './harness.ts';

const load = <T>(path: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as T;

/** Stream push fixtures (copied from shared/fixtures), byte-exact as Stream posts them. */
export type StreamFixture = {
  name: string;
  headers: Record<string, string>;
  body?: string;
  body_gzip_base64?: string;
};
export const streamPush = load<{ secret: string; deliveries: StreamFixture[] }>('stream/push.json');
export const streamBeforeSend = load<{
  secret: string;
  request: { headers: Record<string, string>; body: string };
  expected_rewrite_example: { message: { text: string } };
  expected_reject_example: { message: { type: string; text: string } };
}>('stream/before-message-send.json');
export const bareRtc = load<{
  api_key: string;
  deliveries: { name: string; body: string }[];
}>('barertc/webhooks.json');

export function streamFixture(name: string): StreamFixture {
  const found = streamPush.deliveries.find((d) => d.name === name);
  if (found === undefined) throw new Error(`no stream fixture ${name}`);
  return found;
}

/** The bytes a Stream fixture posts (the gzip one compressed, as sent). */
export function streamFixtureBody(f: StreamFixture): Uint8Array {
  return f.body !== undefined
    ? Buffer.from(f.body, 'utf8')
    : Buffer.from(f.body_gzip_base64!, 'base64');
}

export function bareRtcBody(name: string): string {
  const found = bareRtc.deliveries.find((d) => d.name === name);
  if (found === undefined) throw new Error(`no barertc fixture ${name}`);
  return found.body;
}

/** Lowercase hex HMAC-SHA256, as Stream signs (X-Signature). */
export function hexHmac(body: string | Uint8Array, secret: string | Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** A Stream push body with the headers Stream sends, signed with `secret`. */
export function streamDelivery(
  payload: unknown,
  secret = streamPush.secret,
  options: { webhookId?: string; gzip?: boolean } = {},
): { body: Uint8Array; headers: Record<string, string> } {
  const text = JSON.stringify(payload);
  return {
    body: options.gzip ? gzipSync(text) : Buffer.from(text),
    headers: {
      'Content-Type': 'application/json',
      ...(options.gzip ? { 'Content-Encoding': 'gzip' } : {}),
      'X-Webhook-Id': options.webhookId ?? `wh-${Math.random().toString(36).slice(2)}`,
      'X-Webhook-Attempt': '1',
      'X-Api-Key': 'stream-api-key',
      'X-Signature': hexHmac(text, secret),
    },
  };
}

/** Standard Webhooks headers for a body: `v1,` signatures with each key, at `seconds`. */
export function standardWebhookHeaders(
  body: string,
  secrets: string[],
  id: string,
  seconds: number,
): Record<string, string> {
  const signatures = secrets.map((s) => {
    const key = Buffer.from(s.slice('whsec_'.length), 'base64');
    return `v1,${createHmac('sha256', key).update(`${id}.${seconds}.${body}`).digest('base64')}`;
  });
  return {
    'Content-Type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': signatures.join(' '),
  };
}

export function post(
  h: Harness,
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string>,
) {
  return h.app.request(path, { method: 'POST', headers, body });
}

export function addKindSource(h: Harness, input: Omit<NewSource, 'name'> & { name?: string }) {
  return addSource(h.deps, { name: 'Test source', ...input }, 'test');
}

/** A Stream message.new payload; override the message text or id. */
export function streamMessageNew(overrides: { id?: string; text?: string; user?: string } = {}) {
  const user = { id: overrides.user ?? 'tommaso', name: 'Tommaso', role: 'user' };
  return {
    type: 'message.new',
    cid: 'messaging:keynote',
    channel_id: 'keynote',
    channel_type: 'messaging',
    message: {
      id: overrides.id ?? 'msg-1',
      text: overrides.text ?? 'hello',
      type: 'regular',
      user,
      created_at: '2026-05-01T12:00:00.123456Z',
      updated_at: '2026-05-01T12:00:00.123456Z',
    },
    user,
    created_at: '2026-05-01T12:00:00.150000Z',
  };
}
