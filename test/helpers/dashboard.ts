import type { Role } from '../../src/auth/account-fields.ts';
import { createSession } from '../../src/auth/create-session.ts';
import { seedAccount } from './accounts.ts';
import type { Harness } from './harness.ts';

/** What a browser sends on a top-level navigation. */
export const BROWSER = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** A signed-in browser: its cookie header and the CSRF token its pages carry. */
export type Browser = { cookie: string; csrfToken: string; username: string };

/** Seeds an account with `role` and starts a session for it directly (no sign-in request). */
export async function signedIn(h: Harness, role: Role = 'moderator', username = `${role}1`) {
  const account = await seedAccount(h, { username, role });
  const session = createSession(h.db, account.id, h.deps.now());
  return {
    cookie: `modhook_session=${session.token}`,
    csrfToken: session.csrfToken,
    username,
  } satisfies Browser;
}

/** The Set-Cookie line that sets `name`, if any. */
export function setCookieFor(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

/** The value a Set-Cookie line gives its cookie. */
export function cookieValue(line: string | undefined): string | undefined {
  return line?.split(';')[0]?.split('=').slice(1).join('=');
}

/** A url-encoded form body. */
export function form(fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams(fields);
}

/**
 * A visitor's browser after opening the sign-in page: the CSRF cookie it was given and the
 * token the page's form carries.
 */
export async function visitor(h: Harness): Promise<{ cookie: string; csrfToken: string }> {
  const res = await h.app.request('/login', { headers: BROWSER });
  const token = cookieValue(setCookieFor(res, 'modhook_csrf'));
  const html = await res.text();
  const inForm = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (token === undefined || inForm !== token) throw new Error('no CSRF token on /login');
  return { cookie: `modhook_csrf=${token}`, csrfToken: token };
}

/** A same-origin form POST from a browser, as the dashboard's own pages send it. */
export function postForm(
  h: Harness,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
  env?: unknown,
) {
  return h.app.request(
    path,
    {
      method: 'POST',
      headers: {
        ...BROWSER,
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://localhost',
        ...headers,
      },
      body: form(fields),
    },
    env,
  );
}
