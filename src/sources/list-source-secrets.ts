import type { Db } from '../db/client.ts';

export type SourceSecretView = {
  id: number;
  createdAt: number;
  expiresAt: number | null;
  active: boolean;
  /** When a delivery last verified with this secret; null when none has. */
  lastMatchedAt: number | null;
};

/**
 * A source's secrets, newest first, without their values: when each was made, when it stops
 * working, and when a delivery last matched it (so an admin sees when the old one is unused).
 */
export function listSourceSecrets(db: Db, sourceId: string, now: number): SourceSecretView[] {
  // The last match is read through deliveries_secret_idx (secret_id, id): the newest row only.
  const rows = db.$client
    .prepare(
      `SELECT k.id, k.created_at, k.expires_at,
         (SELECT d.received_at FROM deliveries d WHERE d.secret_id = k.id
          ORDER BY d.id DESC LIMIT 1) AS last_matched_at
       FROM source_secrets k WHERE k.source_id = ? ORDER BY k.id DESC`,
    )
    .all(sourceId) as {
    id: number;
    created_at: number;
    expires_at: number | null;
    last_matched_at: number | null;
  }[];
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    active: r.expires_at === null || r.expires_at > now,
    lastMatchedAt: r.last_matched_at,
  }));
}
