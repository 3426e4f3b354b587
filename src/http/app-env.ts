import type { Session } from '../auth/find-session.ts';
import type { Deps } from '../deps.ts';

/**
 * Hono's environment for every route: the dependencies arrive as c.var.deps. Dashboard routes
 * (everything but /hooks/*, /healthz and /static/*) also get the signed-in session, or null,
 * and the CSRF token their forms must carry (src/http/session-middleware.ts).
 */
export type AppEnv = { Variables: { deps: Deps; session: Session | null; csrfToken: string } };
