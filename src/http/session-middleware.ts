import type { Context, MiddlewareHandler } from 'hono';
import { generateToken } from '../auth/auth-token.ts';
import { findSession } from '../auth/find-session.ts';
import type { AppEnv } from './app-env.ts';
import {
  clearSessionCookie,
  readSessionCookie,
  readVisitorCsrfCookie,
  writeVisitorCsrfCookie,
} from './session-cookie.ts';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Loads the session of the cookie into c.var.session (null when signed out or ended, and then
 * the stale cookie is dropped) and the CSRF token of this browser into c.var.csrfToken: the
 * session's own, or for visitors one kept in a cookie of its own. Marks pages no-store.
 */
export const loadSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = readSessionCookie(c);
  const session = token === undefined ? null : findSession(c.var.deps, token);
  if (token !== undefined && session === null) clearSessionCookie(c);
  c.set('session', session);
  c.set('csrfToken', session?.csrfToken ?? visitorCsrfToken(c));
  await next();
  // Pages carry a CSRF token and what moderators see: never keep them in a shared cache.
  if (!c.res.headers.has('cache-control')) c.res.headers.set('Cache-Control', 'no-store');
};

function visitorCsrfToken(c: Context<AppEnv>): string {
  const existing = readVisitorCsrfCookie(c);
  if (existing !== undefined && TOKEN.test(existing)) return existing;
  const token = generateToken();
  writeVisitorCsrfCookie(c, token);
  return token;
}
