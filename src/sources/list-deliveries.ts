import type { Db } from '../db/client.ts';
import { DUPLICATE_COUNTER_REASON, SCHEMA_WARNING_REASON } from '../ingest/ingest-store.ts';

export const DELIVERY_OUTCOMES = ['accepted', 'duplicate', 'rejected', 'ignored'] as const;
export type DeliveryOutcomeName = (typeof DELIVERY_OUTCOMES)[number];

export type DeliveryRowView = {
  id: number;
  kind: string;
  receivedAt: number;
  outcome: string;
  reason: string | null;
  detail: string | null;
  status: number;
  size: number | null;
  latencyMs: number;
  secretId: number | null;
  hasBody: boolean;
};

/**
 * A source's recent requests, newest first ("why is my webhook failing?"): outcome, reason,
 * status, size, latency and which secret matched. Read-only; bodies are not read here.
 */
export function listDeliveries(
  db: Db,
  sourceId: string,
  filter: { outcome?: DeliveryOutcomeName },
  page = 1,
  pageSize = 100,
): { rows: DeliveryRowView[]; page: number; hasMore: boolean } {
  const current = Math.max(1, page);
  const offset = (current - 1) * pageSize;
  const columns = `id, kind, received_at, outcome, reason, detail, status, size, latency_ms,
    secret_id, body IS NOT NULL AS has_body`;
  // Newest first through deliveries_source_outcome_idx (source_id, outcome, id): one ordered
  // index range per outcome, merged. A plain ORDER BY id over all of a source's rows would sort
  // every one of them (hundreds of ms at 500k deliveries).
  const outcomes = filter.outcome ? [filter.outcome] : DELIVERY_OUTCOMES;
  const perOutcome = outcomes
    .map(
      () => `SELECT * FROM (SELECT ${columns} FROM deliveries
        WHERE source_id = ? AND outcome = ? ORDER BY id DESC LIMIT ?)`,
    )
    .join(' UNION ALL ');
  const rows = db.$client
    .prepare(`SELECT * FROM (${perOutcome}) ORDER BY id DESC LIMIT ? OFFSET ?`)
    .all(
      ...outcomes.flatMap((o) => [sourceId, o, offset + pageSize + 1]),
      pageSize + 1,
      offset,
    ) as {
    id: number;
    kind: string;
    received_at: number;
    outcome: string;
    reason: string | null;
    detail: string | null;
    status: number;
    size: number | null;
    latency_ms: number;
    secret_id: number | null;
    has_body: number;
  }[];
  return {
    page: current,
    hasMore: rows.length > pageSize,
    rows: rows.slice(0, pageSize).map((r) => ({
      id: r.id,
      kind: r.kind,
      receivedAt: r.received_at,
      outcome: r.outcome,
      reason: r.reason,
      detail: r.detail,
      status: r.status,
      size: r.size,
      latencyMs: r.latency_ms,
      secretId: r.secret_id,
      hasBody: r.has_body === 1,
    })),
  };
}

/** An accepted delivery's stored body, pretty-printed when it is JSON; null when none is kept. */
export function deliveryBody(db: Db, sourceId: string, deliveryId: number): string | null {
  const row = db.$client
    .prepare('SELECT body FROM deliveries WHERE id = ? AND source_id = ?')
    .get(deliveryId, sourceId) as { body: Buffer | null } | undefined;
  if (row?.body === undefined || row.body === null) return null;
  const text = row.body.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export type RejectionCount = { reason: string; count: number; lastAt: number };

/**
 * Every rejection ever counted for a source (or for UNKNOWN_SOURCE_KEY: requests to URLs with no
 * source), by reason, most frequent first. Unlike the delivery rows, these counters are never
 * trimmed. Duplicates and schema warnings, counted in the same table, are not rejections and are
 * left out.
 */
export function rejectionCounts(db: Db, sourceKey: string): RejectionCount[] {
  return db.$client
    .prepare(
      `SELECT reason, count, last_at AS lastAt FROM rejection_counters
       WHERE source_key = ? AND reason NOT IN (?, ?) ORDER BY count DESC, reason`,
    )
    .all(sourceKey, DUPLICATE_COUNTER_REASON, SCHEMA_WARNING_REASON) as RejectionCount[];
}
