import { sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { DUPLICATE_COUNTER_REASON, SCHEMA_WARNING_REASON } from '../ingest/ingest-store.ts';

export type SourceSummary = {
  id: string;
  kind: string;
  name: string;
  status: 'active' | 'disabled';
  createdAt: number;
  activeSecrets: number;
  /** When the soonest-expiring active secret stops working, if any is set to. */
  nextSecretExpiry: number | null;
  lastDeliveryAt: number | null;
  /** Deliveries stored (messages, reactions, checks before sending), all time. */
  acceptedDeliveries: number;
  /** Retries of deliveries already stored, answered without storing again, all time. */
  duplicateDeliveries: number;
  /** URL checks (challenges) answered, among the newest kept rows (src/ingest/
   * keep-newest-deliveries.ts keeps 100 to 149 of them a source). */
  urlChecks: number;
  /** Rejected requests, all time. */
  rejectedDeliveries: number;
  /**
   * Stored deliveries with an optional field of an unexpected type or shape (dropped), all
   * time: the sender changed its format.
   */
  schemaWarnings: number;
};

/**
 * Every source (or only the one with `onlyId`) with its secret and delivery counts; secrets
 * themselves are never read.
 */
export function listSources(deps: Pick<Deps, 'db' | 'now'>, onlyId?: string): SourceSummary[] {
  const now = deps.now();
  // Duplicate rows are trimmed like rejected ones, so duplicates are read from their counter
  // (from the rows where no duplicate was counted yet, as before counters were kept).
  // The newest delivery is found per kind through deliveries_source_kind_idx (source_id, kind,
  // id), one index seek each: max(received_at) over a source would read every row it has.
  const newest = (kind: string) =>
    sql`coalesce((SELECT max(d.id) FROM deliveries d WHERE d.source_id = s.id
      AND d.kind = ${kind}), 0)`;
  // Accepted rows are counted on deliveries_source_outcome_idx alone, and the few kept challenge
  // rows (through deliveries_source_kind_idx) taken off: excluding them in the count itself
  // would read every accepted row.
  const acceptedChallenges = sql`(SELECT count(*) FROM deliveries d WHERE d.source_id = s.id
    AND d.kind = 'challenge' AND d.outcome = 'accepted')`;
  return deps.db.all<SourceSummary>(sql`
    SELECT s.id, s.kind, s.name, s.status, s.created_at AS createdAt,
      (SELECT count(*) FROM source_secrets k WHERE k.source_id = s.id
         AND (k.expires_at IS NULL OR k.expires_at > ${now})) AS activeSecrets,
      (SELECT min(k.expires_at) FROM source_secrets k WHERE k.source_id = s.id
         AND k.expires_at > ${now}) AS nextSecretExpiry,
      (SELECT d.received_at FROM deliveries d WHERE d.id =
         max(${newest('event')}, ${newest('challenge')}, ${newest('before_send')}))
        AS lastDeliveryAt,
      (SELECT count(*) FROM deliveries d WHERE d.source_id = s.id AND d.outcome = 'accepted')
        - ${acceptedChallenges} AS acceptedDeliveries,
      coalesce((SELECT c.count FROM rejection_counters c WHERE c.source_key = s.id
          AND c.reason = ${DUPLICATE_COUNTER_REASON}),
        (SELECT count(*) FROM deliveries d WHERE d.source_id = s.id
          AND d.outcome = 'duplicate')) AS duplicateDeliveries,
      ${acceptedChallenges} AS urlChecks,
      coalesce((SELECT sum(c.count) FROM rejection_counters c WHERE c.source_key = s.id
         AND c.reason NOT IN (${DUPLICATE_COUNTER_REASON}, ${SCHEMA_WARNING_REASON})), 0)
        AS rejectedDeliveries,
      coalesce((SELECT c.count FROM rejection_counters c WHERE c.source_key = s.id
         AND c.reason = ${SCHEMA_WARNING_REASON}), 0) AS schemaWarnings
    FROM sources s ${onlyId === undefined ? sql`` : sql`WHERE s.id = ${onlyId}`}
    ORDER BY s.created_at, s.id`);
}
