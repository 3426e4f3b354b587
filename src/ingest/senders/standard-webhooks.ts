import { createHmac, timingSafeEqual } from 'node:crypto';
import { standardWebhooksKey, type SettingsOf } from '../../sources/source-kinds.ts';
import type { KeyedSecret } from '../hmac.ts';
import { parseMappedMessage } from './field-mapping.ts';
import type { HeaderReader, SenderAdapter, SignatureCheck } from './sender-adapter.ts';

/** Timestamps further than this from now, either way, are refused (replay protection). */
export const STANDARD_WEBHOOKS_TOLERANCE_MS = 5 * 60 * 1000;

const ID = /^[\x21-\x7e]{1,256}$/;
const TIMESTAMP = /^\d{1,15}$/;
const V1 = /^v1,([A-Za-z0-9+/]{43}=)$/;
const MAX_SIGNATURES = 10;

/**
 * Verifies a Standard Webhooks delivery (docs/protocols.md), under the `webhook-*` header names
 * or Svix's `svix-*` ones: `webhook-signature` holds one or more
 * space-separated `v1,<base64 HMAC-SHA256>` of `{id}.{timestamp}.{body}`, keyed by the bytes of
 * a `whsec_` secret; any one matching any active secret is enough. The timestamp must be within
 * five minutes of `now`, either way. The webhook id is returned for deduplication.
 */
export function verifyStandardWebhook(
  header: HeaderReader,
  body: Uint8Array,
  secrets: readonly KeyedSecret[],
  now: number,
): SignatureCheck {
  // Svix names the same headers svix-* unless its customer pays for webhook-* (docs/protocols.md,
  // Standard Webhooks); its own verify() takes either name for each, and so does modhook.
  const read = (name: string) => (header(`webhook-${name}`) ?? header(`svix-${name}`))?.trim();
  const id = read('id');
  const timestamp = read('timestamp');
  const signatures = read('signature');
  if (!id || !timestamp || !signatures) {
    return {
      ok: false,
      reason: 'signature_missing',
      message:
        'webhook-id, webhook-timestamp and webhook-signature headers (or svix-id, svix-timestamp and svix-signature) are all required',
    };
  }
  if (!ID.test(id) || !TIMESTAMP.test(timestamp)) {
    return {
      ok: false,
      reason: 'signature_malformed',
      message: 'webhook-id must be printable ASCII and webhook-timestamp Unix seconds',
    };
  }
  const expected = signatures
    .split(' ')
    .slice(0, MAX_SIGNATURES)
    .flatMap((s) => {
      const base64 = V1.exec(s)?.[1];
      return base64 === undefined ? [] : [Buffer.from(base64, 'base64')];
    });
  if (expected.length === 0) {
    return {
      ok: false,
      reason: 'signature_malformed',
      message: 'webhook-signature has no "v1,<base64>" signature',
    };
  }
  if (Math.abs(now - Number(timestamp) * 1000) > STANDARD_WEBHOOKS_TOLERANCE_MS) {
    return {
      ok: false,
      reason: 'timestamp_out_of_tolerance',
      message: 'webhook-timestamp is more than 5 minutes away from now',
    };
  }
  let matched: number | null = null;
  for (const { id: secretId, secret } of secrets) {
    const key = standardWebhooksKey(secret);
    if (key === null) continue;
    const digest = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
    for (const candidate of expected) {
      if (timingSafeEqual(digest, candidate) && matched === null) matched = secretId;
    }
  }
  if (matched === null) {
    return {
      ok: false,
      reason: 'signature_mismatch',
      message: 'no webhook-signature matches the body for any active secret of this source',
    };
  }
  return { ok: true, secretId: matched, webhookId: id };
}

/** A Standard Webhooks sender; the chat fields come from the source's field mapping. */
export function standardWebhooksAdapter(settings: SettingsOf<'standard-webhooks'>): SenderAdapter {
  return {
    verify: verifyStandardWebhook,
    parse: (body, _header, receivedAt) => parseMappedMessage(body, settings.fields, receivedAt),
  };
}
