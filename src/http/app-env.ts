import type { Deps } from '../deps.ts';

/** Hono's environment for every route: the dependencies arrive as c.var.deps. */
export type AppEnv = { Variables: { deps: Deps } };
