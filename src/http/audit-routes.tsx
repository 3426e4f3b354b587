import { Hono } from 'hono';
import { z } from 'zod';
import { auditSenders } from '../audit/audit-senders.ts';
import { readAudit } from '../audit/read-audit.ts';
import { AuditPageView } from '../../views/audit-page.tsx';
import type { AppEnv } from './app-env.ts';
import { dayParam, optionalParam, parseQuery } from './query-params.ts';
import { requireRole } from './require-role.ts';

const AuditQuery = z.object({
  actor: optionalParam(z.string().max(200)),
  action: optionalParam(z.string().max(100)),
  target_type: optionalParam(z.string().max(100)),
  target: optionalParam(z.string().max(200)),
  since: dayParam('start'),
  until: dayParam('end'),
  page: optionalParam(z.coerce.number().int().min(1).max(100_000)),
});

/** `/audit`: every change and automatic action, for admins and auditors. */
export const auditRoutes = new Hono<AppEnv>().get(
  '/audit',
  requireRole('admin', 'auditor'),
  (c) => {
    const { target_type, target, page, ...rest } = parseQuery(AuditQuery, c);
    const filters = { ...rest, targetType: target_type, targetId: target };
    const { db } = c.var.deps;
    const result = readAudit(db, filters, page ?? 1);
    // A sender target is an internal id; its link filters /messages by the sender's own id.
    const senders = auditSenders(
      db,
      result.rows.filter((r) => r.targetType === 'sender').map((r) => r.targetId),
    );
    return c.render(
      <AuditPageView
        {...result}
        senders={senders}
        filters={filters}
        query={new URL(c.req.url).search}
      />,
      { title: 'Audit log' },
    );
  },
);
