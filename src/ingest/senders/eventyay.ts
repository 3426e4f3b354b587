import { z } from 'zod';
import { findMatchingHmacSecret, type KeyedSecret } from '../hmac.ts';
import type { ParseResult } from '../incoming-event.ts';
import {
  dateTimeOrNaN,
  decodeJsonBody,
  describeZodIssue,
  dropBadOptionalFields,
} from './json-body.ts';

/** Eventyay signs with this header: `sha256=` + lowercase hex HMAC-SHA256 (docs/protocols.md). */
export const EVENTYAY_SIGNATURE_HEADER = 'x-eventyay-signature';

const SIGNATURE_FORMAT = /^sha256=([0-9a-fA-F]{64})$/;

export type SignatureCheck =
  | { ok: true; secretId: number }
  | {
      ok: false;
      reason: 'signature_missing' | 'signature_malformed' | 'signature_mismatch';
      message: string;
    };

/**
 * Verifies an Eventyay signature header over the raw body bytes against every active secret of
 * the source, timing-safe. Pure; never parses the body.
 */
export function verifyEventyaySignature(
  header: string | undefined,
  body: Uint8Array,
  secrets: readonly KeyedSecret[],
): SignatureCheck {
  if (header === undefined || header === '') {
    return {
      ok: false,
      reason: 'signature_missing',
      message: 'X-Eventyay-Signature header is missing',
    };
  }
  const hex = SIGNATURE_FORMAT.exec(header)?.[1];
  if (hex === undefined) {
    return {
      ok: false,
      reason: 'signature_malformed',
      message: 'X-Eventyay-Signature must be "sha256=" followed by 64 hex characters',
    };
  }
  const secretId = findMatchingHmacSecret(body, Buffer.from(hex, 'hex'), secrets);
  if (secretId === null) {
    return {
      ok: false,
      reason: 'signature_mismatch',
      message: 'X-Eventyay-Signature does not match the body for any active secret of this source',
    };
  }
  return { ok: true, secretId };
}

// Lone surrogates (possible in \uXXXX escapes) are made well-formed so SQLite gets valid UTF-8.
const text = (max?: number) =>
  (max === undefined ? z.string() : z.string().max(max)).transform((s) => s.toWellFormed());
const nullableString = (max: number) => text(max).nullish();
// Python's isoformat(): date, time, optional fraction, offset. A naive time is read as UTC, so
// the result never depends on the server's time zone (readDateTime).
const ISO_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const ISO_DATE_TIME = z
  .string()
  .max(64)
  .regex(ISO_FORMAT, 'expected an ISO 8601 date-time such as 2026-05-01T12:34:56.123456+00:00')
  // A day or hour that does not exist (2026-02-30, 24:00) reads as NaN, not rolled over; the
  // message is kept with its receive time (saneEventTimes).
  .transform(dateTimeOrNaN);
const id = z.number().int().nonnegative();

// Identity fields are nullable on the wire; a missing one is treated as null rather than lose the
// message. Unknown extra fields are allowed: the raw body is stored.
const EventyayCommon = z.object({
  message_id: id,
  channel: text(200).pipe(z.string().min(1)),
  // A timestamp dropped as malformed reads as NaN: the receive time, with a note.
  timestamp: ISO_DATE_TIME.optional().transform((t) => t ?? NaN),
  screen_name: nullableString(500),
  sender_id: nullableString(200),
  centralauth_id: id.nullish(),
  centralauth_username: nullableString(500),
  message: text(),
  user_language: nullableString(64),
});

const EventyayText = EventyayCommon.extend({
  message_type: z.literal('text'),
  meta: z.looseObject({}).optional(),
});

const EventyayEmoji = EventyayCommon.extend({
  message_type: z.literal('emoji'),
  meta: z.looseObject({
    target_message_id: id,
    reaction: text(100).pipe(z.string().min(1)),
    action: z.enum(['add', 'remove']),
    reactions: z
      .record(z.string(), z.array(text(200)))
      .transform((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toWellFormed(), v])),
      ),
  }),
});

const Envelope = z.looseObject({ message_type: z.string() });

// What a message can be stored without (issue 16): a value of the wrong type or shape here is
// dropped with a schema warning instead of failing the delivery, since Eventyay never retries.
// The id, channel, text, sender_id and an emoji's meta are needed and stay strict.
const OPTIONAL_FIELDS = [
  ['timestamp', ISO_DATE_TIME],
  ['screen_name', nullableString(500)],
  ['centralauth_id', id],
  ['centralauth_username', nullableString(500)],
  ['user_language', nullableString(64)],
] as const;

/**
 * Parses an Eventyay delivery body into the common event shape. Handles the emoji quirk
 * (docs/protocols.md): an emoji event is serialised from its target message, so message_id,
 * timestamp, message and sender_id describe the target, while screen_name, centralauth_* and
 * user_language describe the reactor. The reactor's id is not sent: it is left null for the
 * store to infer from the snapshot change.
 */
export function parseEventyayDelivery(body: Uint8Array): ParseResult {
  const decoded = decodeJsonBody(body);
  if (!decoded.ok) return decoded;

  const envelope = Envelope.safeParse(decoded.value);
  if (!envelope.success) return invalid(envelope.error.issues[0]);
  const type = envelope.data.message_type;
  if (type !== 'text' && type !== 'emoji') {
    return { ok: true, event: { kind: 'ignored', reason: `unsupported message_type "${type}"` } };
  }

  const optional: (readonly [string, z.ZodType])[] = [...OPTIONAL_FIELDS];
  if (type === 'text') optional.push(['meta', z.looseObject({})]);
  const { value, warnings } = dropBadOptionalFields(decoded.value, optional);
  const withWarnings = warnings.length === 0 ? {} : { warnings };

  if (type === 'text') {
    const parsed = EventyayText.safeParse(value);
    if (!parsed.success) return invalid(parsed.error.issues[0]);
    const p = parsed.data;
    return {
      ok: true,
      event: {
        kind: 'message',
        channelExternalId: p.channel,
        externalId: String(p.message_id),
        senderExternalId: p.sender_id || null,
        author: actorOf(p),
        text: p.message,
        sentAt: p.timestamp,
      },
      ...withWarnings,
    };
  }

  const parsed = EventyayEmoji.safeParse(value);
  if (!parsed.success) return invalid(parsed.error.issues[0]);
  const p = parsed.data;
  return {
    ok: true,
    event: {
      kind: 'reaction',
      channelExternalId: p.channel,
      targetExternalId: String(p.meta.target_message_id),
      emoji: p.meta.reaction,
      action: p.meta.action,
      reactorExternalId: null,
      reactor: actorOf(p),
      snapshot: p.meta.reactions,
    },
    ...withWarnings,
  };
}

function actorOf(p: z.infer<typeof EventyayCommon>) {
  return {
    screenName: p.screen_name ?? '',
    centralauthId: p.centralauth_id ?? null,
    centralauthUsername: p.centralauth_username ?? null,
    language: p.user_language || null,
  };
}

function invalid(issue: z.core.$ZodIssue | undefined): ParseResult {
  return { ok: false, reason: 'invalid_payload', ...describeZodIssue(issue) };
}
