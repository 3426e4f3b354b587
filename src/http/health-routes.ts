import { Hono } from 'hono';
import { checkDatabase } from '../db/check-database.ts';
import type { AppEnv } from './app-env.ts';
import { errorBody } from './error-response.ts';

/**
 * `/healthz`, for load balancers and uptime checks: 200 while the database answers and accepts
 * writes; 503 naming the problem otherwise (locked by another process, read-only, the last
 * commit failed). Never waits for a lock.
 */
export const healthRoutes = new Hono<AppEnv>().get('/', (c) => {
  const health = checkDatabase(c.var.deps.db, () => c.var.deps.writer.lastCommit());
  c.header('Cache-Control', 'no-store');
  return health.ok ? c.json({ ok: true }) : c.json(errorBody(health.code, health.message), 503);
});
