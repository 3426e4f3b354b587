import { sql } from 'drizzle-orm';
import {
  blob,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

// Every time is epoch milliseconds (UTC) in an integer column: sortable, exact, cheap.

/** A registered sender endpoint; its id is the unguessable last segment of the webhook URL. */
export const sources = sqliteTable('sources', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['eventyay'] }).notNull(),
  name: text('name').notNull(),
  status: text('status', { enum: ['active', 'disabled'] })
    .notNull()
    .default('active'),
  createdAt: integer('created_at').notNull(),
  disabledAt: integer('disabled_at'),
});

/**
 * A source's shared secrets. Active while expires_at is null or in the future; rotation gives the
 * previous one an expiry instead of deleting it, so deliveries keep naming the secret that matched.
 */
export const sourceSecrets = sqliteTable(
  'source_secrets',
  {
    id: integer('id').primaryKey(),
    sourceId: text('source_id')
      .notNull()
      .references(() => sources.id),
    // Kept in clear: HMAC verification needs the key itself. Never rendered, logged or exported.
    secret: text('secret').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
  },
  (t) => [index('source_secrets_source_idx').on(t.sourceId)],
);

/** Every request to /hooks/* for a known source, accepted or not. */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: integer('id').primaryKey(),
    sourceId: text('source_id')
      .notNull()
      .references(() => sources.id),
    kind: text('kind', { enum: ['event', 'challenge'] }).notNull(),
    receivedAt: integer('received_at').notNull(),
    outcome: text('outcome', { enum: ['accepted', 'duplicate', 'rejected', 'ignored'] }).notNull(),
    /** Machine-readable reason code, e.g. signature_mismatch; null when accepted. */
    reason: text('reason'),
    /** Human detail for the reason, e.g. the field that failed validation. */
    detail: text('detail'),
    status: integer('status').notNull(),
    bodySha256: text('body_sha256'),
    size: integer('size'),
    secretId: integer('secret_id').references(() => sourceSecrets.id),
    latencyMs: real('latency_ms').notNull(),
    /** The raw bytes as posted; kept for accepted and ignored deliveries only. */
    body: blob('body', { mode: 'buffer' }),
  },
  (t) => [
    index('deliveries_source_outcome_idx').on(t.sourceId, t.outcome, t.id),
    index('deliveries_source_kind_idx').on(t.sourceId, t.kind, t.id),
    index('deliveries_secret_idx').on(t.secretId, t.id),
  ],
);

/**
 * Totals of rejected requests per source and reason. Rejected delivery rows are trimmed to the
 * newest few per source, and unknown sources only count here (source_key '*unknown*'), so
 * unauthenticated traffic cannot grow the database without bound.
 */
export const rejectionCounters = sqliteTable(
  'rejection_counters',
  {
    sourceKey: text('source_key').notNull(),
    reason: text('reason').notNull(),
    count: integer('count').notNull(),
    lastAt: integer('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sourceKey, t.reason] })],
);

export const channels = sqliteTable(
  'channels',
  {
    id: integer('id').primaryKey(),
    sourceId: text('source_id')
      .notNull()
      .references(() => sources.id),
    externalId: text('external_id').notNull(),
    label: text('label'),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [uniqueIndex('channels_source_external_idx').on(t.sourceId, t.externalId)],
);

export const senders = sqliteTable(
  'senders',
  {
    id: integer('id').primaryKey(),
    sourceId: text('source_id')
      .notNull()
      .references(() => sources.id),
    externalId: text('external_id').notNull(),
    screenName: text('screen_name').notNull().default(''),
    centralauthId: integer('centralauth_id'),
    centralauthUsername: text('centralauth_username'),
    language: text('language'),
    status: text('status', { enum: ['normal', 'watched', 'trusted', 'blocked'] })
      .notNull()
      .default('normal'),
    firstSeenAt: integer('first_seen_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [uniqueIndex('senders_source_external_idx').on(t.sourceId, t.externalId)],
);

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey(),
    sourceId: text('source_id')
      .notNull()
      .references(() => sources.id),
    /** The sender's own message id (Eventyay message_id), unique per source. */
    externalId: text('external_id').notNull(),
    channelId: integer('channel_id')
      .notNull()
      .references(() => channels.id),
    senderId: integer('sender_id').references(() => senders.id),
    /** The screen name as it was on this message. */
    screenName: text('screen_name').notNull(),
    text: text('text').notNull(),
    language: text('language'),
    sentAt: integer('sent_at').notNull(),
    receivedAt: integer('received_at').notNull(),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => deliveries.id),
    /** Latest reaction snapshot, {emoji: [user id, ...]} as JSON; '{}' when none. */
    reactionsJson: text('reactions_json').notNull().default('{}'),
    moderationState: text('moderation_state', {
      enum: ['unreviewed', 'approved', 'highlighted', 'rejected'],
    })
      .notNull()
      .default('unreviewed'),
  },
  (t) => [
    uniqueIndex('messages_source_external_idx').on(t.sourceId, t.externalId),
    index('messages_channel_sent_idx').on(t.channelId, t.sentAt),
    index('messages_sender_idx').on(t.senderId, t.sentAt),
  ],
);

/**
 * Append-only reaction events. Keyed by their own id, never by the target's message id
 * (PROTOCOLS.md, emoji quirk); linked to the target by external id even before it arrives.
 */
export const reactions = sqliteTable(
  'reactions',
  {
    id: integer('id').primaryKey(),
    sourceId: text('source_id')
      .notNull()
      .references(() => sources.id),
    channelId: integer('channel_id')
      .notNull()
      .references(() => channels.id),
    targetExternalId: text('target_external_id').notNull(),
    /** Filled when the target message is stored (now or later). */
    messageId: integer('message_id').references(() => messages.id),
    emoji: text('emoji').notNull(),
    action: text('action', { enum: ['add', 'remove'] }).notNull(),
    /** Inferred from the snapshot change; null when it cannot be told. */
    reactorExternalId: text('reactor_external_id'),
    reactorSenderId: integer('reactor_sender_id').references(() => senders.id),
    reactorScreenName: text('reactor_screen_name').notNull(),
    snapshotJson: text('snapshot_json').notNull(),
    receivedAt: integer('received_at').notNull(),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => deliveries.id),
  },
  (t) => [
    index('reactions_target_idx').on(t.sourceId, t.targetExternalId, t.id),
    index('reactions_message_idx').on(t.messageId),
  ],
);

/** Append-only record of changes and automatic actions, written in the change's transaction. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey(),
    at: integer('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    detailsJson: text('details_json')
      .notNull()
      .default(sql`'{}'`),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_target_idx').on(t.targetType, t.targetId),
  ],
);
