import type { Db } from '../db/client.ts';
import { perConnection } from '../db/per-connection.ts';
import { DUPLICATE_COUNTER_REASON, ingestStore } from './ingest-store.ts';
import { keepNewestDeliveries } from './keep-newest-deliveries.ts';
import { insertDelivery } from './store-event.ts';

// Sources whose duplicate counter this process has made sure of (see seedDuplicateCounter).
const seeded = perConnection(() => new Set<string>());

/**
 * Records a duplicate delivery (a repeat of something stored), for the caller's transaction: its
 * row, without the body, and a bump of the source's duplicate counter. Every one is counted, but
 * only the newest rows are kept, so replaying one signed body cannot grow the database.
 */
export function recordDuplicate(db: Db, delivery: Parameters<typeof insertDelivery>[1]): void {
  const { sourceId, receivedAt } = delivery;
  const store = ingestStore(db);
  insertDelivery(store, { ...delivery, body: null }, 'duplicate');
  const known = seeded(db);
  if (!known.has(sourceId)) {
    store.seedDuplicateCounter.run(sourceId, receivedAt, sourceId);
    if (known.size >= 10_000) known.clear();
    known.add(sourceId);
  }
  store.bumpRejection.run(sourceId, DUPLICATE_COUNTER_REASON, receivedAt);
  keepNewestDeliveries(db, sourceId, 'duplicate');
}
