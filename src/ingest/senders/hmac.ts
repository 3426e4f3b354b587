import { createHash, timingSafeEqual } from 'node:crypto';
import type { SettingsOf } from '../../sources/source-kinds.ts';
import { findMatchingHmacSecret, type KeyedSecret } from '../hmac.ts';
import type { ParseResult } from '../incoming-event.ts';
import { parseMappedMessage } from './field-mapping.ts';
import type { HeaderReader, SenderAdapter, SignatureCheck } from './sender-adapter.ts';

type HmacSettings = SettingsOf<'hmac'>;

const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;
const BASE64_DIGEST = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * Verifies a generically signed body: the configured header holds the prefix and the digest in
 * the configured encoding. Scheme `hmac-sha256` is HMAC-SHA256 keyed by the secret;
 * `legacy-prefix-hash` is SHA-256(secret ‖ body), IHF's reference scheme (docs/protocols.md, IHF),
 * accepted only because an admin chose it. Timing-safe, against every active secret.
 */
export function verifyHmacSignature(
  settings: HmacSettings,
  header: HeaderReader,
  body: Uint8Array,
  secrets: readonly KeyedSecret[],
): SignatureCheck {
  const name = settings.signatureHeader;
  const value = header(name)?.trim();
  if (value === undefined || value === '') {
    return { ok: false, reason: 'signature_missing', message: `${name} header is missing` };
  }
  const encoded = value.startsWith(settings.prefix) ? value.slice(settings.prefix.length) : null;
  const format = settings.encoding === 'hex' ? HEX_DIGEST : BASE64_DIGEST;
  if (encoded === null || !format.test(encoded)) {
    return {
      ok: false,
      reason: 'signature_malformed',
      message: `${name} must be "${settings.prefix}" followed by a SHA-256 digest in ${settings.encoding}`,
    };
  }
  const expected = Buffer.from(encoded, settings.encoding === 'hex' ? 'hex' : 'base64');
  const secretId =
    settings.scheme === 'hmac-sha256'
      ? findMatchingHmacSecret(body, expected, secrets)
      : findMatchingPrefixHashSecret(body, expected, secrets);
  if (secretId === null) {
    return {
      ok: false,
      reason: 'signature_mismatch',
      message: `${name} does not match the body for any active secret of this source`,
    };
  }
  return { ok: true, secretId };
}

/** SHA-256(secret ‖ body) against every secret, constant-time (the legacy scheme only). */
function findMatchingPrefixHashSecret(
  body: Uint8Array,
  expected: Buffer,
  secrets: readonly KeyedSecret[],
): number | null {
  let matched: number | null = null;
  for (const { id, secret } of secrets) {
    const digest = createHash('sha256').update(secret, 'utf8').update(body).digest();
    if (
      digest.length === expected.length &&
      timingSafeEqual(digest, expected) &&
      matched === null
    ) {
      matched = id;
    }
  }
  return matched;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The JSON a form-encoded body carries in its `payload` field, as GitHub posts when a webhook's
 * content type is `application/x-www-form-urlencoded` (docs/protocols.md, GitHub). The signature
 * was checked over the raw form bytes already; only the parsing looks inside.
 */
export function formPayload(body: Uint8Array): { ok: true; json: Uint8Array } | ParseFailureResult {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, reason: 'invalid_json', message: 'body is not valid UTF-8' };
  }
  const payload = new URLSearchParams(text).get('payload');
  if (payload === null) {
    return {
      ok: false,
      reason: 'invalid_payload',
      field: 'payload',
      message: 'payload: a form-encoded body must carry the JSON in its payload field',
    };
  }
  return { ok: true, json: Buffer.from(payload, 'utf8') };
}

type ParseFailureResult = Extract<ParseResult, { ok: false }>;

const isForm = (header: HeaderReader) =>
  header('content-type')?.split(';')[0]?.trim().toLowerCase() ===
  'application/x-www-form-urlencoded';

/** The generic `hmac` sender: its signature and field mapping come from the source settings. */
export function hmacAdapter(settings: HmacSettings): SenderAdapter {
  return {
    verify: (header, body, secrets) => verifyHmacSignature(settings, header, body, secrets),
    parse: (body, header, receivedAt) => {
      const { eventHeader, messageEvents } = settings;
      if (eventHeader !== undefined && messageEvents.length > 0) {
        const event = header(eventHeader)?.trim() ?? '';
        if (!messageEvents.includes(event)) {
          return {
            ok: true,
            event: { kind: 'ignored', reason: `event "${event.slice(0, 100)}" carries no message` },
          };
        }
      }
      if (isForm(header)) {
        const form = formPayload(body);
        if (!form.ok) return form;
        return parseMappedMessage(form.json, settings.fields, receivedAt);
      }
      return parseMappedMessage(body, settings.fields, receivedAt);
    },
  };
}
