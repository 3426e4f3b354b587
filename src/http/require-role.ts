import type { Context, MiddlewareHandler } from 'hono';
import type { Role } from '../auth/account-fields.ts';
import { DomainError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';
import { errorBody } from './error-response.ts';
import { isHtmx, wantsHtml } from './request-info.ts';

/**
 * Lets the request through only for a signed-in account with one of `roles`. Signed out: see
 * signInFirst. Signed in with another role: DomainError `forbidden` (403).
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = c.var.session;
    if (session === null) return signInFirst(c);
    if (!roles.includes(session.account.role)) {
      throw new DomainError(
        'forbidden',
        `This needs the role ${roles.join(' or ')}; you are signed in as ${session.account.role}.`,
      );
    }
    await next();
  };
}

/**
 * The answer to a request that needs a session: a page request is redirected (303) to
 * /login?next=<this page>; an htmx request gets 401 with HX-Redirect, so htmx loads the sign-in
 * page instead of swapping; anything else gets 401 JSON.
 */
export function signInFirst(c: Context<AppEnv>): Response {
  const url = new URL(c.req.url);
  const back = c.req.method === 'GET' ? `${url.pathname}${url.search}` : '/';
  const location = back === '/' ? '/login' : `/login?next=${encodeURIComponent(back)}`;
  if (isHtmx(c)) {
    c.header('HX-Redirect', location);
    return c.text('Sign in first.', 401);
  }
  if (wantsHtml(c)) return c.redirect(location, 303);
  return c.json(errorBody('unauthenticated', 'sign in first: POST /login'), 401);
}
