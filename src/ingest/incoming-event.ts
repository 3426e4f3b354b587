/**
 * The common shape every sender adapter (src/ingest/senders/*) parses its wire format into,
 * so storage, rules and review never see a sender's quirks.
 */

/** Who acted, as far as the sender says. */
export type ActorIdentity = {
  screenName: string;
  centralauthId: number | null;
  centralauthUsername: string | null;
  language: string | null;
};

/** Reaction snapshot: emoji → ids of the users who reacted with it. */
export type ReactionSnapshot = Record<string, string[]>;

export type IncomingMessage = {
  kind: 'message';
  channelExternalId: string;
  externalId: string;
  /** Null when the sender does not say who wrote it. */
  senderExternalId: string | null;
  author: ActorIdentity;
  text: string;
  sentAt: number;
};

export type IncomingReaction = {
  kind: 'reaction';
  channelExternalId: string;
  targetExternalId: string;
  emoji: string;
  action: 'add' | 'remove';
  /** Null when the sender does not name the reactor (Eventyay: inferred from the snapshots). */
  reactorExternalId: string | null;
  reactor: ActorIdentity;
  /** The target's reactions after this change, when the sender sends them. */
  snapshot: ReactionSnapshot | null;
};

/** A well-signed delivery of a type modhook does not store as chat (kept raw, answered 202). */
export type IgnoredEvent = { kind: 'ignored'; reason: string };

export type IncomingEvent = IncomingMessage | IncomingReaction | IgnoredEvent;

/** Why a body could not be parsed: not JSON (400) or JSON of the wrong shape (422). */
export type ParseFailure = {
  reason: 'invalid_json' | 'invalid_payload';
  message: string;
  field?: string;
};

export type ParseResult = { ok: true; event: IncomingEvent } | ({ ok: false } & ParseFailure);
