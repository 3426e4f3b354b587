import { Readable } from 'node:stream';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { accountActor, ROLES } from '../auth/account-fields.ts';
import { DomainError } from '../errors.ts';
import { EXPORT_KINDS, type ExportFilters, type ExportKind } from '../export/export-queries.ts';
import { auditExport, streamExport } from '../export/stream-export.ts';
import type { AppEnv } from './app-env.ts';
import { requireRole } from './require-role.ts';

const blank = (v: unknown) => (v === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blank, schema.optional());
const day = (edge: 'start' | 'end') =>
  optional(
    z.iso.date().transform((d) => Date.parse(`${d}T00:00:00Z`) + (edge === 'end' ? 86_400_000 : 0)),
  );

/** The filters a screen shows, as its "Export CSV" link carries them. */
const ExportQuery = z.object({
  since: day('start'),
  until: day('end'),
  source: optional(z.string().max(100)),
  channel: optional(z.string().max(200)),
  q: optional(z.string().max(200)),
  sender: optional(z.string().max(200)),
  state: optional(z.enum(['unreviewed', 'approved', 'highlighted', 'rejected'])),
  open: optional(z.enum(['1'])),
  severity: optional(z.enum(['low', 'medium', 'high'])),
  origin: optional(z.enum(['rule', 'report', 'reaction', 'moderator', 'sender'])),
  rule: optional(z.coerce.number().int().positive()),
  actor: optional(z.string().max(200)),
  action: optional(z.string().max(100)),
  target_type: optional(z.string().max(100)),
  target: optional(z.string().max(200)),
  bom: optional(z.enum(['1'])),
});

function filtersOf(c: Context<AppEnv>): { filters: ExportFilters; bom: boolean } {
  const parsed = ExportQuery.safeParse(c.req.query());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new DomainError('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`, field);
  }
  const { source, open, bom, rule, target_type, target, ...rest } = parsed.data;
  const filters: ExportFilters = Object.fromEntries(
    Object.entries({
      ...rest,
      sourceId: source,
      ruleId: rule,
      targetType: target_type,
      targetId: target,
      openOnly: open === '1' ? true : undefined,
    }).filter(([, v]) => v !== undefined),
  );
  return { filters, bom: bom === '1' };
}

/**
 * `GET /export/:kind.csv`: the whole result of the current filters as CSV, streamed as it is
 * read (it starts at once, and stops when the client goes away), audited with actor, filters
 * and row count when it ends. Any signed-in role may export.
 */
export const exportRoutes = new Hono<AppEnv>().get('/export/:file', requireRole(...ROLES), (c) => {
  const kind = c.req.param('file').replace(/\.csv$/, '') as ExportKind;
  if (!EXPORT_KINDS.includes(kind))
    throw new DomainError('not_found', `no export named ${c.req.param('file')}`);
  const { filters, bom } = filtersOf(c);
  const { deps, session } = c.var;
  const run = streamExport(deps.config.databasePath, kind, filters, { bom });
  const actor = accountActor(session!.account);
  void run.finished.then(({ rows, completed }) =>
    auditExport(deps, { kind, filters, rows, completed }, actor),
  );
  const date = new Date(deps.now()).toISOString().slice(0, 10);
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="modhook-${kind}-${date}.csv"`);
  c.header('Cache-Control', 'no-store');
  return c.body(Readable.toWeb(run.csv) as ReadableStream);
});
