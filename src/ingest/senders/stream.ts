import { z } from 'zod';
import { findMatchingHmacSecret, type KeyedSecret } from '../hmac.ts';
import type { ActorIdentity, IncomingMessage, ParseResult } from '../incoming-event.ts';
import {
  decodeJsonBody,
  dropBadOptionalFields,
  invalidPayload,
  isoDateTime,
  wellFormed,
} from './json-body.ts';
import type { HeaderReader, SenderAdapter, SignatureCheck } from './sender-adapter.ts';

// Stream Chat (docs/protocols.md, Stream Chat): X-Signature is the lowercase hex HMAC-SHA256 of the
// uncompressed body keyed by the app's API secret; X-Webhook-Id is the same across retries.
export const STREAM_SIGNATURE_HEADER = 'x-signature';
export const STREAM_WEBHOOK_ID_HEADER = 'x-webhook-id';

const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;
const WEBHOOK_ID = /^[\x21-\x7e]{1,200}$/;

/** Verifies Stream's X-Signature over the raw body against every active secret, timing-safe. */
export function verifyStreamSignature(
  header: HeaderReader,
  body: Uint8Array,
  secrets: readonly KeyedSecret[],
): SignatureCheck {
  const signature = header(STREAM_SIGNATURE_HEADER)?.trim();
  if (signature === undefined || signature === '') {
    return { ok: false, reason: 'signature_missing', message: 'X-Signature header is missing' };
  }
  if (!HEX_DIGEST.test(signature)) {
    return {
      ok: false,
      reason: 'signature_malformed',
      message: 'X-Signature must be 64 hex characters (HMAC-SHA256 of the body)',
    };
  }
  const webhookId = header(STREAM_WEBHOOK_ID_HEADER)?.trim();
  if (webhookId !== undefined && webhookId !== '' && !WEBHOOK_ID.test(webhookId)) {
    return {
      ok: false,
      reason: 'signature_malformed',
      message: 'X-Webhook-Id must be 1 to 200 printable ASCII characters',
    };
  }
  const secretId = findMatchingHmacSecret(body, Buffer.from(signature, 'hex'), secrets);
  if (secretId === null) {
    return {
      ok: false,
      reason: 'signature_mismatch',
      message: 'X-Signature does not match the body for any active secret of this source',
    };
  }
  return webhookId ? { ok: true, secretId, webhookId } : { ok: true, secretId };
}

const id = wellFormed(200).pipe(z.string().min(1));
const StreamUser = z.looseObject({
  id,
  name: wellFormed(500).nullish(),
  language: wellFormed(64).nullish(),
});
type StreamUser = z.output<typeof StreamUser>;

const StreamMessage = z.looseObject({
  id,
  text: wellFormed().nullish(),
  user: StreamUser.nullish(),
  // Missing, or dropped as malformed: NaN, the receive time with a note (saneEventTimes).
  created_at: isoDateTime.nullish().transform((t) => t ?? NaN),
  updated_at: isoDateTime.nullish(),
  deleted_at: isoDateTime.nullish(),
});

const MessageEvent = z.looseObject({
  cid: id,
  message: StreamMessage,
  created_at: isoDateTime.nullish(),
});

const ReactionEvent = z.looseObject({
  cid: id,
  reaction: z.looseObject({
    message_id: id,
    user_id: id.nullish(),
    user: StreamUser.nullish(),
    type: wellFormed(100).pipe(z.string().min(1)),
  }),
  user: StreamUser.nullish(),
});

const Envelope = z.looseObject({ type: z.string().max(100) });

// What a message can be stored without (issue 16): a value of the wrong type or shape here is
// dropped with a schema warning; ids, the cid, the text and the reaction type stay strict.
const userFields = (at: string) =>
  [
    [`${at}.name`, wellFormed(500)],
    [`${at}.language`, wellFormed(64)],
  ] as const;
const MESSAGE_OPTIONAL = [
  ...userFields('message.user'),
  ['message.created_at', isoDateTime],
  ['message.updated_at', isoDateTime],
  ['message.deleted_at', isoDateTime],
  ['created_at', isoDateTime],
] as const;
const REACTION_OPTIONAL = [...userFields('reaction.user'), ...userFields('user')] as const;

const actorOf = (user: StreamUser | null | undefined): ActorIdentity => ({
  screenName: user?.name ?? '',
  centralauthId: null,
  centralauthUsername: null,
  language: user?.language || null,
});

/**
 * Parses a Stream push event: message.new, message.updated (an edit), message.deleted (a
 * tombstone), reaction.new and reaction.deleted; any other type is ignored (stored raw).
 */
export function parseStreamEvent(body: Uint8Array): ParseResult {
  const decoded = decodeJsonBody(body);
  if (!decoded.ok) return decoded;
  const envelope = Envelope.safeParse(decoded.value);
  if (!envelope.success) return invalidPayload(envelope.error.issues[0]);
  const type = envelope.data.type;
  switch (type) {
    case 'message.new':
    case 'message.updated':
    case 'message.deleted': {
      const { value, warnings } = dropBadOptionalFields(decoded.value, MESSAGE_OPTIONAL);
      const parsed = MessageEvent.safeParse(value);
      if (!parsed.success) return invalidPayload(parsed.error.issues[0]);
      const withWarnings = warnings.length === 0 ? {} : { warnings };
      const { cid, message: m, created_at: eventAt } = parsed.data;
      const message: Omit<IncomingMessage, 'kind'> = {
        channelExternalId: cid,
        externalId: m.id,
        senderExternalId: m.user?.id ?? null,
        author: actorOf(m.user),
        text: m.text ?? '',
        sentAt: m.created_at,
      };
      if (type === 'message.new') {
        return { ok: true, event: { kind: 'message', ...message }, ...withWarnings };
      }
      if (type === 'message.updated') {
        const editedAt = m.updated_at ?? eventAt ?? m.created_at;
        return { ok: true, event: { kind: 'edit', ...message, editedAt }, ...withWarnings };
      }
      const deletedAt = m.deleted_at ?? eventAt ?? m.created_at;
      return { ok: true, event: { kind: 'deletion', ...message, deletedAt }, ...withWarnings };
    }
    case 'reaction.new':
    case 'reaction.deleted': {
      const { value, warnings } = dropBadOptionalFields(decoded.value, REACTION_OPTIONAL);
      const parsed = ReactionEvent.safeParse(value);
      if (!parsed.success) return invalidPayload(parsed.error.issues[0]);
      const { cid, reaction, user } = parsed.data;
      const reactor = reaction.user ?? user;
      return {
        ok: true,
        event: {
          kind: 'reaction',
          channelExternalId: cid,
          targetExternalId: reaction.message_id,
          emoji: reaction.type,
          action: type === 'reaction.new' ? 'add' : 'remove',
          reactorExternalId: reaction.user_id ?? reactor?.id ?? null,
          reactor: actorOf(reactor),
          // Stream sends counts and the latest few reactions, not who reacted with what: the
          // store keeps the snapshot itself from the named reactors.
          snapshot: null,
        },
        ...(warnings.length === 0 ? {} : { warnings }),
      };
    }
    default:
      return { ok: true, event: { kind: 'ignored', reason: `unsupported event type "${type}"` } };
  }
}

/** The candidate message of a before-message-send call, and the object to answer with. */
export type BeforeSendCandidate = {
  /** The message object as sent, echoed back (rewritten) in the answer. */
  message: Record<string, unknown>;
  /**
   * The message's id when the client gave it one (Stream's SDKs do, before sending); the push
   * of the published message carries the same id. Null when empty or unusable.
   */
  externalId: string | null;
  text: string;
  channelExternalId: string;
  senderExternalId: string | null;
  author: ActorIdentity;
};

const BEFORE_SEND_OPTIONAL = [...userFields('message.user'), ...userFields('user')] as const;

const BeforeSend = z.looseObject({
  message: z.looseObject({
    // An id a push could not carry (empty, too long) is no id: the check still answers.
    id: id.nullish().catch(null),
    text: wellFormed().nullish(),
    user: StreamUser.nullish(),
  }),
  user: StreamUser.nullish(),
  channel: z.looseObject({ cid: id }),
});

/** Parses a before-message-send body: `{message, user, channel, request_info}`. */
export function parseStreamBeforeSend(
  body: Uint8Array,
):
  | { ok: true; candidate: BeforeSendCandidate; warnings?: string[] }
  | Extract<ParseResult, { ok: false }> {
  const decoded = decodeJsonBody(body);
  if (!decoded.ok) return decoded;
  // A user's name or language of the wrong type must not keep the rules from screening it.
  const { value, warnings } = dropBadOptionalFields(decoded.value, BEFORE_SEND_OPTIONAL);
  const parsed = BeforeSend.safeParse(value);
  if (!parsed.success) {
    return invalidPayload(parsed.error.issues[0]) as Extract<ParseResult, { ok: false }>;
  }
  const raw = (decoded.value as { message: Record<string, unknown> }).message;
  const { message, user, channel } = parsed.data;
  const author = user ?? message.user;
  return {
    ok: true,
    candidate: {
      message: raw,
      externalId: message.id ?? null,
      text: message.text ?? '',
      channelExternalId: channel.cid,
      senderExternalId: author?.id ?? null,
      author: actorOf(author),
    },
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

export const streamAdapter: SenderAdapter = {
  verify: verifyStreamSignature,
  parse: parseStreamEvent,
};
