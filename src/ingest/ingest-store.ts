import type Database from 'better-sqlite3';
import type { Db } from '../db/client.ts';
import { perConnection } from '../db/per-connection.ts';
import type { ChannelSettings } from '../premod/premod-store.ts';
import type { SenderStatus } from '../rules/evaluate-message.ts';
import { parseSourceSettings, type SourceKind } from '../sources/source-kinds.ts';
import type { KeyedSecret } from './hmac.ts';
import type { ActorIdentity } from './incoming-event.ts';
import { bindSenderAdapter, type SenderAdapter } from './senders/sender-adapter.ts';

// The ingest hot path's data access, as prepared better-sqlite3 statements: building a drizzle
// query per request was measured to cost ~40% of ingest throughput (docs/architecture.md, house rules).

export type IngestSource = {
  id: string;
  kind: SourceKind;
  status: 'active' | 'disabled';
  secrets: KeyedSecret[];
  /** The kind's settings, validated, defaults filled in. */
  settings: Record<string, unknown>;
  /** The kind's adapter bound to the settings. */
  adapter: SenderAdapter;
};

export type DeliveryRow = {
  sourceId: string;
  kind: 'event' | 'challenge' | 'before_send';
  receivedAt: number;
  outcome: 'accepted' | 'duplicate' | 'rejected' | 'ignored';
  reason: string | null;
  detail: string | null;
  status: number;
  bodySha256: string | null;
  size: number | null;
  secretId: number | null;
  latencyMs: number;
  body: Buffer | null;
  /** The sender's own delivery id, on stored deliveries (deduplication across retries). */
  webhookId: string | null;
};

type SourceRow = {
  id: string;
  kind: SourceKind;
  status: 'active' | 'disabled';
  settings_json: string;
};

/** Where requests for sources that do not exist are counted (they get no delivery row). */
export const UNKNOWN_SOURCE_KEY = '*unknown*';

/**
 * The rejection_counters reason under which a source's duplicate deliveries are counted (their
 * rows are trimmed like rejected ones); not a rejection, so counts of rejections leave it out.
 */
export const DUPLICATE_COUNTER_REASON = 'duplicate';

/**
 * The reason of an accepted delivery whose body had an optional field of an unexpected type or
 * shape (dropped, the message stored; the detail names the field), and of its counter in
 * rejection_counters, which counts such deliveries, not rejections.
 */
export const SCHEMA_WARNING_REASON = 'schema_warning';

function prepareAll(sqlite: Database.Database) {
  return {
    source: sqlite.prepare<[string], SourceRow>(
      'SELECT id, kind, status, settings_json FROM sources WHERE id = ?',
    ),
    activeSecrets: sqlite.prepare<[string, number], KeyedSecret & { expires_at: number | null }>(
      `SELECT id, secret, expires_at FROM source_secrets
       WHERE source_id = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY id DESC`,
    ),
    /** Known sources read in the last second; see findIngestSource. */
    sourceCache: new Map<string, CachedSource>(),
    insertDelivery: sqlite.prepare<DeliveryRow>(
      `INSERT INTO deliveries (source_id, kind, received_at, outcome, reason, detail, status,
         body_sha256, size, secret_id, latency_ms, body, webhook_id)
       VALUES (@sourceId, @kind, @receivedAt, @outcome, @reason, @detail, @status,
         @bodySha256, @size, @secretId, @latencyMs, @body, @webhookId)`,
    ),
    /** Served by the partial unique index deliveries_source_webhook_idx. */
    webhookSeen: sqlite.prepare<[string, string], { id: number }>(
      `SELECT id FROM deliveries WHERE source_id = ? AND webhook_id = ?
       AND webhook_id IS NOT NULL AND outcome IN ('accepted', 'ignored')`,
    ),
    bumpRejection: sqlite.prepare<[string, string, number]>(
      `INSERT INTO rejection_counters (source_key, reason, count, last_at) VALUES (?, ?, 1, ?)
       ON CONFLICT (source_key, reason) DO UPDATE SET count = count + 1, last_at = excluded.last_at`,
    ),
    trimRejected: sqlite.prepare<[string, string, number]>(
      `DELETE FROM deliveries WHERE source_id = ? AND outcome = 'rejected' AND id <= (
         SELECT id FROM deliveries WHERE source_id = ? AND outcome = 'rejected'
         ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ),
    trimChallenges: sqlite.prepare<[string, string, number]>(
      `DELETE FROM deliveries WHERE source_id = ? AND kind = 'challenge' AND id <= (
         SELECT id FROM deliveries WHERE source_id = ? AND kind = 'challenge'
         ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ),
    trimDuplicates: sqlite.prepare<[string, string, number]>(
      `DELETE FROM deliveries WHERE source_id = ? AND outcome = 'duplicate' AND id <= (
         SELECT id FROM deliveries WHERE source_id = ? AND outcome = 'duplicate'
         ORDER BY id DESC LIMIT 1 OFFSET ?)`,
    ),
    /**
     * Starts a source's duplicate counter at the duplicate rows stored before duplicates were
     * counted (less the one just inserted, which the bump that follows counts); no-op once set.
     */
    seedDuplicateCounter: sqlite.prepare<[string, number, string]>(
      `INSERT OR IGNORE INTO rejection_counters (source_key, reason, count, last_at)
       SELECT ?, '${DUPLICATE_COUNTER_REASON}', max(count(*) - 1, 0), ? FROM deliveries
       WHERE source_id = ? AND outcome = 'duplicate'`,
    ),
    messageId: sqlite.prepare<[string, string], { id: number }>(
      'SELECT id FROM messages WHERE source_id = ? AND external_id = ?',
    ),
    /** With the channel's pre-moderation settings, which every text message needs. */
    upsertChannel: sqlite.prepare<
      [string, string, number, number],
      { id: number } & ChannelSettings
    >(
      `INSERT INTO channels (source_id, external_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (source_id, external_id) DO UPDATE SET last_seen_at = excluded.last_seen_at
       RETURNING id, mode, approve_trusted, reject_blocked, similar_distance, emoji_repeat_seconds`,
    ),
    upsertSender: sqlite.prepare<
      {
        sourceId: string;
        externalId: string;
        at: number;
      } & ActorIdentity,
      { id: number; status: SenderStatus; first_seen_at: number; language: string | null }
    >(
      // Latest arrival wins, but a blank name or a missing CentralAuth identity never erases one.
      `INSERT INTO senders (source_id, external_id, screen_name, centralauth_id,
         centralauth_username, language, first_seen_at, last_seen_at)
       VALUES (@sourceId, @externalId, @screenName, @centralauthId, @centralauthUsername,
         @language, @at, @at)
       ON CONFLICT (source_id, external_id) DO UPDATE SET
         screen_name = CASE WHEN excluded.screen_name <> '' THEN excluded.screen_name
                            ELSE senders.screen_name END,
         centralauth_id = coalesce(excluded.centralauth_id, senders.centralauth_id),
         centralauth_username = coalesce(excluded.centralauth_username, senders.centralauth_username),
         language = coalesce(excluded.language, senders.language),
         last_seen_at = max(senders.last_seen_at, excluded.last_seen_at)
       RETURNING id, status, first_seen_at, language`,
    ),
    insertMessage: sqlite.prepare<{
      sourceId: string;
      externalId: string;
      channelId: number;
      senderId: number | null;
      screenName: string;
      text: string;
      language: string | null;
      sentAt: number;
      receivedAt: number;
      deliveryId: number;
      reactionsJson: string;
      normalizedText: string;
    }>(
      `INSERT INTO messages (source_id, external_id, channel_id, sender_id, screen_name, text,
         language, sent_at, received_at, delivery_id, reactions_json, normalized_text)
       VALUES (@sourceId, @externalId, @channelId, @senderId, @screenName, @text, @language,
         @sentAt, @receivedAt, @deliveryId, @reactionsJson, @normalizedText)`,
    ),
    latestSnapshot: sqlite.prepare<[string, string], { snapshot_json: string }>(
      `SELECT snapshot_json FROM reactions WHERE source_id = ? AND target_external_id = ?
       ORDER BY id DESC LIMIT 1`,
    ),
    linkReactions: sqlite.prepare<[number, string, string]>(
      `UPDATE reactions SET message_id = ?
       WHERE source_id = ? AND target_external_id = ? AND message_id IS NULL`,
    ),
    insertReaction: sqlite.prepare<{
      sourceId: string;
      channelId: number;
      targetExternalId: string;
      messageId: number | null;
      emoji: string;
      action: 'add' | 'remove';
      reactorExternalId: string | null;
      reactorSenderId: number | null;
      reactorScreenName: string;
      snapshotJson: string;
      receivedAt: number;
      deliveryId: number;
    }>(
      `INSERT INTO reactions (source_id, channel_id, target_external_id, message_id, emoji, action,
         reactor_external_id, reactor_sender_id, reactor_screen_name, snapshot_json, received_at,
         delivery_id)
       VALUES (@sourceId, @channelId, @targetExternalId, @messageId, @emoji, @action,
         @reactorExternalId, @reactorSenderId, @reactorScreenName, @snapshotJson, @receivedAt,
         @deliveryId)`,
    ),
    setMessageReactions: sqlite.prepare<[string, number]>(
      'UPDATE messages SET reactions_json = ? WHERE id = ?',
    ),
    messageForChange: sqlite.prepare<[string, string], StoredMessage>(
      `SELECT m.id, m.channel_id, m.sender_id, m.text, m.sent_at, m.reactions_json,
         s.first_seen_at AS sender_first_seen_at, s.status AS sender_status
       FROM messages m LEFT JOIN senders s ON s.id = m.sender_id
       WHERE m.source_id = ? AND m.external_id = ?`,
    ),
    setMessageText: sqlite.prepare<[string, string, number, number]>(
      'UPDATE messages SET text = ?, normalized_text = ?, edited_at = ? WHERE id = ?',
    ),
    markEdited: sqlite.prepare<[number, number]>('UPDATE messages SET edited_at = ? WHERE id = ?'),
    insertEdit: sqlite.prepare<[number, string, string, number, number, number]>(
      `INSERT INTO message_edits (message_id, previous_text, text, edited_at, received_at,
         delivery_id) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    markDeleted: sqlite.prepare<[number, number]>(
      'UPDATE messages SET deleted_at = coalesce(deleted_at, ?) WHERE id = ?',
    ),
    reportFlagExists: sqlite.prepare<[number, number | null, string], { id: number }>(
      `SELECT id FROM flags WHERE message_id = ? AND origin = 'report'
       AND reporter_sender_id IS ? AND reason = ? LIMIT 1`,
    ),
    insertReportFlag: sqlite.prepare<{
      messageId: number;
      senderId: number | null;
      severity: 'low' | 'medium' | 'high';
      reason: string;
      comment: string | null;
      reporterSenderId: number | null;
      actor: string;
      createdAt: number;
    }>(
      `INSERT INTO flags (message_id, sender_id, origin, severity, status, reason, comment,
         reporter_sender_id, actor, created_at)
       VALUES (@messageId, @senderId, 'report', @severity, 'open', @reason, @comment,
         @reporterSenderId, @actor, @createdAt)`,
    ),
    channelByExternalId: sqlite.prepare<[string, string], { id: number }>(
      'SELECT id FROM channels WHERE source_id = ? AND external_id = ?',
    ),
    senderByExternalId: sqlite.prepare<
      [string, string],
      { id: number; status: SenderStatus; first_seen_at: number }
    >('SELECT id, status, first_seen_at FROM senders WHERE source_id = ? AND external_id = ?'),
    senderFacts: sqlite.prepare<
      [number, number, number, number],
      { messages: number; rejected: number; open_flags: number }
    >(
      `SELECT (SELECT count(*) FROM messages WHERE sender_id = ?) AS messages,
         (SELECT count(*) FROM messages WHERE sender_id = ? AND moderation_state = 'rejected')
           AS rejected,
         (SELECT count(*) FROM flags WHERE status = 'open' AND (sender_id = ? OR message_id IN
           (SELECT id FROM messages WHERE sender_id = ?))) AS open_flags`,
    ),
  };
}

export type IngestStore = ReturnType<typeof prepareAll>;

/** A stored message as an edit, a deletion or a report finds it. */
export type StoredMessage = {
  id: number;
  channel_id: number;
  sender_id: number | null;
  text: string;
  sent_at: number;
  reactions_json: string;
  sender_first_seen_at: number | null;
  sender_status: SenderStatus | null;
};

/** The prepared ingest statements of a connection, prepared once and reused. */
export const ingestStore = perConnection(prepareAll);

type CachedSource = {
  loadedAt: number;
  source: Omit<IngestSource, 'secrets'>;
  secrets: (KeyedSecret & { expires_at: number | null })[];
};

/** How long a source and its secrets are reused without reading them again. */
const SOURCE_CACHE_MS = 1000;
const SOURCE_CACHE_LIMIT = 1000;

/**
 * A source with its secrets active at `now`, or undefined when the id is unknown. Known sources
 * are kept for a second (two queries saved per delivery); changes made in this process call
 * forgetIngestSource, and those made by the CLI in another process apply within that second.
 * Unknown ids are never cached, so random ids cannot grow memory.
 */
export function findIngestSource(
  store: IngestStore,
  sourceId: string,
  now: number,
): IngestSource | undefined {
  let cached = store.sourceCache.get(sourceId);
  if (cached === undefined || now - cached.loadedAt >= SOURCE_CACHE_MS || now < cached.loadedAt) {
    const source = store.source.get(sourceId);
    if (source === undefined) {
      store.sourceCache.delete(sourceId);
      return undefined;
    }
    if (store.sourceCache.size >= SOURCE_CACHE_LIMIT) store.sourceCache.clear();
    cached = {
      loadedAt: now,
      source: loadSource(source),
      secrets: store.activeSecrets.all(sourceId, now),
    };
    store.sourceCache.set(sourceId, cached);
  }
  const secrets = cached.secrets
    .filter((k) => k.expires_at === null || k.expires_at > now)
    .map(({ id, secret }) => ({ id, secret }));
  return { ...cached.source, secrets };
}

/** A source row with its settings parsed and its adapter bound (once per cache load). */
function loadSource(row: SourceRow): Omit<IngestSource, 'secrets'> {
  const parsed = parseSourceSettings(row.kind, JSON.parse(row.settings_json));
  if (!parsed.ok) throw new Error(`source ${row.id} has invalid settings: ${parsed.message}`);
  const settings = parsed.settings as Record<string, unknown>;
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    settings,
    adapter: bindSenderAdapter(row.kind, settings),
  };
}

/** Drops a source from the cache after it changed (status, secrets). */
export function forgetIngestSource(db: Db, sourceId: string): void {
  ingestStore(db).sourceCache.delete(sourceId);
}
