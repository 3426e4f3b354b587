import type { Db } from '../db/client.ts';
import { perConnection } from '../db/per-connection.ts';
import { KEPT_REJECTED_DELIVERIES } from './delivery-outcome.ts';
import { ingestStore } from './ingest-store.ts';

/**
 * Delivery rows kept per source of each class that anyone can produce at will: rejected
 * requests (unauthenticated), URL checks (unauthenticated) and duplicates (a replayed signed
 * body). Older rows of a class are deleted; their totals live on in rejection_counters.
 */
export const KEPT_DELIVERY_ROWS = {
  rejected: KEPT_REJECTED_DELIVERIES,
  challenge: 100,
  duplicate: 100,
} as const;

export type KeptClass = keyof typeof KEPT_DELIVERY_ROWS;

/** A trim walks the kept rows, so it runs once per this many new rows of a class, not each time. */
export const TRIM_EVERY = 50;

/** Past this many (source, class) entries the tally starts afresh: that only trims sooner. */
const TALLY_LIMIT = 10_000;

// Rows of each (class, source) added since its last trim, in this process. A source not in the
// tally is trimmed at its next row, so a restart (or a clear) never lets rows pile up unseen.
const tallies = perConnection(() => new Map<string, number>());

/**
 * Call after inserting one row of `cls` for `sourceId`, in the same transaction: trims the
 * source's oldest rows of that class down to `kept` when due. Counted per source and class,
 * whatever else arrives in between, so a class never holds more than `kept + TRIM_EVERY - 1`
 * rows of a source (a trim rolled back with its transaction is caught up by the next one).
 */
export function keepNewestDeliveries(
  db: Db,
  sourceId: string,
  cls: KeptClass,
  kept: number = KEPT_DELIVERY_ROWS[cls],
): void {
  const tally = tallies(db);
  const key = `${cls}\u0000${sourceId}`;
  const since = tally.get(key);
  if (since !== undefined && since + 1 < TRIM_EVERY) {
    tally.set(key, since + 1);
    return;
  }
  const store = ingestStore(db);
  const trim =
    cls === 'rejected'
      ? store.trimRejected
      : cls === 'challenge'
        ? store.trimChallenges
        : store.trimDuplicates;
  trim.run(sourceId, sourceId, kept);
  if (tally.size >= TALLY_LIMIT) tally.clear();
  tally.set(key, 0);
}
