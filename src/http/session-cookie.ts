import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SESSION_ABSOLUTE_MS } from '../auth/session-policy.ts';
import type { AppEnv } from './app-env.ts';
import { isHttps } from './request-info.ts';

const SESSION_COOKIE = 'modhook_session';
/** Holds the CSRF token of visitors who are not signed in (sign-in and setup forms). */
const VISITOR_CSRF_COOKIE = 'modhook_csrf';

function options(c: Context<AppEnv>) {
  // Lax: sent when following a link from elsewhere, never on another site's POST.
  return { httpOnly: true, sameSite: 'Lax', secure: isHttps(c), path: '/' } as const;
}

export function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

/** Lasts as long as the session can (7 days); the server ends it sooner when idle. */
export function writeSessionCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, SESSION_COOKIE, token, { ...options(c), maxAge: SESSION_ABSOLUTE_MS / 1000 });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, SESSION_COOKIE, options(c));
}

export function readVisitorCsrfCookie(c: Context<AppEnv>): string | undefined {
  return getCookie(c, VISITOR_CSRF_COOKIE);
}

/** A browser-session cookie: gone when the browser closes. */
export function writeVisitorCsrfCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, VISITOR_CSRF_COOKIE, token, options(c));
}
