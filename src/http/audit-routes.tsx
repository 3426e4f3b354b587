import { Hono } from 'hono';
import { z } from 'zod';
import { readAudit } from '../audit/read-audit.ts';
import { DomainError } from '../errors.ts';
import { AuditPageView } from '../../views/audit-page.tsx';
import type { AppEnv } from './app-env.ts';
import { requireRole } from './require-role.ts';

const blank = (v: unknown) => (v === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());
const day = (edge: 'start' | 'end') =>
  optional(
    z.iso.date().transform((d) => Date.parse(`${d}T00:00:00Z`) + (edge === 'end' ? 86_400_000 : 0)),
  );

const AuditQuery = z.object({
  actor: optional(z.string().max(200)),
  action: optional(z.string().max(100)),
  target_type: optional(z.string().max(100)),
  target: optional(z.string().max(200)),
  since: day('start'),
  until: day('end'),
  page: optional(z.coerce.number().int().min(1).max(100_000)),
});

/** `/audit`: every change and automatic action, for admins and auditors. */
export const auditRoutes = new Hono<AppEnv>().get(
  '/audit',
  requireRole('admin', 'auditor'),
  (c) => {
    const parsed = AuditQuery.safeParse(c.req.query());
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      throw new DomainError('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`, field);
    }
    const { target_type, target, page, ...rest } = parsed.data;
    const filters = { ...rest, targetType: target_type, targetId: target };
    const result = readAudit(c.var.deps.db, filters, page ?? 1);
    return c.render(
      <AuditPageView {...result} filters={filters} query={new URL(c.req.url).search} />,
      {
        title: 'Audit log',
      },
    );
  },
);
