import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { CSRF_FIELD, CSRF_HEADER } from '../../views/components/csrf-field.tsx';
import { DomainError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';
import { signInFirst } from './require-role.ts';
import { ownOrigins } from './request-info.ts';
import { readSessionCookie } from './session-cookie.ts';

const SAFE_METHOD = /^(GET|HEAD|OPTIONS)$/;

// Origin check: hono's csrf middleware, told every origin this server answers as (behind a
// proxy the request URL is http://127.0.0.1:8787 while the browser says https://mod.example).
const originCheck = csrf({ origin: (origin, c) => ownOrigins(c).includes(origin) });

/**
 * CSRF protection for every state-changing dashboard request, in two independent layers.
 *
 * 1. Origin: browsers name the sending page's origin (Origin, Sec-Fetch-Site) on every POST;
 *    hono's csrf refuses one from another site. It cannot decide when a browser, extension or
 *    proxy strips both headers, so then...
 * 2. ...a synchronizer token decides, and it is required on every request either way: a random
 *    token per session, stored with the session, which forms carry in a hidden field and htmx
 *    sends as X-CSRF-Token (hx-headers on <body>, so no inline script is needed and the strict
 *    CSP holds). Another site can neither read it nor make a browser send it. Before sign-in
 *    (sign-in and setup forms) there is no session yet: the token is a double-submit one, kept
 *    in an HttpOnly SameSite=Lax cookie of its own and echoed by the form.
 *
 * A refused request gets 403 `forbidden`; when its session has ended meanwhile, it is sent
 * to sign in again instead, as requireRole would.
 */
export const csrfProtection: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (SAFE_METHOD.test(c.req.method)) return next();
  if (c.req.header('origin') !== undefined || c.req.header('sec-fetch-site') !== undefined) {
    try {
      await originCheck(c, async () => {});
    } catch (error) {
      if (!(error instanceof HTTPException)) throw error;
      throw new DomainError('forbidden', 'This request came from another site and was refused.');
    }
  }
  if (!sameToken(await sentToken(c), c.var.csrfToken)) {
    if (c.var.session === null && readSessionCookie(c) !== undefined) return signInFirst(c);
    throw new DomainError(
      'forbidden',
      'This form has expired or did not come from modhook. Reload the page and try again.',
    );
  }
  await next();
};

async function sentToken(c: Context<AppEnv>): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header !== undefined) return header;
  // parseBody caches the parsed form, so the handler reads it again for free.
  const field = (await c.req.parseBody())[CSRF_FIELD];
  return typeof field === 'string' ? field : undefined;
}

function sameToken(sent: string | undefined, expected: string): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
