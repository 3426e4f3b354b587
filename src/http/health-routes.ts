import { Hono } from 'hono';
import { checkDatabase } from '../db/check-database.ts';
import type { AppEnv } from './app-env.ts';
import { errorBody } from './error-response.ts';

/** `/healthz`: 200 while the database answers, for load balancers and uptime checks. */
export const healthRoutes = new Hono<AppEnv>().get('/', (c) =>
  checkDatabase(c.var.deps.db)
    ? c.json({ ok: true })
    : c.json(errorBody('database_unavailable', 'the database does not answer'), 503),
);
