import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SOURCE_KINDS } from '../db/schema.ts';
import { ChosenSecret, generateSecret } from './source-secret.ts';

export { SOURCE_KINDS };
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** A JSON pointer (RFC 6901) into a delivery body, e.g. `/message/user/id`. */
const JsonPointer = z
  .string()
  .max(200)
  .regex(/^(\/([^~]|~[01])*)*$/, 'must be a JSON pointer such as /message/text');

/** Where the chat fields are in a generic sender's JSON body. */
export const FieldMapping = z.strictObject({
  /** The message's own id: a repeat of an id is answered as a duplicate. */
  id: JsonPointer,
  text: JsonPointer,
  sender: JsonPointer.optional(),
  senderName: JsonPointer.optional(),
  /** Without it, every message goes to one channel named `default`. */
  channel: JsonPointer.optional(),
  /** ISO 8601 text, or Unix seconds or milliseconds; without it, the time of arrival. */
  time: JsonPointer.optional(),
});
export type FieldMapping = z.output<typeof FieldMapping>;

const HeaderName = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be an HTTP header name such as X-Signature')
  .transform((s) => s.toLowerCase());

export const EventyaySettings = z.strictObject({});

export const StreamSettings = z.strictObject({
  /** What a message blocked by a `block` rule shows its author (before-message-send). */
  blockText: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .default('this message did not meet our content guidelines'),
});

export const BareRtcSettings = z.strictObject({});

/**
 * `hmac-sha256`: HMAC-SHA256 of the body keyed by the secret. `legacy-prefix-hash`: plain
 * SHA-256(secret ‖ body), IHF's reference scheme, open to length extension (docs/protocols.md, IHF):
 * only when an admin picks it explicitly.
 */
export const HMAC_SCHEMES = ['hmac-sha256', 'legacy-prefix-hash'] as const;

export const HmacSettings = z.strictObject({
  signatureHeader: HeaderName.default('x-signature'),
  /** Text before the digest in the header, e.g. `sha256=`; '' for none. */
  prefix: z.string().max(50).default(''),
  encoding: z.enum(['hex', 'base64']).default('hex'),
  scheme: z.enum(HMAC_SCHEMES).default('hmac-sha256'),
  /** A header naming the event type, e.g. X-IHF-Event. */
  eventHeader: HeaderName.optional(),
  /** With an event header: the event types that carry a chat message; others are ignored. */
  messageEvents: z.array(z.string().min(1).max(100)).max(100).default([]),
  fields: FieldMapping,
});

export const StandardWebhooksSettings = z.strictObject({
  fields: FieldMapping,
});

export const SOURCE_SETTINGS = {
  eventyay: EventyaySettings,
  stream: StreamSettings,
  barertc: BareRtcSettings,
  hmac: HmacSettings,
  'standard-webhooks': StandardWebhooksSettings,
} as const satisfies Record<SourceKind, z.ZodType>;

export type SettingsOf<K extends SourceKind> = z.output<(typeof SOURCE_SETTINGS)[K]>;

/** Validates a kind's settings, filling in defaults; the first problem names its field. */
export function parseSourceSettings<K extends SourceKind>(
  kind: K,
  settings: unknown,
): { ok: true; settings: SettingsOf<K> } | { ok: false; field: string; message: string } {
  const parsed = SOURCE_SETTINGS[kind].safeParse(settings ?? {});
  if (parsed.success) return { ok: true, settings: parsed.data as SettingsOf<K> };
  const issue = parsed.error.issues[0];
  const field = ['settings', ...(issue?.path ?? []).map(String)].join('.');
  return { ok: false, field, message: `${field}: ${issue?.message ?? 'invalid settings'}` };
}

/** Standard Webhooks secrets: `whsec_` and the base64 of the key bytes (docs/protocols.md). */
const WHSEC = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** The HMAC key of a `whsec_` secret, or null when it is not one. */
export function standardWebhooksKey(secret: string): Buffer | null {
  const base64 = WHSEC.exec(secret)?.[1];
  if (base64 === undefined) return null;
  const key = Buffer.from(base64, 'base64');
  return key.length >= 16 && key.length <= 64 && key.toString('base64') === base64 ? key : null;
}

/** A new secret in the kind's own format: `whsec_` + 24 random bytes for Standard Webhooks. */
export function generateSecretFor(kind: SourceKind): string {
  return kind === 'standard-webhooks'
    ? `whsec_${randomBytes(24).toString('base64')}`
    : generateSecret();
}

/**
 * Kinds whose secret is made by the sender, not by modhook: Stream signs with the app's own API
 * secret, so it must be given (`--secret`).
 */
export const SECRET_FROM_SENDER: ReadonlySet<SourceKind> = new Set(['stream']);
export const SECRET_NEEDED = (kind: SourceKind) =>
  `a ${kind} source needs its secret given (the sender's own API secret); modhook cannot make one`;

/** Checks a secret chosen by the operator for this kind; returns the problem, or null. */
export function secretProblem(kind: SourceKind, secret: string): string | null {
  if (kind === 'standard-webhooks') {
    return standardWebhooksKey(secret) === null
      ? 'secret must be "whsec_" followed by the base64 of 16 to 64 bytes'
      : null;
  }
  const chosen = ChosenSecret.safeParse(secret);
  return chosen.success ? null : (chosen.error.issues[0]?.message ?? 'invalid secret');
}
