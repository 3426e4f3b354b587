import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/auth-token.ts';
import { createPasswordReset, RESET_LINK_TTL_MS } from '../../src/auth/create-password-reset.ts';
import { setAccountDisabled } from '../../src/auth/set-account-disabled.ts';
import { changeAccountRole } from '../../src/auth/change-account-role.ts';
import { verifyPassword } from '../../src/auth/password.ts';
import { DomainError } from '../../src/errors.ts';
import { auditRows, caught, PASSWORD, seedAccount } from '../helpers/accounts.ts';
import { BROWSER, postForm, signedIn, visitor, type Browser } from '../helpers/dashboard.ts';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';

const NEW_PASSWORD = 'a much longer new passphrase';
const LINK = /\/reset\/([A-Za-z0-9_-]{43})/;

function page(h: Harness, path: string, b?: Browser, headers: Record<string, string> = {}) {
  return h.app.request(path, {
    headers: { ...BROWSER, ...(b ? { cookie: b.cookie } : {}), ...headers },
  });
}

function post(
  h: Harness,
  b: Browser,
  path: string,
  fields: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  return postForm(h, path, { _csrf: b.csrfToken, ...fields }, { cookie: b.cookie, ...headers });
}

/** Opens a password link anonymously and posts the form, as a browser without a session. */
async function usePasswordLink(
  h: Harness,
  token: string,
  password = NEW_PASSWORD,
  confirm = password,
) {
  const v = await visitor(h);
  return postForm(
    h,
    `/reset/${token}`,
    { _csrf: v.csrfToken, password, confirm },
    { cookie: v.cookie },
  );
}

function accountRow(h: Harness, username: string) {
  return h.db.$client
    .prepare('SELECT id, role, disabled, password_hash FROM accounts WHERE username = ?')
    .get(username) as { id: number; role: string; disabled: number; password_hash: string };
}

function resetRows(h: Harness) {
  return h.db.$client.prepare('SELECT * FROM password_reset_tokens').all() as {
    token_hash: string;
    account_id: number;
    created_by: string;
    expires_at: number;
    used_at: number | null;
  }[];
}

/** Every page must be free of secrets: no password hash, no stored token hash. */
function expectNoSecrets(h: Harness, html: string) {
  expect(html).not.toContain('$scrypt$');
  for (const row of resetRows(h)) expect(html).not.toContain(row.token_hash);
}

describe('/accounts for other roles', () => {
  it.each(['moderator', 'auditor'] as const)('answers 403 to a %s on every route', async (role) => {
    const h = createHarness();
    const target = await seedAccount(h, { username: 'bea' });
    const b = await signedIn(h, role);
    const path = `/accounts/${target.id}`;
    expect((await page(h, '/accounts', b)).status).toBe(403);
    expect((await post(h, b, '/accounts', { username: 'eve', role: 'admin' })).status).toBe(403);
    expect((await post(h, b, `${path}/role`, { role: 'admin' })).status).toBe(403);
    expect((await post(h, b, `${path}/status`, { status: 'disabled' })).status).toBe(403);
    expect((await post(h, b, `${path}/reset-link`)).status).toBe(403);
    expect(h.count('accounts')).toBe(2);
    expect(accountRow(h, 'bea')).toMatchObject({ role: 'moderator', disabled: 0 });
    expect(h.count('password_reset_tokens')).toBe(0);
  });

  it('sends a visitor to sign in', async () => {
    const h = createHarness();
    const res = await page(h, '/accounts');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Faccounts');
  });
});

describe('GET /accounts', () => {
  it('lists username, role, status, creation and last sign-in, never a hash', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    await seedAccount(h, { username: 'bea', role: 'auditor', disabled: true });
    h.db.$client
      .prepare("UPDATE accounts SET last_login_at = ? WHERE username = 'root'")
      .run(TEST_NOW);
    const res = await page(h, '/accounts', b);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(
      /<td data-label="Username">bea<\/td><td data-label="Role">auditor<\/td><td data-label="Status">disabled<\/td>/,
    );
    expect(html).toContain('<span class="muted"> (you)</span>');
    expect(html).toContain('2026-05-01 12:40:00 UTC');
    expect(html).toContain('<td data-label="Last sign-in">never</td>');
    expect(html).toContain('href="/accounts"');
    expectNoSecrets(h, html);
  });
});

describe('POST /accounts (add)', () => {
  it('creates the account without a usable password and shows a one-time link once', async () => {
    const h = createHarness({ publicUrl: 'https://mod.example.org' });
    const b = await signedIn(h, 'admin', 'root');
    const res = await post(h, b, '/accounts', { username: 'bea', role: 'moderator' });
    // POST-redirect-GET: a reload of the page shown does not send the form again.
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/accounts');
    const html = await (await page(h, '/accounts', b)).text();
    const token = LINK.exec(html)?.[1];
    expect(html).toContain(`https://mod.example.org/reset/${token}`);
    const bea = accountRow(h, 'bea');
    expect(bea).toMatchObject({ role: 'moderator', disabled: 0 });
    expect(await verifyPassword('', bea.password_hash)).toBe(false);
    expect(resetRows(h)).toEqual([
      {
        token_hash: hashToken(token!),
        account_id: bea.id,
        created_by: 'account:root',
        created_at: TEST_NOW,
        expires_at: TEST_NOW + RESET_LINK_TTL_MS,
        used_at: null,
      },
    ]);
    expectNoSecrets(h, html);
    const again = await (await page(h, '/accounts', b)).text();
    expect(again).not.toContain(token!);
    expect(again).toContain('password link open until <time datetime="2026-05-02T12:40:00.000Z">');
    const audit = auditRows(h).map((r) => [
      r.actor,
      r.action,
      r.target_id,
      JSON.parse(r.details_json),
    ]);
    expect(audit).toEqual([
      [
        'account:root',
        'account.add',
        String(bea.id),
        { username: 'bea', role: 'moderator', via: 'dashboard' },
      ],
      [
        'account:root',
        'account.reset_link',
        String(bea.id),
        { username: 'bea', expiresAt: '2026-05-02T12:40:00.000Z', firstPassword: true },
      ],
    ]);
    expect(JSON.stringify(auditRows(h))).not.toContain(token!);
  });

  it('answers 422 with the field error in the swapped panel, keeping what was typed', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    const res = await post(
      h,
      b,
      '/accounts',
      { username: 'no spaces<b>', role: 'auditor' },
      { 'hx-request': 'true' },
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html.startsWith('<div id="accounts-panel">')).toBe(true);
    expect(html).not.toContain('<html');
    expect(html).toContain('aria-invalid="true" aria-describedby="new-username-error"');
    expect(html).toContain('id="new-username-error">username may hold letters');
    expect(html).toContain('value="no spaces&lt;b&gt;"');
    expect(html).toContain('<option value="auditor" selected="">auditor</option>');
    expect(h.count('accounts')).toBe(1);
  });

  it('answers 422 for a taken name in any letter case and for an unknown role', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    const taken = await post(h, b, '/accounts', { username: 'ROOT', role: 'moderator' });
    expect(taken.status).toBe(422);
    expect(await taken.text()).toContain('already exists');
    const role = await post(h, b, '/accounts', { username: 'bea', role: 'owner' });
    expect(role.status).toBe(422);
    expect(await role.text()).toContain('id="new-role-error">role must be one of');
    expect(h.count('accounts')).toBe(1);
  });
});

describe('POST /accounts/:id/role', () => {
  it('changes the role, audits from and to, and applies at the next request', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    const mod = await signedIn(h, 'moderator', 'bea');
    const id = accountRow(h, 'bea').id;
    expect((await page(h, '/accounts', mod)).status).toBe(403);
    const res = await post(h, b, `/accounts/${id}/role`, { role: 'admin' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/accounts?done=role-changed.admin');
    expect(accountRow(h, 'bea').role).toBe('admin');
    expect((await page(h, '/accounts', mod)).status).toBe(200);
    expect(auditRows(h).map((r) => [r.action, JSON.parse(r.details_json)])).toEqual([
      ['account.role', { username: 'bea', from: 'moderator', to: 'admin' }],
    ]);
  });

  it('refuses an unknown role with 422 and an unknown account with 404', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    const bea = await seedAccount(h, { username: 'bea' });
    expect((await post(h, b, `/accounts/${bea.id}/role`, { role: 'root' })).status).toBe(422);
    expect((await post(h, b, '/accounts/999/role', { role: 'auditor' })).status).toBe(404);
    expect(accountRow(h, 'bea').role).toBe('moderator');
  });
});

describe('the admin guards', () => {
  it('refuses (409) to disable or demote the last enabled admin, who is also oneself', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    await seedAccount(h, { username: 'old', role: 'admin', disabled: true });
    const id = accountRow(h, 'root').id;
    for (const [path, fields] of [
      ['status', { status: 'disabled' }],
      ['role', { role: 'moderator' }],
    ] as const) {
      const res = await post(h, b, `/accounts/${id}/${path}`, fields);
      expect(res.status).toBe(409);
      const html = await res.text();
      expect(html).toContain('root is the last enabled admin');
      expect(html).toContain('<h1>Accounts</h1>');
    }
    expect(accountRow(h, 'root')).toMatchObject({ role: 'admin', disabled: 0 });
    expect(auditRows(h)).toEqual([]);
  });

  it('refuses (409) to let an admin disable or demote themselves while another admin exists', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    await seedAccount(h, { username: 'second', role: 'admin' });
    const id = accountRow(h, 'root').id;
    const disable = await post(h, b, `/accounts/${id}/status`, { status: 'disabled' });
    expect(disable.status).toBe(409);
    expect(await disable.text()).toContain('You cannot disable your own account');
    const demote = await post(h, b, `/accounts/${id}/role`, { role: 'auditor' });
    expect(demote.status).toBe(409);
    expect(await demote.text()).toContain('You cannot demote your own account');
    expect(accountRow(h, 'root')).toMatchObject({ role: 'admin', disabled: 0 });
  });

  it('keeps the last admin from the command line too, and lets another admin be demoted', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'root', role: 'admin' });
    const error = await caught(() =>
      setAccountDisabled(h.deps, { username: 'root', disabled: true }, 'cli'),
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('conflict');
    const second = await seedAccount(h, { username: 'second', role: 'admin' });
    expect(changeAccountRole(h.deps, { accountId: second.id, role: 'auditor' }, 'cli')).toEqual({
      changed: true,
    });
  });
});

describe('POST /accounts/:id/status', () => {
  it('disables: the old cookie stops working at once, and the change is audited', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    const bea = await signedIn(h, 'moderator', 'bea');
    const id = accountRow(h, 'bea').id;
    createPasswordReset(h.deps, { accountId: id }, 'account:root');
    expect((await page(h, '/', bea)).status).toBe(200);
    const res = await post(h, b, `/accounts/${id}/status`, { status: 'disabled' });
    expect(res.status).toBe(303);
    expect(accountRow(h, 'bea').disabled).toBe(1);
    expect(h.count('sessions', `account_id = ${id}`)).toBe(0);
    const after = await page(h, '/', bea);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/login');
    expect(resetRows(h)).toEqual([]);
    const entry = auditRows(h).find((r) => r.action === 'account.disable')!;
    expect(entry.actor).toBe('account:root');
    expect(JSON.parse(entry.details_json)).toEqual({
      username: 'bea',
      sessionsEnded: 1,
      resetLinksCancelled: 1,
    });
    const enable = await post(h, b, `/accounts/${id}/status`, { status: 'enabled' });
    expect(enable.status).toBe(303);
    expect(accountRow(h, 'bea').disabled).toBe(0);
    expect(auditRows(h).at(-1)!.action).toBe('account.enable');
  });
});

describe('password links', () => {
  async function linkFor(h: Harness, b: Browser, username: string) {
    const res = await post(h, b, `/accounts/${accountRow(h, username).id}/reset-link`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/accounts');
    const html = await (await page(h, '/accounts', b)).text();
    expectNoSecrets(h, html);
    return LINK.exec(html)![1]!;
  }

  it('answers with a redirect and shows the link once, on the next page of that session only', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    const other = await signedIn(h, 'admin', 'ada');
    await seedAccount(h, { username: 'bea' });
    const res = await post(h, b, `/accounts/${accountRow(h, 'bea').id}/reset-link`);
    expect(res.status).toBe(303);
    expect(await res.text()).not.toMatch(LINK);
    // Another admin's page does not get it, and the redirect's URL does not carry it.
    expect(await (await page(h, '/accounts', other)).text()).not.toMatch(LINK);
    const shown = await (await page(h, '/accounts', b)).text();
    const token = LINK.exec(shown)![1]!;
    expect(shown).toContain('Password link for bea');
    // A reload shows the list without it; only one link was made.
    expect(await (await page(h, '/accounts', b)).text()).not.toContain(token);
    expect(h.count('password_reset_tokens')).toBe(1);
  });

  it('follows the redirect for htmx with the panel and the link in it', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    const res = await post(
      h,
      b,
      '/accounts',
      { username: 'bea', role: 'auditor' },
      {
        'hx-request': 'true',
      },
    );
    expect(res.status).toBe(303);
    const panel = await (await page(h, '/accounts', b, { 'hx-request': 'true' })).text();
    expect(panel.startsWith('<div id="accounts-panel">')).toBe(true);
    expect(panel).toContain('Account bea created.');
    expect(panel).toMatch(LINK);
  });

  it('works once without signing in, ends the sessions, and then answers 410', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    const bea = await signedIn(h, 'moderator', 'bea');
    const token = await linkFor(h, b, 'bea');
    const form = await page(h, `/reset/${token}`);
    expect(form.status).toBe(200);
    const formHtml = await form.text();
    expect(formHtml).toContain('Set the password of bea');
    expect(formHtml).toContain('name="_csrf"');
    expectNoSecrets(h, formHtml);

    const res = await usePasswordLink(h, token);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Password set');
    expect(await verifyPassword(NEW_PASSWORD, accountRow(h, 'bea').password_hash)).toBe(true);
    expect((await page(h, '/', bea)).status).toBe(303);
    expect(resetRows(h)[0]!.used_at).toBe(TEST_NOW);
    expect(await (await page(h, '/accounts', b)).text()).not.toContain('password link open');
    const entry = auditRows(h).at(-1)!;
    expect([entry.actor, entry.action]).toEqual(['account:bea', 'account.password_reset']);
    expect(JSON.parse(entry.details_json)).toEqual({
      username: 'bea',
      linkBy: 'account:root',
      sessionsEnded: 1,
    });
    expect(entry.details_json).not.toContain(NEW_PASSWORD);

    const v = await visitor(h);
    const signIn = await postForm(
      h,
      '/login',
      { _csrf: v.csrfToken, username: 'bea', password: NEW_PASSWORD },
      { cookie: v.cookie },
    );
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/');

    const reopened = await page(h, `/reset/${token}`);
    expect(reopened.status).toBe(410);
    expect(await reopened.text()).toContain('already used');
    const reused = await usePasswordLink(h, token, 'yet another passphrase');
    expect(reused.status).toBe(410);
    expect(await verifyPassword(NEW_PASSWORD, accountRow(h, 'bea').password_hash)).toBe(true);
  });

  it('answers 410 once the link has expired, and 404 for an unknown or replaced one', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    await seedAccount(h, { username: 'bea' });
    const first = await linkFor(h, b, 'bea');
    const token = await linkFor(h, b, 'bea');
    expect((await page(h, `/reset/${first}`)).status).toBe(404);
    expect((await page(h, `/reset/${'x'.repeat(43)}`)).status).toBe(404);
    h.advance(RESET_LINK_TTL_MS - 1);
    expect((await page(h, `/reset/${token}`)).status).toBe(200);
    h.advance(1);
    const expired = await page(h, `/reset/${token}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('has expired');
    const posted = await usePasswordLink(h, token);
    expect(posted.status).toBe(410);
    expect(await verifyPassword(PASSWORD, accountRow(h, 'bea').password_hash)).toBe(true);
  });

  it('holds new passwords to the policy of every account (422), and the link still works', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    await seedAccount(h, { username: 'bea' });
    const token = await linkFor(h, b, 'bea');
    const short = await usePasswordLink(h, token, 'short');
    expect(short.status).toBe(422);
    const html = await short.text();
    expect(html).toContain('id="password-error">password must be at least 12 characters');
    expect(html).not.toContain('short');
    const differ = await usePasswordLink(h, token, NEW_PASSWORD, `${NEW_PASSWORD}!`);
    expect(differ.status).toBe(422);
    expect(await differ.text()).toContain('id="confirm-error">The two passwords differ.');
    expect(resetRows(h)[0]!.used_at).toBeNull();
    expect((await usePasswordLink(h, token)).status).toBe(200);
  });

  it('refuses the anonymous form without the visitor CSRF token', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    await seedAccount(h, { username: 'bea' });
    const token = await linkFor(h, b, 'bea');
    const v = await visitor(h);
    const res = await postForm(
      h,
      `/reset/${token}`,
      { _csrf: 'forged'.padEnd(43, 'x'), password: NEW_PASSWORD, confirm: NEW_PASSWORD },
      { cookie: v.cookie },
    );
    expect(res.status).toBe(403);
    expect(resetRows(h)[0]!.used_at).toBeNull();
  });

  it('is refused (409) for a disabled account', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin', 'root');
    const bea = await seedAccount(h, { username: 'bea', disabled: true });
    const res = await post(h, b, `/accounts/${bea.id}/reset-link`);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('enable the account');
    expect(h.count('password_reset_tokens')).toBe(0);
  });
});
