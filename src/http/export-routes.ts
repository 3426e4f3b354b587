import { Readable } from 'node:stream';
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { accountActor, ROLES, type Role } from '../auth/account-fields.ts';
import { DomainError } from '../errors.ts';
import { EXPORT_KINDS, type ExportFilters, type ExportKind } from '../export/export-queries.ts';
import { exportSlotsOf } from '../export/export-slots.ts';
import { auditExport, streamExport, type ExportRun } from '../export/stream-export.ts';
import type { AppEnv } from './app-env.ts';
import { dayParam, optionalParam, parseQuery } from './query-params.ts';
import { requireRole } from './require-role.ts';

/** The filters a screen shows, as its "Export CSV" link carries them. */
const ExportQuery = z.object({
  since: dayParam('start'),
  until: dayParam('end'),
  source: optionalParam(z.string().max(100)),
  channel: optionalParam(z.string().max(200)),
  q: optionalParam(z.string().max(200)),
  sender: optionalParam(z.string().max(200)),
  state: optionalParam(z.enum(['unreviewed', 'approved', 'highlighted', 'rejected'])),
  open: optionalParam(z.enum(['1'])),
  severity: optionalParam(z.enum(['low', 'medium', 'high'])),
  origin: optionalParam(z.enum(['rule', 'report', 'reaction', 'moderator', 'sender', 'pending'])),
  /** A language code, or `und` for messages whose language is unknown (the queue's filter). */
  lang: optionalParam(z.string().regex(/^[a-z]{2,3}$/)),
  rule: optionalParam(z.coerce.number().int().positive()),
  actor: optionalParam(z.string().max(200)),
  action: optionalParam(z.string().max(100)),
  target_type: optionalParam(z.string().max(100)),
  target: optionalParam(z.string().max(200)),
  bom: optionalParam(z.enum(['1'])),
});

function filtersOf(c: Context<AppEnv>): { filters: ExportFilters; bom: boolean } {
  const { source, open, bom, rule, target_type, target, lang, ...rest } = parseQuery(
    ExportQuery,
    c,
  );
  const filters: ExportFilters = Object.fromEntries(
    Object.entries({
      ...rest,
      sourceId: source,
      ruleId: rule,
      language: lang,
      targetType: target_type,
      targetId: target,
      openOnly: open === '1' ? true : undefined,
    }).filter(([, v]) => v !== undefined),
  );
  return { filters, bom: bom === '1' };
}

/**
 * Who may export each log: the roles of the screen that shows it. Messages, their flags and
 * decisions are on the queue, /messages and the item view (every role); the audit log only
 * on /audit (admins and auditors).
 */
export const EXPORT_ROLES: Record<ExportKind, readonly Role[]> = {
  messages: ROLES,
  flags: ROLES,
  decisions: ROLES,
  audit: ['admin', 'auditor'],
};

/**
 * `GET /export/:kind.csv`: the whole result of the current filters as CSV, streamed as it is
 * read (it starts at once, and stops when the client goes away), audited with actor, filters
 * and row count when it ends. Exports running at once are capped per account and in all
 * (429 past a cap, before anything is opened), and one whose reader takes nothing for
 * EXPORT_STALL_TIMEOUT_MS is ended.
 */
function exportCsv(c: Context<AppEnv>, kind: ExportKind) {
  const { filters, bom } = filtersOf(c);
  const { deps, session } = c.var;
  const release = exportSlotsOf(deps).take(session!.account.id);
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  let run: ExportRun;
  try {
    run = streamExport(deps.config.databasePath, kind, filters, {
      bom,
      stallTimeoutMs: deps.config.exportStallTimeoutMs,
      // Closing the connection cancels the body: the server logs no error for the stall.
      onStall: outgoing && (() => outgoing.destroy()),
    });
  } catch (error) {
    release();
    throw error;
  }
  const actor = accountActor(session!.account);
  void run.finished.then(({ rows, completed, stalled }) => {
    release();
    // Long after the answer: a failure here has no request to answer, and must not go unseen.
    try {
      auditExport(deps, { kind, filters, rows, completed, stalled }, actor);
    } catch (error) {
      deps.log.error({ err: error, kind, actor }, 'could not write the audit entry of an export');
    }
  });
  const date = new Date(deps.now()).toISOString().slice(0, 10);
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="modhook-${kind}-${date}.csv"`);
  c.header('Cache-Control', 'no-store');
  return c.body(Readable.toWeb(run.csv) as ReadableStream);
}

export const exportRoutes = new Hono<AppEnv>();
for (const kind of EXPORT_KINDS) {
  exportRoutes.get(`/export/${kind}.csv`, requireRole(...EXPORT_ROLES[kind]), (c) =>
    exportCsv(c, kind),
  );
}
exportRoutes.get('/export/:file', requireRole(...ROLES), (c) => {
  throw new DomainError('not_found', `no export named ${c.req.param('file')}`);
});
