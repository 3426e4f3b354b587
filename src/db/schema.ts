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

/** The sender kinds modhook has an adapter for (src/ingest/senders/<kind>.ts). */
export const SOURCE_KINDS = ['eventyay', 'stream', 'barertc', 'hmac', 'standard-webhooks'] as const;

/** A registered sender endpoint; its id is the unguessable last segment of the webhook URL. */
export const sources = sqliteTable('sources', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: SOURCE_KINDS }).notNull(),
  name: text('name').notNull(),
  /** Kind-specific settings as JSON (src/sources/source-kinds.ts), e.g. an hmac field mapping. */
  settingsJson: text('settings_json').notNull().default('{}'),
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
    /** `before_send`: a sender's synchronous pre-delivery check (Stream before-message-send). */
    kind: text('kind', { enum: ['event', 'challenge', 'before_send'] }).notNull(),
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
    /**
     * The raw bytes as posted (decompressed; a secret inside the body replaced by a marker);
     * kept for accepted and ignored deliveries only.
     */
    body: blob('body', { mode: 'buffer' }),
    /** The sender's own delivery id (Stream X-Webhook-Id, Standard Webhooks webhook-id). */
    webhookId: text('webhook_id'),
  },
  (t) => [
    // At most one stored delivery per sender delivery id: retries are answered as duplicates.
    uniqueIndex('deliveries_source_webhook_idx')
      .on(t.sourceId, t.webhookId)
      .where(sql`webhook_id IS NOT NULL AND outcome IN ('accepted', 'ignored')`),
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
    /**
     * `post`: messages are visible unless rejected, only flagged ones are queued. `pre`: every
     * text message is queued as pending and shown nowhere until approved or highlighted.
     */
    mode: text('mode', { enum: ['post', 'pre'] })
      .notNull()
      .default('post'),
    /** Pre-moderation fast lane: a trusted sender's messages are approved on arrival. */
    approveTrusted: integer('approve_trusted', { mode: 'boolean' }).notNull().default(true),
    /** Fast lane: a blocked sender's messages are rejected on arrival. */
    rejectBlocked: integer('reject_blocked', { mode: 'boolean' }).notNull().default(true),
    /** Edit distance k for "reject similar" / "block similar" on normalized text. */
    similarDistance: integer('similar_distance').notNull().default(2),
    /**
     * Fast lane: an emoji-only message identical to one approved in this channel within this many
     * seconds is approved on arrival; 0 turns it off.
     */
    emojiRepeatSeconds: integer('emoji_repeat_seconds').notNull().default(60),
    /** How the display feed shows screen names. */
    screenNames: text('screen_names', { enum: ['show', 'short', 'hide'] })
      .notNull()
      .default('show'),
  },
  (t) => [uniqueIndex('channels_source_external_idx').on(t.sourceId, t.externalId)],
);

/**
 * A display feed (overlay page, JSON, RSS) of approved and highlighted messages of one or more
 * channels. Unless public, it needs its token, which grants nothing else. Kept in clear so an
 * admin can copy the overlay URL again; rotating it cuts off old URLs.
 */
export const displays = sqliteTable(
  'displays',
  {
    id: integer('id').primaryKey(),
    name: text('name').notNull(),
    token: text('token').notNull(),
    isPublic: integer('is_public', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    tokenRotatedAt: integer('token_rotated_at'),
  },
  (t) => [uniqueIndex('displays_token_idx').on(t.token)],
);

export const displayChannels = sqliteTable(
  'display_channels',
  {
    displayId: integer('display_id')
      .notNull()
      .references(() => displays.id),
    channelId: integer('channel_id')
      .notNull()
      .references(() => channels.id),
  },
  (t) => [
    primaryKey({ columns: [t.displayId, t.channelId] }),
    index('display_channels_channel_idx').on(t.channelId),
  ],
);

/**
 * "Block similar": a normalized text whose look-alikes (within max_distance edits) are rejected on
 * arrival in its channel (or in every channel when channel_id is null).
 */
export const blockedPatterns = sqliteTable(
  'blocked_patterns',
  {
    id: integer('id').primaryKey(),
    channelId: integer('channel_id').references(() => channels.id),
    normalizedText: text('normalized_text').notNull(),
    maxDistance: integer('max_distance').notNull(),
    /** The message it was taken from. */
    messageId: integer('message_id').references(() => messages.id),
    actor: text('actor').notNull(),
    createdAt: integer('created_at').notNull(),
    disabledAt: integer('disabled_at'),
  },
  (t) => [index('blocked_patterns_channel_idx').on(t.channelId)],
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
    /** What the chat published (after a rule scrubbed it before delivery). */
    text: text('text').notNull(),
    /**
     * What the sender wrote, when a rule scrubbed it before delivery (Stream before-send); null
     * otherwise. For moderators only: displays and exports show `text`.
     */
    originalText: text('original_text'),
    language: text('language'),
    sentAt: integer('sent_at').notNull(),
    receivedAt: integer('received_at').notNull(),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => deliveries.id),
    /** Latest reaction snapshot, {emoji: [user id, ...]} as JSON; '{}' when none. */
    reactionsJson: text('reactions_json').notNull().default('{}'),
    /** The text as the rules match it (src/rules/normalize.ts), kept for repetition checks. */
    normalizedText: text('normalized_text').notNull().default(''),
    moderationState: text('moderation_state', {
      enum: ['unreviewed', 'approved', 'highlighted', 'rejected'],
    })
      .notNull()
      .default('unreviewed'),
    /** The decision that set moderation_state; moderators decide against the one they saw. */
    decisionId: integer('decision_id'),
    /** When the sender last reported an edit of the text (the versions are in message_edits). */
    editedAt: integer('edited_at'),
    /** A tombstone: the sender deleted the message; its text is kept for moderators. */
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    uniqueIndex('messages_source_external_idx').on(t.sourceId, t.externalId),
    index('messages_channel_sent_idx').on(t.channelId, t.sentAt),
    index('messages_sender_idx').on(t.senderId, t.sentAt),
    index('messages_source_sent_idx').on(t.sourceId, t.sentAt),
    // Activity charts count by arrival time; keys only grow, so this index is cheap on ingest.
    index('messages_received_idx').on(t.receivedAt),
  ],
);

/**
 * Append-only reaction events. Keyed by their own id, never by the target's message id
 * (docs/protocols.md, emoji quirk); linked to the target by external id even before it arrives.
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
    index('reactions_reactor_idx').on(t.reactorSenderId, t.receivedAt),
  ],
);

/** Every edit of a message's text, append-only: the text before and after, and when. */
export const messageEdits = sqliteTable(
  'message_edits',
  {
    id: integer('id').primaryKey(),
    messageId: integer('message_id')
      .notNull()
      .references(() => messages.id),
    previousText: text('previous_text').notNull(),
    text: text('text').notNull(),
    editedAt: integer('edited_at').notNull(),
    receivedAt: integer('received_at').notNull(),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => deliveries.id),
  },
  (t) => [index('message_edits_message_idx').on(t.messageId, t.id)],
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

const SEVERITIES = ['low', 'medium', 'high'] as const;
/** src/rules/rule-kinds.ts RULE_ACTIONS; `scrub` and `block` act only where a sender asks first. */
const RULE_ACTIONS = ['flag', 'log', 'scrub', 'block'] as const;

/** An automatic check; its current definition. Every change is also kept in rule_versions. */
export const rules = sqliteTable('rules', {
  id: integer('id').primaryKey(),
  kind: text('kind').notNull(),
  name: text('name').notNull(),
  severity: text('severity', { enum: SEVERITIES }).notNull(),
  action: text('action', { enum: RULE_ACTIONS }).notNull(),
  settingsJson: text('settings_json').notNull(),
  /** {"sources":[ids],"channels":[external ids]}; empty lists mean everywhere. */
  scopeJson: text('scope_json').notNull().default('{}'),
  enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  version: integer('version').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Every version a rule has had, append-only; flags name the version that raised them. */
export const ruleVersions = sqliteTable(
  'rule_versions',
  {
    id: integer('id').primaryKey(),
    ruleId: integer('rule_id')
      .notNull()
      .references(() => rules.id),
    version: integer('version').notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    action: text('action', { enum: RULE_ACTIONS }).notNull(),
    settingsJson: text('settings_json').notNull(),
    scopeJson: text('scope_json').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    actor: text('actor').notNull(),
  },
  (t) => [uniqueIndex('rule_versions_rule_version_idx').on(t.ruleId, t.version)],
);

/**
 * Why a message (or, for a reaction flood, a sender) needs a human. `logged` flags come from
 * rules in trial (action `log`) and never enter the queue.
 */
export const flags = sqliteTable(
  'flags',
  {
    id: integer('id').primaryKey(),
    messageId: integer('message_id').references(() => messages.id),
    senderId: integer('sender_id').references(() => senders.id),
    reactionId: integer('reaction_id').references(() => reactions.id),
    origin: text('origin', {
      // `pending`: a message of a pre-moderated channel waiting for approval.
      enum: ['rule', 'report', 'reaction', 'moderator', 'sender', 'pending'],
    }).notNull(),
    ruleId: integer('rule_id').references(() => rules.id),
    ruleVersion: integer('rule_version'),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    status: text('status', { enum: ['open', 'closed', 'logged'] }).notNull(),
    reason: text('reason').notNull(),
    /** The matched span of the original text, as UTF-16 offsets [start, end). */
    spanStart: integer('span_start'),
    spanEnd: integer('span_end'),
    matchedText: text('matched_text'),
    normalizedText: text('normalized_text'),
    transformationsJson: text('transformations_json').notNull().default('[]'),
    actor: text('actor').notNull(),
    createdAt: integer('created_at').notNull(),
    closedAt: integer('closed_at'),
    /** A report's comment from the reporter (origin `report`). */
    comment: text('comment'),
    /** Who reported it, when the reporter is a sender of the source (origin `report`). */
    reporterSenderId: integer('reporter_sender_id').references(() => senders.id),
  },
  (t) => [
    index('flags_message_idx').on(t.messageId),
    index('flags_sender_idx').on(t.senderId, t.createdAt),
    index('flags_status_idx').on(t.status, t.severity, t.createdAt),
    index('flags_rule_idx').on(t.ruleId, t.createdAt),
    index('flags_created_idx').on(t.createdAt),
  ],
);

/** A verdict on a message, by a moderator or automatic (a blocked sender's messages). */
export const decisions = sqliteTable(
  'decisions',
  {
    id: integer('id').primaryKey(),
    messageId: integer('message_id')
      .notNull()
      .references(() => messages.id),
    verdict: text('verdict', { enum: ['approve', 'highlight', 'reject'] }).notNull(),
    actor: text('actor').notNull(),
    automatic: integer('automatic', { mode: 'boolean' }).notNull(),
    note: text('note'),
    /**
     * `applied` set the message's state; `superseded` came after another moderator's more
     * restrictive decision on the same message and changed nothing.
     */
    outcome: text('outcome', { enum: ['applied', 'superseded'] })
      .notNull()
      .default('applied'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('decisions_message_idx').on(t.messageId, t.createdAt),
    index('decisions_created_idx').on(t.createdAt),
  ],
);

/** Moderators' notes on a sender, optionally about one of their messages. Append-only. */
export const notes = sqliteTable(
  'notes',
  {
    id: integer('id').primaryKey(),
    senderId: integer('sender_id').references(() => senders.id),
    messageId: integer('message_id').references(() => messages.id),
    actor: text('actor').notNull(),
    text: text('text').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('notes_sender_idx').on(t.senderId, t.createdAt),
    index('notes_message_idx').on(t.messageId, t.createdAt),
  ],
);

export const ROLES = ['admin', 'moderator', 'auditor'] as const;

/**
 * A dashboard account. Usernames are unique regardless of case (ASCII only, see
 * src/auth/add-account.ts). The password hash is a PHC string that carries its own salt and
 * scrypt parameters, so they can be raised later without breaking stored hashes.
 */
export const accounts = sqliteTable(
  'accounts',
  {
    id: integer('id').primaryKey(),
    username: text('username').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    passwordHash: text('password_hash').notNull(),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    lastLoginAt: integer('last_login_at'),
  },
  (t) => [uniqueIndex('accounts_username_idx').on(sql`lower(${t.username})`)],
);

/**
 * A signed-in browser. Keyed by the SHA-256 of the cookie's random token, so a copy of the
 * database does not let anyone sign in. Ends 12 h after last_seen_at or 7 days after created_at
 * (src/auth/session-policy.ts), whichever comes first.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    /** The synchronizer token its forms and htmx requests must echo (src/http/csrf.ts). */
    csrfToken: text('csrf_token').notNull(),
  },
  (t) => [
    index('sessions_account_idx').on(t.accountId),
    index('sessions_created_idx').on(t.createdAt),
  ],
);

/**
 * One row per sign-in attempt that has not (yet) succeeded, for throttling per account and per
 * client address. Rows older than the throttling window are deleted as new ones arrive, so
 * anonymous traffic cannot grow this table without bound.
 */
export const loginFailures = sqliteTable(
  'login_failures',
  {
    id: integer('id').primaryKey(),
    at: integer('at').notNull(),
    /** The lower-cased username tried, whether or not such an account exists. */
    accountKey: text('account_key').notNull(),
    /** The client address (an IPv6 address as its /64). */
    addressKey: text('address_key').notNull(),
  },
  (t) => [
    index('login_failures_account_idx').on(t.accountKey, t.at),
    index('login_failures_address_idx').on(t.addressKey, t.at),
    index('login_failures_at_idx').on(t.at),
  ],
);

/** One-time links that create the first admin; stored by SHA-256 of the token. */
export const setupTokens = sqliteTable('setup_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  usedAt: integer('used_at'),
});

/**
 * One-time password reset links an admin makes for an account; stored by SHA-256 of the token.
 * Using one sets the password and ends the account's sessions.
 */
export const passwordResetTokens = sqliteTable(
  'password_reset_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('password_reset_tokens_account_idx').on(t.accountId)],
);
