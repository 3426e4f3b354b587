import type { Db } from '../db/client.ts';
import { DomainError } from '../errors.ts';
import { compileRule } from './compile-rule.ts';
import type { OriginalSpan } from './normalize.ts';
import { factsOfStoredMessage, type StoredMessage } from './stored-message.ts';
import { parseRuleDraft } from './rule-kinds.ts';
import { historyOf, rulesStore } from './rules-store.ts';

export const DRY_RUN_DEFAULT_DAYS = 7;
export const DRY_RUN_MAX_DAYS = 30;
/** At most this many of the newest messages in the window are replayed (about a second's work). */
export const DRY_RUN_MAX_MESSAGES = 50_000;
export const DRY_RUN_SAMPLES = 10;
/** A dry run stops after this much time (ms) and says how far it got: a slow rule (up to
 * ~0.1 s a message, see MAX_REPETITION_COST) would otherwise replay for an hour. */
export const DRY_RUN_TIME_LIMIT_MS = 5_000;
/** It yields to the event loop at least this often (ms), and after every batch. */
const SLICE_MS = 20;
const BATCH = 500;

export type DryRunSample = {
  messageId: number;
  receivedAt: number;
  screenName: string;
  text: string;
  reason: string;
  span: OriginalSpan | null;
};

export type DryRunResult = {
  days: number;
  since: number;
  until: number;
  /** Messages read from the window (newest first), at most `limit`. */
  scanned: number;
  /** Of those, the ones inside the rule's scope. */
  examined: number;
  wouldFlag: number;
  /** True when the window held more than `limit` messages: older ones were not replayed. */
  capped: boolean;
  /** True when the time limit ended the replay before the window or `limit` did. */
  timedOut: boolean;
  timeLimitMs: number;
  limit: number;
  /** When the oldest message read was received; null when none was. */
  oldestScanned: number | null;
  /** The newest matches first. */
  samples: DryRunSample[];
};

/**
 * How many of the messages received in the last `days` days a draft rule (new, or an edit of
 * a stored one) would flag, with the newest samples. Reads the newest `limit` messages of the
 * window only, through messages_received_idx, and says when it stopped there, or when it ran
 * out of time (`timeLimitMs`, DRY_RUN_TIME_LIMIT_MS by default). Writes nothing; yields to the
 * event loop between batches and whenever a slice of work took SLICE_MS.
 * Throws `invalid_input` naming the field for a bad draft or a kind that flags senders (reaction
 * floods), or for days outside 1..30.
 */
export async function dryRunRule(
  db: Db,
  draft: unknown,
  input: {
    days: number;
    now: number;
    limit?: number;
    samples?: number;
    batch?: number;
    timeLimitMs?: number;
    /** Measures the time limit (ms); performance.now by default. */
    clock?: () => number;
  },
): Promise<DryRunResult> {
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > DRY_RUN_MAX_DAYS) {
    throw new DomainError(
      'invalid_input',
      `days: must be a whole number from 1 to ${DRY_RUN_MAX_DAYS}`,
      'days',
    );
  }
  const parsed = parseRuleDraft(draft);
  if (!parsed.ok) throw new DomainError('invalid_input', parsed.message, parsed.field);
  const rule = compileRule(0, 0, parsed.rule);
  if (rule.onMessage === undefined) {
    throw new DomainError(
      'invalid_input',
      `kind: ${rule.kind} rules flag senders, not messages; there is nothing to dry-run`,
      'kind',
    );
  }
  const limit = input.limit ?? DRY_RUN_MAX_MESSAGES;
  const until = input.now;
  const since = until - input.days * 86_400_000;
  const result: DryRunResult = {
    days: input.days,
    since,
    until,
    scanned: 0,
    examined: 0,
    wouldFlag: 0,
    capped: false,
    timedOut: false,
    timeLimitMs: input.timeLimitMs ?? DRY_RUN_TIME_LIMIT_MS,
    limit,
    oldestScanned: null,
    samples: [],
  };
  const history = historyOf(rulesStore(db));
  const batch = db.$client.prepare<[number, number, number, number, number], StoredMessage>(
    `SELECT m.id, m.source_id, m.channel_id, c.external_id AS channel_external_id, m.sender_id,
       s.first_seen_at AS sender_first_seen_at, m.sent_at, m.received_at, m.screen_name, m.text,
       m.reactions_json
     FROM messages m INDEXED BY messages_received_idx
     JOIN channels c ON c.id = m.channel_id
     LEFT JOIN senders s ON s.id = m.sender_id
     WHERE m.received_at >= ? AND m.received_at <= ?
       AND (m.received_at < ? OR m.id < ?)
     ORDER BY m.received_at DESC, m.id DESC LIMIT ?`,
  );
  // Newest first, in batches, yielding between them: replaying 50,000 messages takes 1-2 s, and
  // webhooks sharing this process must not wait for all of it (measured: stalls of ~40 ms with
  // batches of 500, ~100 ms with 2,000, at the same total).
  let cursor = { receivedAt: until, id: Number.MAX_SAFE_INTEGER };
  const clock = input.clock ?? (() => performance.now());
  const started = clock();
  let slice = started;
  const pause = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    slice = clock();
  };
  for (;;) {
    // One row past the limit tells whether the window held more.
    const want = Math.min(input.batch ?? BATCH, limit + 1 - result.scanned);
    const rows = batch.all(since, cursor.receivedAt, cursor.receivedAt, cursor.id, want);
    for (const row of rows) {
      if (result.scanned === limit) {
        result.capped = true;
        break;
      }
      const at = clock();
      if (at - started >= result.timeLimitMs) {
        result.timedOut = true;
        break;
      }
      if (at - slice >= SLICE_MS) await pause();
      result.scanned++;
      result.oldestScanned = row.received_at;
      cursor = { receivedAt: row.received_at, id: row.id };
      if (!rule.appliesTo(row.source_id, row.channel_external_id)) continue;
      result.examined++;
      const hit = rule.onMessage(factsOfStoredMessage(row), history);
      if (hit === null) continue;
      result.wouldFlag++;
      if (result.samples.length < (input.samples ?? DRY_RUN_SAMPLES)) {
        result.samples.push({
          messageId: row.id,
          receivedAt: row.received_at,
          screenName: row.screen_name,
          text: row.text,
          reason: hit.reason,
          span: hit.span,
        });
      }
    }
    if (result.capped || result.timedOut || rows.length < want) return result;
    await pause();
  }
}
