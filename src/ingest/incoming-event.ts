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
  /**
   * As the sender gave it: NaN when it named no real date, and possibly far out of range;
   * receiveDelivery puts every event through saneEventTimes before anything is stored.
   */
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

/**
 * A new text for a message (Stream message.updated). Carries the whole message, so a message not
 * seen before is stored with it.
 */
export type IncomingEdit = Omit<IncomingMessage, 'kind'> & { kind: 'edit'; editedAt: number };

/** The sender deleted a message (Stream message.deleted): kept as a tombstone, text and all. */
export type IncomingDeletion = Omit<IncomingMessage, 'kind'> & {
  kind: 'deletion';
  deletedAt: number;
};

/** Someone (or the sender's own filter) reported a message (BareRTC report). */
export type IncomingReport = {
  kind: 'report';
  /** The reported message, stored unless already there. */
  message: IncomingMessage;
  /** Null when the platform itself reported it (BareRTC's server-side filter). */
  reporterExternalId: string | null;
  reporter: ActorIdentity | null;
  reason: string;
  comment: string;
};

/** The sender asks what modhook knows about one of its users (BareRTC profile). */
export type ProfileQuery = { kind: 'profile'; senderExternalId: string };

/** A well-signed delivery of a type modhook does not store as chat (kept raw, answered 202). */
export type IgnoredEvent = { kind: 'ignored'; reason: string };

export type IncomingEvent =
  | IncomingMessage
  | IncomingReaction
  | IncomingEdit
  | IncomingDeletion
  | IncomingReport
  | ProfileQuery
  | IgnoredEvent;

/** Why a body could not be parsed: not JSON (400) or JSON of the wrong shape (422). */
export type ParseFailure = {
  reason: 'invalid_json' | 'invalid_payload';
  message: string;
  field?: string;
};

export type ParseResult =
  | {
      ok: true;
      event: IncomingEvent;
      /**
       * Optional fields of an unexpected type or shape, dropped so the message is kept (issue
       * 16): each names the field, for the delivery row's schema warning.
       */
      warnings?: string[];
    }
  | ({ ok: false } & ParseFailure);
