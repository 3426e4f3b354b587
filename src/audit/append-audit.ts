import type { Db } from '../db/client.ts';
import { auditLog } from '../db/schema.ts';

export type AuditEntry = {
  at: number;
  /** Who acted: `cli`, `system`, or a dashboard account. */
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  /** Never a secret: audit details are shown to admins and auditors and exported. */
  details?: Record<string, unknown>;
};

type Writer = Pick<Db, 'insert'>;

/** Appends one audit entry; call it with the transaction of the change it records. */
export function appendAudit(db: Writer, entry: AuditEntry): void {
  db.insert(auditLog)
    .values({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      detailsJson: JSON.stringify(entry.details ?? {}),
    })
    .run();
}
