import type { Db } from '../db/client.ts';
import type { RejectionReason } from './delivery-outcome.ts';
import { KEPT_REJECTED_DELIVERIES, REJECTION_STATUS } from './delivery-outcome.ts';
import { ingestStore, UNKNOWN_SOURCE_KEY, type DeliveryRow } from './ingest-store.ts';

const TRIM_EVERY = 50;

/**
 * Records a rejected request: a delivery row without its body, a bump of the per-reason
 * counter, and now and then a trim of the source's oldest rejected rows, so unauthenticated
 * traffic stays bounded (to KEPT_REJECTED_DELIVERIES and a few more). A request for an unknown source only bumps the shared counter.
 */
export function recordRejection(
  db: Db,
  row: Omit<DeliveryRow, 'outcome' | 'status' | 'body' | 'secretId' | 'reason' | 'webhookId'> & {
    reason: RejectionReason;
    sourceKnown: boolean;
  },
): void {
  const store = ingestStore(db);
  if (!row.sourceKnown) {
    store.bumpRejection.run(UNKNOWN_SOURCE_KEY, row.reason, row.receivedAt);
    return;
  }
  db.$client.transaction(() => {
    const { lastInsertRowid } = store.insertDelivery.run({
      sourceId: row.sourceId,
      kind: row.kind,
      receivedAt: row.receivedAt,
      outcome: 'rejected',
      reason: row.reason,
      detail: row.detail,
      status: REJECTION_STATUS[row.reason],
      bodySha256: row.bodySha256,
      size: row.size,
      secretId: null,
      latencyMs: row.latencyMs,
      body: null,
      webhookId: null,
    });
    store.bumpRejection.run(row.sourceId, row.reason, row.receivedAt);
    // Trimming walks the kept rows, so it runs once every TRIM_EVERY rejections, not each time.
    if (Number(lastInsertRowid) % TRIM_EVERY === 0) {
      store.trimRejected.run(row.sourceId, row.sourceId, KEPT_REJECTED_DELIVERIES);
    }
  })();
}
