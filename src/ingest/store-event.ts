import type { Db } from '../db/client.ts';
import { recordDuplicate } from './record-duplicate.ts';
import { queueLanguageDetection, writeDetectedLanguages } from '../language/detect-language.ts';
import { toIso6391 } from '../language/language-tags.ts';
import type { ChannelSettings } from '../premod/premod-store.ts';
import { premoderateMessage, statusForRules } from '../premod/premoderate-message.ts';
import type { MessageFacts } from '../rules/compile-rule.ts';
import { evaluateMessage, evaluateReaction, type SenderStatus } from '../rules/evaluate-message.ts';
import { createTextView } from '../rules/match-text.ts';
import { candidateStore } from './candidate-store.ts';
import { inferReactor } from './infer-reactor.ts';
import type { IncomingMessage, IncomingReaction, ReactionSnapshot } from './incoming-event.ts';
import {
  ingestStore,
  SCHEMA_WARNING_REASON,
  type DeliveryRow,
  type IngestStore,
} from './ingest-store.ts';

export type AcceptedDelivery = Omit<DeliveryRow, 'outcome' | 'status' | 'reason' | 'detail'> & {
  body: Buffer;
  /** Set when the parser dropped an optional field (the detail names it). */
  reason?: typeof SCHEMA_WARNING_REASON;
};

/**
 * Stores one well-signed message delivery in a single transaction: the delivery row, channel and
 * sender upserts, the message, and the link from reactions that arrived before it. Idempotent
 * on (source, message id): a repeat records only a `duplicate` delivery row and changes nothing,
 * except the first push of a message a before-send check stored, which completes it.
 */
export function storeMessage(
  db: Db,
  delivery: AcceptedDelivery,
  event: IncomingMessage,
): 'accepted' | 'duplicate' {
  const store = ingestStore(db);
  return db.$client.transaction(() => {
    const stored = store.messageId.get(delivery.sourceId, event.externalId);
    if (stored !== undefined) {
      if (completeCandidate(db, delivery, event, stored.id)) return 'accepted' as const;
      recordDuplicate(db, delivery);
      return 'duplicate' as const;
    }
    const deliveryId = insertDelivery(store, delivery, 'accepted');
    insertNewMessage(db, delivery, deliveryId, event);
    return 'accepted' as const;
  })();
}

/**
 * Completes a message a before-send check stored (a candidate) with the push of the message
 * Stream published under the same id, for the caller's transaction; false when the message is
 * not a candidate awaiting its push (then the push is a duplicate). The push becomes the
 * message's delivery and brings the sent time and the sender's name; the text stays as stored
 * (what the check let through; the original, if scrubbed, stays beside it), whatever the push
 * says. The message then goes through the rules and pre-moderation as any arrival, unless the
 * check blocked it: then it stays rejected.
 */
function completeCandidate(
  db: Db,
  delivery: AcceptedDelivery,
  event: IncomingMessage,
  messageId: number,
): boolean {
  const candidates = candidateStore(db);
  const candidate = candidates.candidate.get(messageId);
  if (candidate === undefined || candidate.channel_external_id !== event.channelExternalId) {
    return false;
  }
  const store = ingestStore(db);
  const { sourceId, receivedAt } = delivery;
  const deliveryId = insertDelivery(store, delivery, 'accepted');
  const { channel, sender } = upsertChannelAndSender(store, sourceId, event, receivedAt);
  candidates.complete.run({
    id: messageId,
    deliveryId,
    sentAt: event.sentAt,
    screenName: event.author.screenName,
    senderId: sender?.id ?? null,
  });
  if (candidate.state === 'rejected') return true;
  evaluateArrival(
    db,
    {
      id: messageId,
      sourceId,
      channelExternalId: event.channelExternalId,
      sentAt: event.sentAt,
      receivedAt,
      view: createTextView(candidate.text),
      reactions: JSON.parse(candidate.reactions_json) as ReactionSnapshot,
    },
    channel,
    sender,
  );
  return true;
}

/** The message's channel and sender (none when the sender names nobody), created or refreshed. */
function upsertChannelAndSender(
  store: IngestStore,
  sourceId: string,
  event: Pick<IncomingMessage, 'channelExternalId' | 'senderExternalId' | 'author'>,
  receivedAt: number,
) {
  const channel = store.upsertChannel.get(
    sourceId,
    event.channelExternalId,
    receivedAt,
    receivedAt,
  )!;
  const sender =
    event.senderExternalId === null
      ? undefined
      : store.upsertSender.get({
          sourceId,
          externalId: event.senderExternalId,
          at: receivedAt,
          ...event.author,
        });
  return { channel, sender };
}

/**
 * Inserts a message not stored before, with its channel, sender and language (the sender's until
 * the text's is detected, soon after), links reactions that came first, raises its flags and
 * pre-moderates it (src/premod/) unless `evaluate` is false (the caller raises its own). For the
 * caller's transaction; returns the message id.
 */
export function insertNewMessage(
  db: Db,
  delivery: Pick<AcceptedDelivery, 'sourceId' | 'receivedAt'>,
  deliveryId: number,
  event: Omit<IncomingMessage, 'kind'>,
  options: { evaluate?: boolean } = {},
): number {
  const store = ingestStore(db);
  const { sourceId, receivedAt } = delivery;
  const { channel, sender } = upsertChannelAndSender(store, sourceId, event, receivedAt);
  const channelId = channel.id;
  const earlierReactions = store.latestSnapshot.get(sourceId, event.externalId);
  const reactionsJson = earlierReactions?.snapshot_json ?? '{}';
  const view = createTextView(event.text);
  // The sender's language until the text's is detected (queueLanguageDetection below).
  const language = toIso6391(sender?.language ?? event.author.language);
  const messageId = Number(
    store.insertMessage.run({
      sourceId,
      externalId: event.externalId,
      channelId,
      senderId: sender?.id ?? null,
      screenName: event.author.screenName,
      text: event.text,
      language,
      sentAt: event.sentAt,
      receivedAt,
      deliveryId,
      reactionsJson,
      normalizedText: view.folded().text,
    }).lastInsertRowid,
  );
  if (earlierReactions !== undefined)
    store.linkReactions.run(messageId, sourceId, event.externalId);
  writeDetectedLanguages(db);
  queueLanguageDetection(db, {
    id: messageId,
    sourceId,
    externalId: event.externalId,
    text: event.text,
    stored: language,
  });
  if (options.evaluate === false) return messageId;
  evaluateArrival(
    db,
    {
      id: messageId,
      sourceId,
      channelExternalId: event.channelExternalId,
      sentAt: event.sentAt,
      receivedAt,
      view,
      reactions: JSON.parse(reactionsJson) as ReactionSnapshot,
    },
    channel,
    sender,
  );
  return messageId;
}

/**
 * Raises the flags of a message that has just arrived and pre-moderates it (src/premod/), for
 * the caller's transaction: what every new message goes through, once.
 */
export function evaluateArrival(
  db: Db,
  message: Omit<MessageFacts, 'channelId' | 'senderId' | 'senderFirstSeenAt'>,
  channel: { id: number } & ChannelSettings,
  sender: { id: number; status: SenderStatus; first_seen_at: number } | undefined,
): void {
  const senderStatus = sender?.status ?? null;
  const rulesSee = statusForRules(channel.mode, senderStatus);
  const senderId = sender?.id ?? null;
  evaluateMessage(
    db,
    {
      ...message,
      channelId: channel.id,
      senderId,
      senderFirstSeenAt: sender?.first_seen_at ?? null,
    },
    rulesSee,
    message.receivedAt,
  );
  premoderateMessage(
    db,
    {
      id: message.id,
      channelId: channel.id,
      senderId,
      senderStatus,
      sentAt: message.sentAt,
      view: message.view,
    },
    channel,
    message.receivedAt,
    // The rules reject a blocked sender's message themselves where they see the status.
    rulesSee === 'blocked',
  );
}

/**
 * Appends one reaction event in a single transaction. Never deduplicated: Eventyay's add,
 * remove, add sends two byte-identical bodies that are both real (docs/protocols.md, emoji quirk).
 * The reactor is inferred from the change against the target's previous snapshot; the reaction
 * is linked to its target now or, if the target has not arrived yet, when it does.
 */
export function storeReaction(db: Db, delivery: AcceptedDelivery, event: IncomingReaction): void {
  const store = ingestStore(db);
  db.$client.transaction(() => {
    const { sourceId, receivedAt } = delivery;
    const deliveryId = insertDelivery(store, delivery, 'accepted');
    const channelId = upsertChannel(store, sourceId, event.channelExternalId, receivedAt);
    const previous = store.latestSnapshot.get(sourceId, event.targetExternalId);
    const before =
      previous === undefined ? null : (JSON.parse(previous.snapshot_json) as ReactionSnapshot);
    const reactorExternalId =
      event.reactorExternalId ??
      (event.snapshot === null
        ? null
        : inferReactor(before, event.snapshot, event.emoji, event.action));
    // A sender that names the reactor but sends no snapshot (Stream): keep it from the events.
    const after =
      event.snapshot ??
      (reactorExternalId === null
        ? (before ?? {})
        : applyReaction(before ?? {}, event.emoji, event.action, reactorExternalId));
    // Only a known reactor is upserted: Eventyay's sender_id on an emoji event is the target's
    // author, and the identity fields must not be pinned on them.
    const reactorSenderId =
      reactorExternalId === null
        ? null
        : store.upsertSender.get({
            sourceId,
            externalId: reactorExternalId,
            at: receivedAt,
            ...event.reactor,
          })!.id;
    const target = store.messageId.get(sourceId, event.targetExternalId);
    const snapshotJson = JSON.stringify(after);
    const reactionId = store.insertReaction.run({
      sourceId,
      channelId,
      targetExternalId: event.targetExternalId,
      messageId: target?.id ?? null,
      emoji: event.emoji,
      action: event.action,
      reactorExternalId,
      reactorSenderId,
      reactorScreenName: event.reactor.screenName,
      snapshotJson,
      receivedAt,
      deliveryId,
    }).lastInsertRowid;
    if (target !== undefined) store.setMessageReactions.run(snapshotJson, target.id);
    evaluateReaction(
      db,
      {
        id: Number(reactionId),
        targetMessageId: target?.id ?? null,
        sourceId,
        channelExternalId: event.channelExternalId,
        action: event.action,
        emoji: event.emoji,
        reactorSenderId,
        receivedAt,
        snapshot: after,
      },
      receivedAt,
    );
  })();
}

/** The snapshot after one named user added or removed one emoji. */
function applyReaction(
  before: ReactionSnapshot,
  emoji: string,
  action: 'add' | 'remove',
  user: string,
): ReactionSnapshot {
  const users = (Object.hasOwn(before, emoji) ? (before[emoji] ?? []) : []).filter(
    (u) => u !== user,
  );
  if (action === 'add') users.push(user);
  // No prototype: an emoji named `__proto__` stays an ordinary key.
  const after = Object.create(null) as ReactionSnapshot;
  for (const [key, value] of Object.entries(before)) if (key !== emoji) after[key] = value;
  if (users.length > 0) after[emoji] = users;
  return after;
}

/** Stores a well-signed delivery of a type modhook does not handle, raw, for later. */
export function storeIgnored(db: Db, delivery: AcceptedDelivery, message: string): void {
  insertDelivery(ingestStore(db), { ...delivery, detail: message }, 'ignored');
}

/** Inserts the delivery row of a stored delivery; for the caller's transaction. */
export function insertDelivery(
  store: IngestStore,
  delivery: Omit<AcceptedDelivery, 'body'> & { body: Buffer | null; detail?: string },
  outcome: 'accepted' | 'duplicate' | 'ignored',
): number {
  // Counted apart from rejections, so the source page shows how often a sender's body no longer
  // matched what modhook expects, whatever happens to the rows.
  const warned = outcome === 'accepted' && delivery.reason === SCHEMA_WARNING_REASON;
  if (warned)
    store.bumpRejection.run(delivery.sourceId, SCHEMA_WARNING_REASON, delivery.receivedAt);
  return Number(
    store.insertDelivery.run({
      ...delivery,
      outcome,
      reason: outcome === 'ignored' ? 'unsupported_type' : warned ? SCHEMA_WARNING_REASON : null,
      detail: delivery.detail ?? null,
      status: outcome === 'ignored' ? 202 : 200,
    }).lastInsertRowid,
  );
}

export function upsertChannel(
  store: IngestStore,
  sourceId: string,
  externalId: string,
  at: number,
) {
  return store.upsertChannel.get(sourceId, externalId, at, at)!.id;
}
