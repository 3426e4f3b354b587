import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createSetupToken } from '../../src/auth/create-setup-token.ts';
import { findSession } from '../../src/auth/find-session.ts';
import { SESSION_IDLE_MS } from '../../src/auth/session-policy.ts';
import type { AppEnv } from '../../src/http/app-env.ts';
import { respondToError } from '../../src/http/error-response.ts';
import { localPath } from '../../src/http/form-fields.ts';
import { requireRole } from '../../src/http/require-role.ts';
import { auditRows, PASSWORD, seedAccount } from '../helpers/accounts.ts';
import {
  BROWSER,
  cookieValue,
  postForm,
  setCookieFor,
  signedIn,
  visitor,
  type Browser,
} from '../helpers/dashboard.ts';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';

const SOCKET = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

async function signInRequest(
  h: Harness,
  fields: Record<string, string>,
  options: { url?: string; headers?: Record<string, string>; env?: unknown } = {},
) {
  const v = await visitor(h);
  return postForm(
    h,
    options.url ?? '/login',
    { _csrf: v.csrfToken, ...fields },
    { cookie: v.cookie, ...options.headers },
    options.env,
  );
}

function page(h: Harness, path: string, b?: Browser, headers: Record<string, string> = {}) {
  return h.app.request(path, {
    headers: { ...BROWSER, ...(b ? { cookie: b.cookie } : {}), ...headers },
  });
}

describe('GET / (the dashboard home)', () => {
  it('redirects a visitor who is not signed in to the sign-in page', async () => {
    const h = createHarness();
    const res = await page(h, '/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
  });

  it('keeps the page asked for in next', async () => {
    const h = createHarness();
    const res = await page(h, '/?source=abc&page=2');
    expect(res.headers.get('location')).toBe(
      `/login?next=${encodeURIComponent('/?source=abc&page=2')}`,
    );
  });

  it('answers an htmx request of a visitor with 401 and HX-Redirect, so htmx leaves the page', async () => {
    const h = createHarness();
    const res = await page(h, '/?page=2', undefined, { 'hx-request': 'true' });
    expect(res.status).toBe(401);
    expect(res.headers.get('hx-redirect')).toBe(`/login?next=${encodeURIComponent('/?page=2')}`);
  });

  it('answers an API request of a visitor with 401 JSON', async () => {
    const h = createHarness();
    const res = await h.app.request('/', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it.each(['admin', 'moderator', 'auditor'] as const)(
    'shows the review queue with the account and a sign-out form to a signed-in %s',
    async (role) => {
      const h = createHarness();
      const b = await signedIn(h, role);
      const res = await page(h, '/', b);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).toContain('Review queue');
      expect(html).toContain(`<strong>${b.username}</strong> (${role})`);
      expect(html).toMatch(
        /<form method="post" action="\/logout"><input type="hidden" name="_csrf" value="[^"]+"/,
      );
      expect(html).toContain(`name="_csrf" value="${b.csrfToken}"`);
      expect(res.headers.get('cache-control')).toBe('no-store');
    },
  );

  it('sends the session CSRF token with every htmx request (hx-headers) and loads htmx and SSE from /static', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    const html = await (await page(h, '/', b)).text();
    expect(html).toContain(`hx-headers="{&quot;X-CSRF-Token&quot;:&quot;${b.csrfToken}&quot;}"`);
    expect(html).toContain('<script src="/static/htmx.min.js" defer=""></script>');
    expect(html).toContain('<script src="/static/sse.js" defer=""></script>');
  });

  it('has no inline script or style, and a CSP that forbids them', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    const res = await page(h, '/', b);
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe');
  });

  it('redirects a browser whose session has ended, and drops its cookie', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    h.advance(SESSION_IDLE_MS);
    const res = await page(h, '/', b);
    expect(res.status).toBe(303);
    expect(setCookieFor(res, 'modhook_session')).toMatch(/Max-Age=0/);
  });
});

describe('requireRole', () => {
  // A route of the shape later screens use; no admin-only screen exists yet.
  async function adminOnly(role: 'admin' | 'moderator' | 'auditor' | null) {
    const h = createHarness();
    const session =
      role === null ? null : { account: { id: 1, username: 'x', role }, csrfToken: 't', endsAt: 0 };
    const app = new Hono<AppEnv>()
      .use(async (c, next) => {
        c.set('deps', h.deps);
        c.set('session', session);
        await next();
      })
      .get('/admin-only', requireRole('admin'), (c) => c.text('secret settings'))
      .onError(respondToError);
    return app.request('/admin-only', { headers: { accept: 'application/json' } });
  }

  it('lets an admin through to an admin-only route', async () => {
    const res = await adminOnly('admin');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('secret settings');
  });

  it.each(['moderator', 'auditor'] as const)('forbids a %s with 403 forbidden', async (role) => {
    const res = await adminOnly(role);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('asks a visitor to sign in (401)', async () => {
    expect((await adminOnly(null)).status).toBe(401);
  });

  it('guards every dashboard route: none answers a visitor with a page', async () => {
    const h = createHarness();
    // /reset/:token is for whoever holds a one-time password link (test/http/account-routes.test.ts).
    // /display/:token/* is for whoever holds a display token (test/http/display-routes.test.ts).
    const open = [
      '/login',
      '/logout',
      '/setup',
      '/reset',
      '/static/:file',
      '/favicon.ico',
      '/hooks',
      '/healthz',
      '/display',
    ];
    const guarded = h.app.routes.filter(
      (r) => r.method !== 'ALL' && !open.some((p) => r.path === p || r.path.startsWith(`${p}/`)),
    );
    expect(guarded.map((r) => `${r.method} ${r.path}`)).toContain('GET /');
    for (const route of guarded) {
      const path = route.path.replace(/:[^/]+/g, 'x');
      const res = await h.app.request(path, {
        method: route.method,
        headers: { accept: 'application/json' },
      });
      expect([401, 403], `${route.method} ${route.path}`).toContain(res.status);
    }
  });
});

describe('GET /login', () => {
  it('shows a form with a CSRF token that matches the HttpOnly SameSite=Lax cookie it sets', async () => {
    const h = createHarness();
    const res = await page(h, '/login?next=%2Fqueue');
    expect(res.status).toBe(200);
    const cookie = setCookieFor(res, 'modhook_csrf')!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const html = await res.text();
    expect(html).toContain(`name="_csrf" value="${cookieValue(cookie)}"`);
    expect(html).toContain('<input type="hidden" name="next" value="/queue"/>');
    expect(html).toContain('<form method="post" action="/login">');
  });

  it('sends a browser that is already signed in on to next', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    const res = await page(h, '/login?next=%2Fqueue', b);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/queue');
  });
});

describe('POST /login', () => {
  it('signs in: a session cookie that is HttpOnly, SameSite=Lax, lasts 7 days, and a redirect to next', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    const res = await signInRequest(h, { username: 'ana', password: PASSWORD, next: '/queue' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/queue');
    const cookie = setCookieFor(res, 'modhook_session')!;
    expect(cookie).toMatch(
      /^modhook_session=[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/,
    );
    expect(findSession(h.deps, cookieValue(cookie)!)?.account.username).toBe('ana');
  });

  it('marks the session cookie Secure when the request is HTTPS', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    const v = await visitor(h);
    const res = await h.app.request('https://mod.example.org/login', {
      method: 'POST',
      headers: {
        ...BROWSER,
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://mod.example.org',
        cookie: v.cookie,
      },
      body: new URLSearchParams({ _csrf: v.csrfToken, username: 'ana', password: PASSWORD }),
    });
    expect(res.status).toBe(303);
    expect(setCookieFor(res, 'modhook_session')).toMatch(/; Secure/);
  });

  it.each([
    [true, true],
    [false, false],
  ])(
    'with TRUST_PROXY=%s, X-Forwarded-Proto: https makes the cookie Secure: %s',
    async (trustProxy, secure) => {
      const h = createHarness({ trustProxy });
      await seedAccount(h, { username: 'ana' });
      const res = await signInRequest(
        h,
        { username: 'ana', password: PASSWORD },
        { headers: { 'x-forwarded-proto': 'https' } },
      );
      expect(res.status).toBe(303);
      expect(/; Secure/.test(setCookieFor(res, 'modhook_session')!)).toBe(secure);
    },
  );

  it('refuses a wrong password with 401 and the form again, without a session or the password', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    const res = await signInRequest(h, { username: 'ana', password: 'a wrong guess!', next: '/q' });
    expect(res.status).toBe(401);
    expect(setCookieFor(res, 'modhook_session')).toBeUndefined();
    const html = await res.text();
    expect(html).toContain('Wrong username or password.');
    expect(html).toContain('value="ana"');
    expect(html).toContain('name="next" value="/q"');
    expect(html).not.toContain('a wrong guess!');
    expect(h.count('sessions')).toBe(0);
  });

  it('escapes what was typed as the username when showing the form again', async () => {
    const h = createHarness();
    const res = await signInRequest(h, {
      username: '"><script>alert(1)</script>',
      password: PASSWORD,
    });
    const html = await res.text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('throttles with 429 and Retry-After after 5 failures', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    for (let i = 0; i < 5; i++) {
      const res = await signInRequest(h, { username: 'ana', password: 'a wrong guess!' });
      expect(res.status).toBe(401);
    }
    const res = await signInRequest(h, { username: 'ana', password: PASSWORD });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('900');
    expect(await res.text()).toContain('Too many failed sign-ins');
    expect(setCookieFor(res, 'modhook_session')).toBeUndefined();
  });

  it("throttles 20 wrong guesses from a stranger's address there, not the user signing in from another", async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana', role: 'moderator' });
    const fromAttacker = { env: SOCKET('198.51.100.66') };
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await signInRequest(
        h,
        { username: 'ana', password: `guess ${i}!` },
        fromAttacker,
      );
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);

    const elsewhere = await signInRequest(
      h,
      { username: 'ana', password: PASSWORD },
      { env: SOCKET('192.0.2.44') },
    );
    expect(elsewhere.status).toBe(303);
    expect(setCookieFor(elsewhere, 'modhook_session')).toBeDefined();

    const again = await signInRequest(h, { username: 'ana', password: PASSWORD }, fromAttacker);
    expect(again.status).toBe(429);
    expect(setCookieFor(again, 'modhook_session')).toBeUndefined();
  });

  it('keeps the per-address limit, which a spoofed X-Forwarded-For does not escape without TRUST_PROXY', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    // 20 recent failures of this address at 20 usernames (each under its pair limit).
    const insert = h.db.$client.prepare(
      'INSERT INTO login_failures (at, account_key, address_key) VALUES (?, ?, ?)',
    );
    for (let i = 0; i < 20; i++) insert.run(TEST_NOW - 1000, `nobody${i}`, '198.51.100.66');
    const res = await signInRequest(
      h,
      { username: 'ana', password: PASSWORD },
      { headers: { 'x-forwarded-for': '203.0.113.99' }, env: SOCKET('198.51.100.66') },
    );
    expect(res.status).toBe(429);
    const elsewhere = await signInRequest(
      h,
      { username: 'ana', password: PASSWORD },
      { env: SOCKET('192.0.2.44') },
    );
    expect(elsewhere.status).toBe(303);
  });

  it.each([
    [false, '192.0.2.10'],
    [true, '203.0.113.5'],
  ])('with TRUST_PROXY=%s takes the client address from %s', async (trustProxy, address) => {
    const h = createHarness({ trustProxy });
    await seedAccount(h, { username: 'ana' });
    await signInRequest(
      h,
      { username: 'ana', password: 'a wrong guess!' },
      {
        headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.5' },
        env: SOCKET('192.0.2.10'),
      },
    );
    expect(JSON.parse(auditRows(h)[0]!.details_json)).toMatchObject({ address });
    expect(h.count('login_failures', `address_key = '${address}'`)).toBe(1);
  });

  it.each([
    ['another host', '//evil.example/x'],
    ['a backslash trick', '/\\evil.example'],
    ['an absolute URL', 'https://evil.example/'],
  ])('sends to / instead of next when next is %s', async (_, next) => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    const res = await signInRequest(h, { username: 'ana', password: PASSWORD, next });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
  });
});

describe('CSRF protection', () => {
  it('refuses a cross-origin POST even with the right token, with 403 and no effect', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    const res = await postForm(
      h,
      '/logout',
      { _csrf: b.csrfToken },
      { cookie: b.cookie, origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('another site');
    expect(h.count('sessions')).toBe(1);
  });

  it('refuses a cross-site POST named by Sec-Fetch-Site when Origin is absent', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    const res = await h.app.request('/logout', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'cross-site',
        cookie: b.cookie,
      },
      body: new URLSearchParams({ _csrf: b.csrfToken }),
    });
    expect(res.status).toBe(403);
    expect(h.count('sessions')).toBe(1);
  });

  it('refuses a same-origin POST without the token', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    const res = await postForm(h, '/logout', {}, { cookie: b.cookie });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('This form has expired');
    expect(h.count('sessions')).toBe(1);
  });

  it('refuses the token of another session', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    const other = await signedIn(h, 'admin');
    const res = await postForm(h, '/logout', { _csrf: other.csrfToken }, { cookie: b.cookie });
    expect(res.status).toBe(403);
    expect(h.count('sessions')).toBe(2);
  });

  it('accepts the right token when the browser sent neither Origin nor Sec-Fetch-Site', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    const res = await h.app.request('/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: b.cookie },
      body: new URLSearchParams({ _csrf: b.csrfToken }),
    });
    expect(res.status).toBe(303);
    expect(h.count('sessions')).toBe(0);
  });

  it('accepts the token in the X-CSRF-Token header, as htmx sends it', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    const res = await h.app.request('/logout', {
      method: 'POST',
      headers: { 'hx-request': 'true', 'x-csrf-token': b.csrfToken, cookie: b.cookie },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('hx-redirect')).toBe('/login');
    expect(h.count('sessions')).toBe(0);
  });

  it('accepts the public origin behind a reverse proxy', async () => {
    const h = createHarness({ publicUrl: 'https://mod.example.org' });
    const b = await signedIn(h);
    const res = await postForm(
      h,
      '/logout',
      { _csrf: b.csrfToken },
      { cookie: b.cookie, origin: 'https://mod.example.org' },
    );
    expect(res.status).toBe(303);
  });

  it('refuses a sign-in POST without the visitor token (login CSRF)', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    const res = await postForm(h, '/login', { username: 'ana', password: PASSWORD });
    expect(res.status).toBe(403);
    expect(setCookieFor(res, 'modhook_session')).toBeUndefined();
    expect(h.count('sessions')).toBe(0);
  });

  it('refuses a sign-in POST whose token is not the one in its cookie', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    const a = await visitor(h);
    const b = await visitor(h);
    const res = await postForm(
      h,
      '/login',
      { _csrf: a.csrfToken, username: 'ana', password: PASSWORD },
      { cookie: b.cookie },
    );
    expect(res.status).toBe(403);
    expect(h.count('sessions')).toBe(0);
  });

  it('sends a form posted after its session ended to sign in again instead of a 403', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    h.advance(SESSION_IDLE_MS);
    const res = await postForm(h, '/logout', { _csrf: b.csrfToken }, { cookie: b.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
  });
});

describe('POST /logout', () => {
  it('ends the session, clears the cookie, audits it and goes to the sign-in page', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    const res = await postForm(h, '/logout', { _csrf: b.csrfToken }, { cookie: b.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    expect(setCookieFor(res, 'modhook_session')).toMatch(/^modhook_session=; Max-Age=0/);
    expect(h.count('sessions')).toBe(0);
    expect(auditRows(h).map((r) => r.action)).toEqual(['account.logout']);
    expect((await page(h, '/', b)).status).toBe(303);
  });

  it('does not sign out on GET', async () => {
    const h = createHarness();
    const b = await signedIn(h);
    const res = await page(h, '/logout', b);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(h.count('sessions')).toBe(1);
  });
});

describe('/setup', () => {
  it('shows the first-admin form for a valid link', async () => {
    const h = createHarness();
    const { token } = createSetupToken(h.deps);
    const res = await page(h, `/setup?token=${token}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Create the first admin');
    expect(html).toContain(`name="token" value="${token}"`);
    expect(html).toContain('minlength="12"');
  });

  it.each([
    ['an unknown token', 'x'.repeat(43)],
    ['no token', ''],
  ])('answers %s with a 404 page that says what to do', async (_, token) => {
    const h = createHarness();
    createSetupToken(h.deps);
    const res = await page(h, `/setup?token=${token}`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('<!DOCTYPE html>');
    expect(html).toContain('This setup link is not valid.');
    expect(html).toContain('modhook user add');
  });

  it('creates the first admin, signs them in and goes home; the link then no longer works', async () => {
    const h = createHarness();
    const { token } = createSetupToken(h.deps);
    const fields = { token, username: 'root', password: PASSWORD, confirm: PASSWORD };
    const res = await signInRequest(h, fields, { url: '/setup' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const session = findSession(h.deps, cookieValue(setCookieFor(res, 'modhook_session'))!);
    expect(session?.account).toMatchObject({ username: 'root', role: 'admin' });
    const again = await signInRequest(h, { ...fields, username: 'mallory' }, { url: '/setup' });
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('already used');
    expect(h.count('accounts')).toBe(1);
  });

  it('shows the form again with 422 when the passwords differ, keeping the link usable', async () => {
    const h = createHarness();
    const { token } = createSetupToken(h.deps);
    const res = await signInRequest(
      h,
      { token, username: 'root', password: PASSWORD, confirm: `${PASSWORD}x` },
      { url: '/setup' },
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('The two passwords differ.');
    expect(h.count('accounts')).toBe(0);
    expect(h.count('setup_tokens', 'used_at IS NULL')).toBe(1);
  });

  it('shows the form again with 422 for a short password', async () => {
    const h = createHarness();
    const { token } = createSetupToken(h.deps);
    const res = await signInRequest(
      h,
      { token, username: 'root', password: 'short', confirm: 'short' },
      { url: '/setup' },
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('at least 12 characters');
  });
});

describe('machine routes stay as they were', () => {
  it('sets no cookie on /healthz', async () => {
    const h = createHarness();
    const res = await h.app.request('/healthz', { headers: BROWSER });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('answers a cross-origin, tokenless POST to /hooks with the webhook answer, not a CSRF 403', async () => {
    const h = createHarness();
    const res = await h.app.request('/hooks/no-such-source', {
      method: 'POST',
      headers: {
        ...BROWSER,
        origin: 'https://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'a=1',
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('answers a POST to an unknown path under /hooks with JSON 404, without a session or CSRF check', async () => {
    const h = createHarness();
    const res = await h.app.request('/hooks/a/b', {
      method: 'POST',
      headers: { ...BROWSER, origin: 'https://evil.example' },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});

describe('static files', () => {
  it.each([
    ['/static/htmx.min.js', /^text\/javascript/, 'htmx'],
    ['/static/sse.js', /^text\/javascript/, 'defineExtension("sse"'],
    ['/static/app.css', /^text\/css/, '.htmx-indicator'],
  ])('serves %s without a session', async (path, type, content) => {
    const h = createHarness();
    const res = await h.app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(type);
    expect(await res.text()).toContain(content);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('answers an unknown static file with 404', async () => {
    const h = createHarness();
    expect((await h.app.request('/static/nope.js')).status).toBe(404);
  });
});

describe('localPath', () => {
  it.each([
    ['/', '/'],
    ['/queue?page=2', '/queue?page=2'],
    [undefined, '/'],
    ['', '/'],
    ['queue', '/'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example', '/'],
    ['/a\nb', '/'],
    ['/login?next=/x', '/'],
    ['/setup?token=x', '/'],
    [`/${'a'.repeat(2001)}`, '/'],
  ])('turns %j into %j', (value, path) => {
    expect(localPath(value)).toBe(path);
  });
});

describe('dashboard request size', () => {
  it('refuses a sign-in POST over 256 KiB with 413 before reading it all', async () => {
    const h = createHarness();
    const v = await visitor(h);
    const res = await postForm(
      h,
      '/login',
      { _csrf: v.csrfToken, username: 'ana', password: 'x'.repeat(300 * 1024) },
      { cookie: v.cookie, accept: 'application/json' },
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { message: 'This request is too large.' } });
    expect(h.count('login_failures')).toBe(0);
  });
});
