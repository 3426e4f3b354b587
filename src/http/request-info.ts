import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { noticeValue, parseNotice, type Notice } from '../../views/components/notice.tsx';
import type { AppEnv } from './app-env.ts';

/** The value a reverse proxy added last to a comma-separated X-Forwarded-* header. */
function lastForwarded(c: Context<AppEnv>, name: string): string | undefined {
  const values = c.req
    .header(name)
    ?.split(',')
    .map((v) => v.trim());
  return values?.filter((v) => v !== '').at(-1);
}

/**
 * True when the browser reached modhook over HTTPS: the request URL itself, or, only with
 * TRUST_PROXY, the X-Forwarded-Proto of the reverse proxy that terminated TLS.
 */
export function isHttps(c: Context<AppEnv>): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return c.var.deps.config.trustProxy && lastForwarded(c, 'x-forwarded-proto') === 'https';
}

/**
 * The client's address: with TRUST_PROXY the last X-Forwarded-For entry (the one our proxy
 * added; earlier ones are whatever the client sent), else the socket's peer. Undefined when
 * there is no socket (requests made in-process, as tests do).
 */
export function clientAddress(c: Context<AppEnv>): string | undefined {
  if (c.var.deps.config.trustProxy) {
    const forwarded = lastForwarded(c, 'x-forwarded-for');
    if (forwarded !== undefined) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** The origins a browser may name in Origin for a request to this server. */
export function ownOrigins(c: Context<AppEnv>): string[] {
  const { config } = c.var.deps;
  const url = new URL(c.req.url);
  const origins = [url.origin, new URL(config.publicUrl).origin];
  const host = lastForwarded(c, 'x-forwarded-host') ?? c.req.header('host');
  if (config.trustProxy && host !== undefined) {
    origins.push(`${lastForwarded(c, 'x-forwarded-proto') ?? url.protocol.slice(0, -1)}://${host}`);
  }
  return origins;
}

/** A request made by htmx (it sends HX-Request: true); it gets fragments, not pages. */
export function isHtmx(c: Context): boolean {
  return c.req.header('hx-request') === 'true';
}

/** A browser asking for a page (navigation or form post), as opposed to an API client. */
export function wantsHtml(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('text/html');
}

/**
 * Paths for machines, not people: no session, no CSRF, no cookies, JSON errors only. Display
 * feeds (/display/...) are among them: a streaming tool opens them with a token that must
 * never meet the dashboard's session.
 */
export function isMachinePath(path: string): boolean {
  return (
    path === '/healthz' ||
    path === '/hooks' ||
    path.startsWith('/hooks/') ||
    path.startsWith('/display/')
  );
}

/**
 * The path as logs may show it: the one-time token of a password link and a display's token are
 * capabilities, so they are masked (`/reset/…`, `/display/…/overlay`).
 */
export function loggablePath(path: string): string {
  return path
    .replace(/^\/reset\/[^/]+/, '/reset/…')
    .replace(/^\/display\/(?!public\/)[^/]+/, '/display/…');
}

/**
 * A local path with the notice a page shows after a change (`done=<key>.<values>`), in place
 * of a notice the path may carry already.
 */
export function withDone(path: string, done: Notice): string {
  const url = new URL(path, 'http://local');
  url.searchParams.set('done', noticeValue(done));
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The notice this request's `done` names; anything else (free text, an unknown key) is none. */
export function doneNotice(c: Context): Notice | undefined {
  return parseNotice(c.req.query('done'));
}

/** After a change, on to `target`: HX-Redirect (204) for htmx, a 303 for a plain form. */
export function goTo(c: Context, target: string): Response {
  if (isHtmx(c)) {
    c.header('HX-Redirect', target);
    return c.body(null, 204);
  }
  return c.redirect(target, 303);
}
