import type { Db } from '../db/client.ts';

export type AuditFilters = {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  since?: number;
  until?: number;
};

export type AuditRow = {
  id: number;
  at: number;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  details: string;
};

/** The audit log, newest first, filtered and paged. Read-only. */
export function readAudit(
  db: Db,
  filters: AuditFilters,
  page = 1,
  pageSize = 100,
): { rows: AuditRow[]; page: number; hasMore: boolean } {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, value: string | number) => {
    clauses.push(clause);
    params.push(value);
  };
  if (filters.actor) add('actor = ?', filters.actor);
  if (filters.action) add('action = ?', filters.action);
  if (filters.targetType) add('target_type = ?', filters.targetType);
  if (filters.targetId) add('target_id = ?', filters.targetId);
  if (filters.since !== undefined) add('at >= ?', filters.since);
  if (filters.until !== undefined) add('at < ?', filters.until);
  const current = Math.max(1, page);
  const rows = db.$client
    .prepare(
      `SELECT id, at, actor, action, target_type, target_id, details_json FROM audit_log
       ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT ? OFFSET ?`,
    )
    .all(...params, pageSize + 1, (current - 1) * pageSize) as {
    id: number;
    at: number;
    actor: string;
    action: string;
    target_type: string;
    target_id: string;
    details_json: string;
  }[];
  return {
    page: current,
    hasMore: rows.length > pageSize,
    rows: rows.slice(0, pageSize).map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      details: r.details_json,
    })),
  };
}
