import type Database from 'better-sqlite3';
import type { Db } from '../db/client.ts';
import { perConnection } from '../db/per-connection.ts';

export const FLAG_ORIGINS = [
  'rule',
  'report',
  'reaction',
  'moderator',
  'sender',
  'pending',
] as const;
/** How `language` names messages whose language is not known (ISO 639-2 "undetermined"). */
export const UNKNOWN_LANGUAGE = 'und';

/**
 * A moderator's share of the queue, so two people do not read the same messages: band `index`
 * of `of` (messages whose id modulo `of` is `index - 1`: stable, and even over time) and/or one
 * language.
 */
export type QueueShare = { band?: { index: number; of: number }; language?: string };

export type QueueFilters = {
  sourceId?: string;
  /** A channel's external id. */
  channel?: string;
  /** Items with an open flag of this severity / origin / rule. */
  severity?: 'low' | 'medium' | 'high';
  origin?: (typeof FLAG_ORIGINS)[number];
  ruleId?: number;
  /** A sender's external id, or part of their screen name. */
  sender?: string;
  /** Part of the message text. */
  q?: string;
  /** Sent at or after / before (epoch ms). */
  since?: number;
  until?: number;
  /** A message language (ISO 639-1), or UNKNOWN_LANGUAGE. */
  language?: string;
  share?: QueueShare;
};

export type QueueFlag = {
  id: number;
  origin: string;
  severity: 'low' | 'medium' | 'high';
  reason: string;
  ruleId: number | null;
  ruleVersion: number | null;
  spanStart: number | null;
  spanEnd: number | null;
  transformations: string[];
};

export type QueueItem = {
  messageId: number;
  text: string;
  screenName: string;
  senderId: number | null;
  senderExternalId: string | null;
  senderStatus: string | null;
  channelExternalId: string;
  channelLabel: string | null;
  sourceName: string;
  sentAt: number;
  language: string | null;
  severity: 'low' | 'medium' | 'high';
  /** Waiting for approval in a pre-moderated channel (an open `pending` flag). */
  pending: boolean;
  /** Pending and nothing else: no rule, report or other flag is open on it. */
  pendingOnly: boolean;
  /** When its oldest open flag was raised: how long it has waited. */
  waitingSince: number;
  /** The decision a moderator sees (null: none); deciding sends it back as the basis. */
  decisionId: number | null;
  state: string;
  flags: QueueFlag[];
};

export type QueuePage = {
  items: QueueItem[];
  page: number;
  pageSize: number;
  /** Open items matching the filters, in all. */
  total: number;
  /** Flagged items (any open flag besides `pending`) by their highest severity. */
  bySeverity: { high: number; medium: number; low: number };
  /** Items waiting for approval, and how many of those are flagged too. */
  pending: number;
  pendingFlagged: number;
  /** The languages of the open items matching every filter but the language, most first. */
  languages: { language: string; count: number }[];
};

const SEVERITY_RANK = "CASE f.severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END";
const SEVERITY_OF = ['low', 'low', 'medium', 'high'] as const;

type Sql = { sql: string; params: (string | number)[] };

/**
 * The filters as SQL, only fixed text with values bound: the grouped pass's WHERE (open flags,
 * the band) and HAVING (flag filters, true when any open flag of the item matches, so each item
 * keeps its whole picture: highest severity, pending or not), and the conditions on the message,
 * its channel and sender (empty when none), checked afterwards on the grouped ids only. The
 * languages (filter and share) are applied in memory, so the counts by language come for free.
 */
function whereOf(filters: QueueFilters): { where: Sql; having: Sql; message: Sql } {
  const message: Sql = { sql: '', params: [] };
  const clauses: string[] = [];
  const add = (clause: string, ...values: (string | number)[]) => {
    clauses.push(clause);
    message.params.push(...values);
  };
  if (filters.sourceId) add('m.source_id = ?', filters.sourceId);
  if (filters.channel) add('c.external_id = ?', filters.channel);
  if (filters.sender) {
    add(
      "(s.external_id = ? OR m.screen_name LIKE ? ESCAPE '\\')",
      filters.sender,
      `%${likeEscape(filters.sender)}%`,
    );
  }
  if (filters.q) add("m.text LIKE ? ESCAPE '\\'", `%${likeEscape(filters.q)}%`);
  if (filters.since !== undefined) add('m.sent_at >= ?', filters.since);
  if (filters.until !== undefined) add('m.sent_at < ?', filters.until);
  message.sql = clauses.join(' AND ');
  const where: Sql = { sql: "f.status = 'open' AND f.message_id IS NOT NULL", params: [] };
  const band = filters.share?.band;
  if (band) {
    where.sql += ' AND f.message_id % ? = ?';
    where.params.push(band.of, band.index - 1);
  }
  const having: Sql = { sql: '', params: [] };
  const conditions: string[] = [];
  const need = (condition: string, value: string | number) => {
    conditions.push(condition);
    having.params.push(value);
  };
  if (filters.severity) {
    // Only that severity's flags and the low ones (pending flags are always low) are read,
    // through flags_status_idx: a third fewer rows. As before, items rank as that severity.
    where.sql += " AND f.severity IN (?, 'low')";
    where.params.push(filters.severity);
    need("max(f.severity = ? AND f.origin <> 'pending')", filters.severity);
  }
  if (filters.origin) need('max(f.origin = ?)', filters.origin);
  if (filters.ruleId !== undefined) need('max(f.rule_id = ?)', filters.ruleId);
  having.sql = conditions.length === 0 ? '' : `HAVING ${conditions.join(' AND ')}`;
  return { where, having, message };
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The ids among `messageIds` whose message, channel and sender meet `message` (whereOf). */
function messagesMeeting(db: Db, messageIds: number[], message: Sql): Set<number> {
  const joins = [
    message.sql.includes('c.') ? 'JOIN channels c ON c.id = m.channel_id' : '',
    message.sql.includes('s.') ? 'LEFT JOIN senders s ON s.id = m.sender_id' : '',
  ].join(' ');
  const rows = statements(db)(
    // CROSS JOIN fixes the order: from the ids, never a range scan of an index on messages.
    `SELECT m.id FROM json_each(?) j CROSS JOIN messages m ON m.id = j.value ${joins}
     WHERE ${message.sql}`,
  ).all(JSON.stringify(messageIds), ...message.params) as { id: number }[];
  return new Set(rows.map((r) => r.id));
}

type Row = {
  message_id: number;
  text: string;
  screen_name: string;
  sender_id: number | null;
  sender_external_id: string | null;
  sender_status: string | null;
  channel_external_id: string;
  channel_label: string | null;
  source_name: string;
  sent_at: number;
  language: string | null;
  decision_id: number | null;
  moderation_state: string;
};

const statements = perConnection((sqlite: Database.Database) => {
  const cache = new Map<string, Database.Statement>();
  return (sql: string) => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = sqlite.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
});

/**
 * Each open flag's weight in a band of its own (pending 1, low 10^4, medium 10^8, high 10^12):
 * the sum over an item's flags tells its highest severity (highest band) and whether it is
 * pending (lowest band) in one aggregate; a second one costs ~15% more over 10,000 open flags.
 * Exact up to 9,000 open flags of one kind on one message.
 */
const FLAG_WEIGHT = `CASE WHEN f.origin = 'pending' THEN 1 WHEN f.severity = 'high' THEN 1000000000000
  WHEN f.severity = 'medium' THEN 100000000 ELSE 10000 END`;
const rankOf = (weight: number) => (weight >= 1e12 ? 3 : weight >= 1e8 ? 2 : weight >= 1e4 ? 1 : 0);

type Grouped = {
  message_id: number;
  weight: number;
  waiting_since: number;
  /** The highest severity of its open flags but the pending one (3 high … 1 low); 0: none. */
  rank: number;
  pending: boolean;
};

/**
 * The language of each open item's message, per connection: caching it keeps the grouped pass
 * off the messages table (10,000 random reads into a table of millions would cost more than the
 * whole pass). A message is stored with its sender's language and gets the detected one a
 * moment later (src/language/detect-language.ts): an entry is final once its message was
 * received LANGUAGE_SETTLE_MS before it was read (wall clock, as received_at is in production),
 * and read again on every call until then. Past CACHED_LANGUAGES entries, those not among the
 * ids asked for are dropped.
 */
const LANGUAGE_SETTLE_MS = 10_000;
const CACHED_LANGUAGES = 100_000;
type CachedLanguage = { language: string; final: boolean };
const languageCache = perConnection(() => new Map<number, CachedLanguage>());

function languagesOf(db: Db, messageIds: number[]): Map<number, CachedLanguage> {
  const cache = languageCache(db);
  const unsettled = messageIds.filter((id) => cache.get(id)?.final !== true);
  if (unsettled.length > 0) {
    const settledBefore = Date.now() - LANGUAGE_SETTLE_MS;
    const rows = statements(db)(
      'SELECT id, language, received_at FROM messages WHERE id IN (SELECT value FROM json_each(?))',
    ).all(JSON.stringify(unsettled)) as {
      id: number;
      language: string | null;
      received_at: number;
    }[];
    for (const row of rows) {
      const final = row.received_at < settledBefore;
      cache.set(row.id, { language: row.language || UNKNOWN_LANGUAGE, final });
    }
  }
  if (cache.size > Math.max(CACHED_LANGUAGES, 2 * messageIds.length)) {
    const open = new Set(messageIds);
    for (const id of cache.keys()) if (!open.has(id)) cache.delete(id);
  }
  return cache;
}

/**
 * One page of the review queue: messages with open flags matching the filters and the share;
 * flagged ones first (pending or not), then those only waiting for approval; within each, the
 * most severe first, then the longest waiting. With each item's open flags (spans for
 * highlighting), the open-item counts and the languages present. Read-only. One grouped pass
 * over the open flags (then, when a filter is on the message, one look-up of the grouped ids)
 * and the languages in memory give the order and every count; only the page's rows are read
 * in full.
 */
export function listReviewQueue(db: Db, filters: QueueFilters, page = 1, pageSize = 50): QueuePage {
  const prepare = statements(db);
  const { where, having, message } = whereOf(filters);
  let all = prepare(
    `SELECT f.message_id, sum(${FLAG_WEIGHT}) AS weight, min(f.created_at) AS waiting_since
     FROM flags f WHERE ${where.sql} GROUP BY f.message_id ${having.sql}`,
  ).all(...where.params, ...having.params) as Grouped[];
  for (const g of all) {
    g.rank = rankOf(g.weight);
    g.pending = g.weight % 1e4 > 0;
  }
  if (message.sql !== '') {
    const meeting = messagesMeeting(
      db,
      all.map((g) => g.message_id),
      message,
    );
    all = all.filter((g) => meeting.has(g.message_id));
  }
  const languages = languagesOf(
    db,
    all.map((g) => g.message_id),
  );
  const languageOf = (g: Grouped) => languages.get(g.message_id)?.language ?? UNKNOWN_LANGUAGE;
  const byLanguage = new Map<string, number>();
  for (const g of all) byLanguage.set(languageOf(g), (byLanguage.get(languageOf(g)) ?? 0) + 1);
  // The language filter is exact (`und` lists the unknown ones); a language share also takes the
  // items whose language is unknown, so they reach every share instead of none.
  const shareLanguage = filters.share?.language;
  const fits = (g: Grouped) => {
    const language = languageOf(g);
    if (filters.language !== undefined && language !== filters.language) return false;
    return (
      shareLanguage === undefined || language === shareLanguage || language === UNKNOWN_LANGUAGE
    );
  };
  const grouped =
    filters.language === undefined && shareLanguage === undefined ? all : all.filter(fits);
  const bySeverity = { high: 0, medium: 0, low: 0 };
  let pending = 0;
  let pendingFlagged = 0;
  for (const g of grouped) {
    if (g.pending) pending++;
    if (g.rank === 0) continue;
    if (g.pending) pendingFlagged++;
    bySeverity[SEVERITY_OF[g.rank] ?? 'low']++;
  }
  grouped.sort(
    (a, b) => b.rank - a.rank || a.waiting_since - b.waiting_since || a.message_id - b.message_id,
  );
  const current = Math.max(1, page);
  const slice = grouped.slice((current - 1) * pageSize, current * pageSize);
  const details = new Map(
    (
      prepare(
        `SELECT m.id AS message_id, m.text, m.screen_name, m.sender_id,
           s.external_id AS sender_external_id, s.status AS sender_status,
           c.external_id AS channel_external_id, c.label AS channel_label, so.name AS source_name,
           m.sent_at, m.language, m.decision_id, m.moderation_state
         FROM messages m JOIN channels c ON c.id = m.channel_id JOIN sources so ON so.id = m.source_id
         LEFT JOIN senders s ON s.id = m.sender_id
         WHERE m.id IN (SELECT value FROM json_each(?))`,
      ).all(JSON.stringify(slice.map((g) => g.message_id))) as Row[]
    ).map((r) => [r.message_id, r]),
  );
  const flagsByMessage = openFlagsOf(
    db,
    slice.map((g) => g.message_id),
  );
  return {
    page: current,
    pageSize,
    total: grouped.length,
    bySeverity,
    pending,
    pendingFlagged,
    languages: [...byLanguage]
      .map(([language, count]) => ({ language, count }))
      .sort((a, b) => b.count - a.count || a.language.localeCompare(b.language)),
    items: slice.flatMap((g) => {
      const r = details.get(g.message_id);
      if (r === undefined) return [];
      return [
        {
          messageId: r.message_id,
          text: r.text,
          screenName: r.screen_name,
          senderId: r.sender_id,
          senderExternalId: r.sender_external_id,
          senderStatus: r.sender_status,
          channelExternalId: r.channel_external_id,
          channelLabel: r.channel_label,
          sourceName: r.source_name,
          sentAt: r.sent_at,
          language: r.language,
          severity: SEVERITY_OF[g.rank] ?? 'low',
          pending: g.pending,
          pendingOnly: g.rank === 0,
          waitingSince: g.waiting_since,
          decisionId: r.decision_id,
          state: r.moderation_state,
          flags: flagsByMessage.get(r.message_id) ?? [],
        },
      ];
    }),
  };
}

type FlagRow = {
  id: number;
  message_id: number;
  origin: string;
  severity: 'low' | 'medium' | 'high';
  reason: string;
  rule_id: number | null;
  rule_version: number | null;
  span_start: number | null;
  span_end: number | null;
  transformations_json: string;
};

/** The open flags of some messages, most severe first. */
export function openFlagsOf(db: Db, messageIds: number[]): Map<number, QueueFlag[]> {
  const result = new Map<number, QueueFlag[]>();
  if (messageIds.length === 0) return result;
  const rows = statements(db)(
    `SELECT id, message_id, origin, severity, reason, rule_id, rule_version, span_start, span_end,
       transformations_json FROM flags
     WHERE status = 'open' AND message_id IN (SELECT value FROM json_each(?))
     ORDER BY ${SEVERITY_RANK.replaceAll('f.', '')} DESC, id`,
  ).all(JSON.stringify(messageIds)) as FlagRow[];
  for (const row of rows) {
    const list = result.get(row.message_id) ?? [];
    list.push(toFlag(row));
    result.set(row.message_id, list);
  }
  return result;
}

export function toFlag(row: Omit<FlagRow, 'message_id'>): QueueFlag {
  return {
    id: row.id,
    origin: row.origin,
    severity: row.severity,
    reason: row.reason,
    ruleId: row.rule_id,
    ruleVersion: row.rule_version,
    spanStart: row.span_start,
    spanEnd: row.span_end,
    transformations: JSON.parse(row.transformations_json) as string[],
  };
}
