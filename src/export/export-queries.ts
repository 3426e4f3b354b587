import { channelDisplayName } from '../channels/channel-name.ts';
import type Database from 'better-sqlite3';
import { csvCell, isoTime } from './csv-cell.ts';

export const EXPORT_KINDS = ['messages', 'flags', 'decisions', 'audit'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export type ExportFilters = {
  since?: number;
  until?: number;
  sourceId?: string;
  /** A channel's external id. */
  channel?: string;
  /** Messages: only those with open flags (what the review queue shows), of this kind. */
  openOnly?: boolean;
  severity?: string;
  origin?: string;
  ruleId?: number;
  /** Messages: part of the text; sender id or part of the screen name; moderation state. */
  q?: string;
  sender?: string;
  state?: string;
  /** Messages: a language code, or `und` for none detected. */
  language?: string;
  /** Audit: who, what, and to what. */
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
};

type Value = string | number | null;
/** A row as an object, or as an array in raw mode (read it with `asArray(row)`). */
type Row = Record<string, Value>;
const asArray = (row: Row) => row as unknown as Value[];

/** One export: its documented columns (README), its query, and how a row becomes cells. */
export type ExportDefinition = {
  columns: string[];
  /** SQL and parameters for the filters; rows come in a stable order. */
  query: (filters: ExportFilters) => { sql: string; params: (string | number)[] };
  /** Rows as arrays in column order (better-sqlite3 raw mode: half the cost of objects). */
  raw?: boolean;
  /**
   * The query as pages of at most `page` rows ordered by the first column (a unique integer),
   * after the one bound as the last parameter: reading pages costs less per row than an iterator.
   */
  pagedQuery?: (
    filters: ExportFilters,
    page: number,
  ) => { sql: string; params: (string | number)[] };
  /** Small tables read once before the rows (cheaper than a join per row). */
  lookups?: (db: Database.Database) => Lookups;
  cells: (row: Row, lookups: Lookups) => (string | number)[];
};

/** Ids to external ids (and channels' names), and flag counts per message, read once per
 * export. */
export type Lookups = {
  channels: Map<number, string>;
  channelNames: Map<number, string>;
  senders: Map<number, string>;
  flags: Map<number, { open: number; all: number }>;
};

const EMPTY_LOOKUPS: Lookups = {
  channels: new Map(),
  channelNames: new Map(),
  senders: new Map(),
  flags: new Map(),
};
export const noLookups = () => EMPTY_LOOKUPS;

function messageLookups(db: Database.Database): Lookups {
  const pairs = (sql: string) => new Map(db.prepare(sql).raw().all() as [number, string][]);
  const flags = new Map<number, { open: number; all: number }>();
  for (const [messageId, open, all] of db
    .prepare(
      "SELECT message_id, sum(status = 'open'), count(*) FROM flags WHERE message_id IS NOT NULL GROUP BY message_id",
    )
    .raw()
    .iterate() as IterableIterator<[number, number, number]>) {
    flags.set(messageId, { open, all });
  }
  const channels = new Map<number, string>();
  const channelNames = new Map<number, string>();
  for (const [id, externalId, label] of db
    .prepare('SELECT id, external_id, label FROM channels')
    .raw()
    .iterate() as IterableIterator<[number, string, string | null]>) {
    channels.set(id, externalId);
    channelNames.set(id, channelDisplayName({ label, externalId }));
  }
  return {
    channels,
    channelNames,
    senders: pairs('SELECT id, external_id FROM senders'),
    flags,
  };
}

/** A row's channel_name from its `channel` (external id) and `channel_label`. */
const channelNameOf = (r: Row): string | null =>
  typeof r.channel === 'string'
    ? channelDisplayName({
        label: typeof r.channel_label === 'string' ? r.channel_label : null,
        externalId: r.channel,
      })
    : null;

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function conditions(
  filters: ExportFilters,
  columns: { time: string; source?: string; channel?: string },
): { where: string; params: (string | number)[] } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (filters.since !== undefined) add(`${columns.time} >= ?`, filters.since);
  if (filters.until !== undefined) add(`${columns.time} < ?`, filters.until);
  if (filters.sourceId && columns.source) add(`${columns.source} = ?`, filters.sourceId);
  if (filters.channel && columns.channel) add(`${columns.channel} = ?`, filters.channel);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : 'WHERE 1', params };
}

/** What a JSON cell that does not hold what it should is written as: the row is kept. */
const invalidJson = (what: string, json: unknown) => csvCell(`invalid ${what}: ${String(json)}`);

function parseJson(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** "👍 3; 🚩 1" from a reaction snapshot. */
function reactionSummary(json: Value | undefined): string | number {
  if (json === null || json === undefined || json === '{}') return '';
  const snapshot = typeof json === 'string' ? parseJson(json) : undefined;
  if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot)) {
    return invalidJson('reactions', json);
  }
  // One loop rather than filter/map/join: one export may summarise a million snapshots.
  let summary = '';
  for (const [emoji, users] of Object.entries(snapshot)) {
    if (Array.isArray(users) && users.length > 0) {
      summary += `${summary ? '; ' : ''}${emoji} ${users.length}`;
    }
  }
  return csvCell(summary);
}

/** "lowercase nfkc" from a flag's list of transformations. */
function transformations(json: Value | undefined): string | number {
  if (json === null || json === undefined) return '';
  const list = typeof json === 'string' ? parseJson(json) : undefined;
  if (!Array.isArray(list)) return invalidJson('transformations', json);
  return csvCell(list.join(' '));
}

const text = (v: Value | undefined) => csvCell(v === null || v === undefined ? null : String(v));
/** A number column as it is; anything else stored there as guarded text. */
const num = (v: Value | undefined) => (typeof v === 'number' ? v : text(v));

/** The messages export's query; with `page`, one page of it after an id (keyset paging). */
function messagesQuery(f: ExportFilters, page?: number) {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (f.since !== undefined) add('m.sent_at >= ?', f.since);
  if (f.until !== undefined) add('m.sent_at < ?', f.until);
  if (f.sourceId) add('m.source_id = ?', f.sourceId);
  if (f.channel) add('m.channel_id IN (SELECT id FROM channels WHERE external_id = ?)', f.channel);
  if (f.openOnly) {
    // The queue's flag filters narrow which open flags count.
    const kinds = [
      ['severity', f.severity],
      ['origin', f.origin],
      ['rule_id', f.ruleId],
    ].filter(([, value]) => value !== undefined) as [string, string | number][];
    add(
      `EXISTS (SELECT 1 FROM flags x WHERE x.message_id = m.id AND x.status = 'open'${kinds
        .map(([column]) => ` AND x.${column} = ?`)
        .join('')})`,
      ...kinds.map(([, value]) => value),
    );
  }
  if (f.q) add("m.text LIKE ? ESCAPE '\\'", `%${likeEscape(f.q)}%`);
  if (f.sender) {
    add(
      "(m.sender_id IN (SELECT id FROM senders WHERE external_id = ?) OR m.screen_name LIKE ? ESCAPE '\\')",
      f.sender,
      `%${likeEscape(f.sender)}%`,
    );
  }
  if (f.state) add('m.moderation_state = ?', f.state);
  if (f.language === 'und') add('m.language IS NULL');
  else if (f.language) add('m.language = ?', f.language);
  // The id to read after is bound last, when the page is read.
  if (page !== undefined) add('m.id > ?');
  return {
    sql: `SELECT m.id, m.source_id, m.external_id, m.channel_id, m.sender_id, m.screen_name,
            m.text, m.language, m.sent_at, m.received_at, m.moderation_state, m.reactions_json
          FROM messages m ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}
          ORDER BY m.id${page === undefined ? '' : ` LIMIT ${page}`}`,
    params,
  };
}

export const EXPORTS: Record<ExportKind, ExportDefinition> = {
  messages: {
    columns: [
      'message_id',
      'source_id',
      'external_id',
      'channel',
      'channel_name',
      'sender_id',
      'screen_name',
      'text',
      'language',
      'sent_at',
      'received_at',
      'moderation_state',
      'reactions',
      'open_flags',
      'flags',
    ],
    query: (f) => messagesQuery(f),
    pagedQuery: (f, page) => messagesQuery(f, page),
    raw: true,
    lookups: messageLookups,
    cells: (row, l) => {
      const [
        id,
        sourceId,
        externalId,
        channelId,
        senderId,
        screenName,
        body,
        language,
        sentAt,
        receivedAt,
        state,
        reactions,
      ] = asArray(row);
      const counts = l.flags.get(id as number);
      // Numbers as text: csv-stringify writes them the same, and faster.
      return [
        String(id),
        text(sourceId),
        text(externalId),
        text(l.channels.get(channelId as number)),
        text(l.channelNames.get(channelId as number)),
        text(senderId === null ? null : l.senders.get(senderId as number)),
        text(screenName),
        text(body),
        text(language),
        isoTime(sentAt),
        isoTime(receivedAt),
        text(state),
        reactionSummary(reactions),
        String(counts?.open ?? 0),
        String(counts?.all ?? 0),
      ];
    },
  },
  flags: {
    columns: [
      'flag_id',
      'message_id',
      'external_id',
      'channel',
      'channel_name',
      'sender_id',
      'origin',
      'rule_id',
      'rule_name',
      'rule_version',
      'severity',
      'status',
      'reason',
      'span_start',
      'span_end',
      'matched_text',
      'normalized_text',
      'transformations',
      'decision',
      'raised_by',
      'created_at',
    ],
    query: (f) => {
      const { where, params } = conditions(f, {
        time: 'f.created_at',
        source: 'm.source_id',
        channel: 'c.external_id',
      });
      return {
        sql: `SELECT f.id, f.message_id, m.external_id, c.external_id AS channel,
                c.label AS channel_label, s.external_id AS sender,
                f.origin, f.rule_id, r.name AS rule_name, f.rule_version, f.severity, f.status, f.reason,
                f.span_start, f.span_end,
                -- What a pre-delivery check removed or blocked never leaves the item view.
                CASE WHEN f.actor = 'before-send' THEN NULL ELSE f.matched_text END AS matched_text,
                CASE WHEN f.actor = 'before-send' THEN NULL ELSE f.normalized_text END
                  AS normalized_text,
                f.transformations_json,
                d.verdict AS decision, f.actor, f.created_at
              FROM flags f LEFT JOIN messages m ON m.id = f.message_id
              LEFT JOIN channels c ON c.id = m.channel_id LEFT JOIN senders s ON s.id = f.sender_id
              LEFT JOIN rules r ON r.id = f.rule_id LEFT JOIN decisions d ON d.id = m.decision_id
              ${where} ORDER BY f.created_at, f.id`,
        params,
      };
    },
    cells: (r) => [
      r.id!,
      num(r.message_id),
      text(r.external_id),
      text(r.channel),
      text(channelNameOf(r)),
      text(r.sender),
      text(r.origin),
      num(r.rule_id),
      text(r.rule_name),
      num(r.rule_version),
      text(r.severity),
      text(r.status),
      text(r.reason),
      num(r.span_start),
      num(r.span_end),
      text(r.matched_text),
      text(r.normalized_text),
      transformations(r.transformations_json),
      text(r.decision),
      text(r.actor),
      isoTime(r.created_at),
    ],
  },
  decisions: {
    columns: [
      'decision_id',
      'message_id',
      'external_id',
      'channel',
      'channel_name',
      'verdict',
      'outcome',
      'actor',
      'automatic',
      'note',
      'created_at',
    ],
    query: (f) => {
      const { where, params } = conditions(f, {
        time: 'd.created_at',
        source: 'm.source_id',
        channel: 'c.external_id',
      });
      return {
        sql: `SELECT d.id, d.message_id, m.external_id, c.external_id AS channel,
                c.label AS channel_label, d.verdict, d.outcome,
                d.actor, d.automatic, d.note, d.created_at
              FROM decisions d JOIN messages m ON m.id = d.message_id JOIN channels c ON c.id = m.channel_id
              ${where} ORDER BY d.created_at, d.id`,
        params,
      };
    },
    cells: (r) => [
      r.id!,
      num(r.message_id),
      text(r.external_id),
      text(r.channel),
      text(channelNameOf(r)),
      text(r.verdict),
      text(r.outcome),
      text(r.actor),
      csvCell(r.automatic === 1),
      text(r.note),
      isoTime(r.created_at),
    ],
  },
  audit: {
    columns: ['audit_id', 'at', 'actor', 'action', 'target_type', 'target_id', 'details'],
    query: (f) => {
      const { where, params } = conditions(f, { time: 'a.at' });
      const extra: string[] = [];
      if (f.actor) {
        extra.push('a.actor = ?');
        params.push(f.actor);
      }
      if (f.action) {
        extra.push('a.action = ?');
        params.push(f.action);
      }
      if (f.targetType) {
        extra.push('a.target_type = ?');
        params.push(f.targetType);
      }
      if (f.targetId) {
        extra.push('a.target_id = ?');
        params.push(f.targetId);
      }
      return {
        sql: `SELECT a.id, a.at, a.actor, a.action, a.target_type, a.target_id, a.details_json
              FROM audit_log a ${where}${extra.map((e) => ` AND ${e}`).join('')} ORDER BY a.id`,
        params,
      };
    },
    cells: (r) => [
      r.id!,
      isoTime(r.at),
      text(r.actor),
      text(r.action),
      text(r.target_type),
      text(r.target_id),
      text(r.details_json),
    ],
  },
};
