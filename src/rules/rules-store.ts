import type Database from 'better-sqlite3';
import { perConnection } from '../db/per-connection.ts';
import type { OriginalSpan } from './normalize.ts';
import type { Severity } from './rule-kinds.ts';

// Data access of rule evaluation, which runs inside every ingest transaction: prepared
// statements only (a drizzle query built per message costs ~40% of ingest throughput).

export type StoredRuleRow = {
  id: number;
  version: number;
  kind: string;
  name: string;
  severity: string;
  action: string;
  settings_json: string;
  scope_json: string;
};

export type NewFlag = {
  messageId: number | null;
  senderId: number | null;
  reactionId: number | null;
  origin: 'rule' | 'report' | 'reaction' | 'moderator' | 'sender';
  ruleId: number | null;
  ruleVersion: number | null;
  severity: Severity;
  status: 'open' | 'logged';
  reason: string;
  span: OriginalSpan | null;
  actor: string;
  createdAt: number;
};

/** Repetition compares texts longer than this many code points on their first and last half
 * of it: a bound on the cost of one comparison (and of reading it), whatever the length. */
export const REPETITION_COMPARED_LENGTH = 1000;
const HALF = REPETITION_COMPARED_LENGTH / 2;

export type RepetitionScope =
  | { across: 'sender'; senderId: number }
  | { across: 'channel'; channelId: number }
  | { across: 'source'; sourceId: string };

function prepareAll(sqlite: Database.Database) {
  // The newest `limit` messages of the window are read, then filtered by length: reading only
  // those bounds the cost in a busy chat (measured: 1,200 rows in the window cost 220 µs).
  // Only the compared part of a long text is read: 200 texts of 60,000 characters made into
  // JavaScript strings took ~80 ms.
  const recent = (column: string) =>
    sqlite.prepare<
      [number | string, number, number, number, number, number, number],
      { normalized_text: string }
    >(
      `SELECT CASE WHEN length(normalized_text) <= ${REPETITION_COMPARED_LENGTH}
           THEN normalized_text
           ELSE substr(normalized_text, 1, ${HALF}) || substr(normalized_text, -${HALF}) END
         AS normalized_text
       FROM (
         SELECT normalized_text FROM messages
         WHERE ${column} = ? AND sent_at > ? AND sent_at <= ? AND id <> ?
         ORDER BY sent_at DESC LIMIT ?)
       WHERE length(normalized_text) BETWEEN ? AND ?`,
    );
  return {
    revision: sqlite.prepare<[], { revision: number | null }>(
      'SELECT max(id) AS revision FROM rule_versions',
    ),
    enabledRules: sqlite.prepare<[], StoredRuleRow>(
      `SELECT id, version, kind, name, severity, action, settings_json, scope_json
       FROM rules WHERE enabled = 1 ORDER BY id`,
    ),
    senderMessagesBetween: sqlite.prepare<[number, number, number], { n: number }>(
      'SELECT count(*) AS n FROM messages WHERE sender_id = ? AND sent_at > ? AND sent_at <= ?',
    ),
    recentBySender: recent('sender_id'),
    recentByChannel: recent('channel_id'),
    recentBySource: recent('source_id'),
    reactorReactionsBetween: sqlite.prepare<[number, number, number], { n: number }>(
      `SELECT count(*) AS n FROM reactions
       WHERE reactor_sender_id = ? AND action = 'add' AND received_at > ? AND received_at <= ?`,
    ),
    ruleFlagOnMessage: sqlite.prepare<[number, number], { id: number }>(
      'SELECT id FROM flags WHERE message_id = ? AND rule_id = ? LIMIT 1',
    ),
    openRuleFlagOnMessage: sqlite.prepare<[number, number], { id: number }>(
      "SELECT id FROM flags WHERE message_id = ? AND rule_id = ? AND status = 'open' LIMIT 1",
    ),
    reopenDecided: sqlite.prepare<[number], { decision_id: number | null }>(
      `UPDATE messages SET moderation_state = 'unreviewed', decision_id = NULL
       WHERE id = ? AND moderation_state IN ('approved', 'highlighted')
       RETURNING id`,
    ),
    ruleFlagOnSenderSince: sqlite.prepare<[number, number, number], { id: number }>(
      `SELECT id FROM flags WHERE sender_id = ? AND message_id IS NULL AND rule_id = ?
       AND created_at > ? LIMIT 1`,
    ),
    insertFlag: sqlite.prepare(
      `INSERT INTO flags (message_id, sender_id, reaction_id, origin, rule_id, rule_version,
         severity, status, reason, span_start, span_end, matched_text, normalized_text,
         transformations_json, actor, created_at)
       VALUES (@messageId, @senderId, @reactionId, @origin, @ruleId, @ruleVersion, @severity,
         @status, @reason, @spanStart, @spanEnd, @matchedText, @normalizedText,
         @transformationsJson, @actor, @createdAt)`,
    ),
    insertDecision: sqlite.prepare<[number, string, string, number]>(
      `INSERT INTO decisions (message_id, verdict, actor, automatic, note, created_at)
       VALUES (?, ?, 'system', 1, ?, ?)`,
    ),
    setMessageState: sqlite.prepare<[string, number, number]>(
      'UPDATE messages SET moderation_state = ?, decision_id = ? WHERE id = ?',
    ),
    closeOpenFlags: sqlite.prepare<[number, number]>(
      "UPDATE flags SET status = 'closed', closed_at = ? WHERE message_id = ? AND status = 'open'",
    ),
    insertAudit: sqlite.prepare<[number, string, string, string, string]>(
      `INSERT INTO audit_log (at, actor, action, target_type, target_id, details_json)
       VALUES (?, 'system', ?, ?, ?, ?)`,
    ),
  };
}

export type RulesStore = ReturnType<typeof prepareAll>;

/** The prepared statements of rule evaluation for a connection, prepared once. */
export const rulesStore = perConnection(prepareAll);

export function insertFlag(store: RulesStore, flag: NewFlag): number {
  const { span, ...rest } = flag;
  return Number(
    store.insertFlag.run({
      ...rest,
      spanStart: span?.start ?? null,
      spanEnd: span?.end ?? null,
      matchedText: span?.matched ?? null,
      normalizedText: span?.normalized ?? null,
      transformationsJson: JSON.stringify(span?.transformations ?? []),
    }).lastInsertRowid,
  );
}

/** The stored history the stateful rules look at, as of one message or reaction. */
export type History = {
  senderMessagesBetween(senderId: number, after: number, upTo: number): number;
  /** Of the newest `limit` messages in the window, the normalized texts whose length (in code
   * points) is within [min, max]; one longer than REPETITION_COMPARED_LENGTH code points comes
   * as its compared part (comparedPart). */
  recentNormalizedTexts(
    scope: RepetitionScope,
    window: { after: number; upTo: number; excludeMessageId: number },
    lengths: { min: number; max: number },
    limit: number,
  ): string[];
  reactorReactionsBetween(senderId: number, after: number, upTo: number): number;
};

/** History lookups for one evaluation; identical lookups (several rules alike) are made once. */
export function historyOf(store: RulesStore): History {
  const recentCache = new Map<string, string[]>();
  const countCache = new Map<string, number>();
  return {
    senderMessagesBetween: (senderId, after, upTo) => {
      const key = `${senderId}:${after}:${upTo}`;
      let n = countCache.get(key);
      if (n === undefined) {
        n = store.senderMessagesBetween.get(senderId, after, upTo)!.n;
        countCache.set(key, n);
      }
      return n;
    },
    recentNormalizedTexts: (scope, window, lengths, limit) => {
      const [statement, key] =
        scope.across === 'sender'
          ? [store.recentBySender, scope.senderId]
          : scope.across === 'channel'
            ? [store.recentByChannel, scope.channelId]
            : [store.recentBySource, scope.sourceId];
      const args = [
        key,
        window.after,
        window.upTo,
        window.excludeMessageId,
        limit,
        lengths.min,
        lengths.max,
      ] as const;
      const cacheKey = `${scope.across}\u0000${args.join('\u0000')}`;
      let texts = recentCache.get(cacheKey);
      if (texts === undefined) {
        texts = statement.all(...args).map((r) => r.normalized_text);
        recentCache.set(cacheKey, texts);
      }
      return texts;
    },
    reactorReactionsBetween: (senderId, after, upTo) =>
      store.reactorReactionsBetween.get(senderId, after, upTo)!.n,
  };
}

/** The part of a text repetition compares: all of it, or its first and last HALF code points
 * when it is longer than REPETITION_COMPARED_LENGTH (as recentNormalizedTexts reads them). */
export function comparedPart(text: string, codePoints: number): string {
  if (codePoints <= REPETITION_COMPARED_LENGTH) return text;
  let head = 0;
  for (let n = 0; n < HALF; n++) head += text.codePointAt(head)! > 0xffff ? 2 : 1;
  let tail = text.length;
  for (let n = 0; n < HALF; n++) {
    const unit = text.charCodeAt(tail - 1);
    tail -= unit >= 0xdc00 && unit <= 0xdfff && tail > 1 ? 2 : 1;
  }
  return text.slice(0, head) + text.slice(tail);
}
