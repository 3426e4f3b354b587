import type { Db } from '../db/client.ts';

/** What the queue's filters offer to pick from, by name rather than by id. */
export type QueuePickers = {
  sources: { id: string; name: string }[];
  /** The most recently active channels, by label (null: none given) and external id. */
  channels: { externalId: string; label: string | null; sourceName: string }[];
  /** Every rule, with the number of open items it flagged (one pass over the open flags). */
  rules: { id: number; name: string; open: number }[];
};

/** How many channels the picker lists (the most recently active; a chosen one is kept). */
export const PICKER_CHANNELS = 200;

/**
 * The sources, channels and rules the queue can be filtered by. Read-only; for the page, not
 * for its live refreshes. Counts only where cheap: per rule from the open flags (the status
 * index), none per channel or source (that would read every open item's message).
 */
export function listQueuePickers(db: Db): QueuePickers {
  const sql = db.$client;
  const sources = sql
    .prepare('SELECT id, name FROM sources ORDER BY name COLLATE NOCASE, id')
    .all() as QueuePickers['sources'];
  const channels = (
    sql
      .prepare(
        `SELECT c.external_id, c.label, s.name AS source_name FROM channels c
         JOIN sources s ON s.id = c.source_id ORDER BY c.last_seen_at DESC LIMIT ?`,
      )
      .all(PICKER_CHANNELS) as { external_id: string; label: string | null; source_name: string }[]
  ).map((c) => ({ externalId: c.external_id, label: c.label, sourceName: c.source_name }));
  const rules = sql
    .prepare(
      `SELECT r.id, r.name, coalesce(o.open, 0) AS open FROM rules r
       LEFT JOIN (SELECT rule_id, count(DISTINCT message_id) AS open FROM flags
                  WHERE status = 'open' AND rule_id IS NOT NULL GROUP BY rule_id) o
         ON o.rule_id = r.id
       ORDER BY r.name COLLATE NOCASE, r.id`,
    )
    .all() as QueuePickers['rules'];
  return { sources, channels, rules };
}
