import type { Db } from '../db/client.ts';
import { perConnection } from '../db/per-connection.ts';
import { DUPLICATE_COUNTER_REASON, ingestStore } from './ingest-store.ts';
import { keepNewestDeliveries } from './keep-newest-deliveries.ts';

// Sources whose duplicate counter this process has made sure of (see seedDuplicateCounter).
const seeded = perConnection(() => new Set<string>());

/**
 * Counts a duplicate delivery whose row was just inserted, in the same transaction: every one
 * is counted, but only the newest rows are kept, so replaying one signed body cannot grow the
 * database.
 */
export function recordDuplicate(db: Db, sourceId: string, receivedAt: number): void {
  const store = ingestStore(db);
  const known = seeded(db);
  if (!known.has(sourceId)) {
    store.seedDuplicateCounter.run(sourceId, receivedAt, sourceId);
    if (known.size >= 10_000) known.clear();
    known.add(sourceId);
  }
  store.bumpRejection.run(sourceId, DUPLICATE_COUNTER_REASON, receivedAt);
  keepNewestDeliveries(db, sourceId, 'duplicate');
}
