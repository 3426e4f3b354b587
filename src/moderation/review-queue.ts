import type Database from 'better-sqlite3';
import type { Db } from '../db/client.ts';
import { perConnection } from '../db/per-connection.ts';

export type QueueFilters = {
  sourceId?: string;
  /** A channel's external id. */
  channel?: string;
  severity?: 'low' | 'medium' | 'high';
  origin?: 'rule' | 'report' | 'reaction' | 'moderator' | 'sender';
  ruleId?: number;
  /** A sender's external id, or part of their screen name. */
  sender?: string;
  /** Part of the message text. */
  q?: string;
  /** Sent at or after / before (epoch ms). */
  since?: number;
  until?: number;
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
  severity: 'low' | 'medium' | 'high';
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
  /** Open items matching the filters, in all, and by their highest severity. */
  total: number;
  bySeverity: { high: number; medium: number; low: number };
};

const SEVERITY_RANK = "CASE f.severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END";
const SEVERITY_OF = ['low', 'low', 'medium', 'high'] as const;

/** WHERE clauses and their parameters for the filters; only fixed SQL text, values bound. */
function whereOf(filters: QueueFilters): { sql: string; params: (string | number)[] } {
  const clauses = ["f.status = 'open'", 'f.message_id IS NOT NULL'];
  const params: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (filters.sourceId) add('m.source_id = ?', filters.sourceId);
  if (filters.channel) add('c.external_id = ?', filters.channel);
  if (filters.severity) add('f.severity = ?', filters.severity);
  if (filters.origin) add('f.origin = ?', filters.origin);
  if (filters.ruleId !== undefined) add('f.rule_id = ?', filters.ruleId);
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
  return { sql: clauses.join(' AND '), params };
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const FROM = `FROM flags f JOIN messages m ON m.id = f.message_id
  JOIN channels c ON c.id = m.channel_id LEFT JOIN senders s ON s.id = m.sender_id`;

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

type Grouped = { message_id: number; rank: number; waiting_since: number };

/**
 * One page of the review queue: messages with open flags matching the filters, the most severe
 * first, then the longest waiting; with each item's open flags (spans for highlighting) and the
 * open-item counts. Read-only. One grouped pass over the open flags (joined to messages only
 * when a filter needs them) gives both the order and the counts; only the page's rows are read.
 */
export function listReviewQueue(db: Db, filters: QueueFilters, page = 1, pageSize = 50): QueuePage {
  const prepare = statements(db);
  const where = whereOf(filters);
  const needsJoin =
    where.sql.includes('m.') || where.sql.includes('c.') || where.sql.includes('s.');
  const grouped = prepare(
    `SELECT f.message_id, max(${SEVERITY_RANK}) AS rank, min(f.created_at) AS waiting_since
     ${needsJoin ? FROM : 'FROM flags f'} WHERE ${where.sql} GROUP BY f.message_id`,
  ).all(...where.params) as Grouped[];
  const bySeverity = { high: 0, medium: 0, low: 0 };
  for (const g of grouped) bySeverity[SEVERITY_OF[g.rank] ?? 'low']++;
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
           m.sent_at, m.decision_id, m.moderation_state
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
          severity: SEVERITY_OF[g.rank] ?? 'low',
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
