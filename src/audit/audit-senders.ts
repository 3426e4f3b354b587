import type { Db } from '../db/client.ts';

/** A sender as the audit log links it: the /messages filter needs its external id and source. */
export type AuditSender = { externalId: string; sourceId: string; screenName: string };

/** The senders named by audit targets (`sender` ids), by id as the audit row stores it. */
export function auditSenders(db: Db, ids: readonly string[]): Map<string, AuditSender> {
  const wanted = [...new Set(ids.filter((id) => /^[0-9]{1,15}$/.test(id)))];
  const found = new Map<string, AuditSender>();
  if (wanted.length === 0) return found;
  const rows = db.$client
    .prepare(
      `SELECT id, external_id, source_id, screen_name FROM senders
       WHERE id IN (${wanted.map(() => '?').join(', ')})`,
    )
    .all(...wanted.map(Number)) as {
    id: number;
    external_id: string;
    source_id: string;
    screen_name: string;
  }[];
  for (const r of rows) {
    found.set(String(r.id), {
      externalId: r.external_id,
      sourceId: r.source_id,
      screenName: r.screen_name,
    });
  }
  return found;
}
