import { describe, expect, it } from 'vitest';
import { authenticate, WRONG_CREDENTIALS } from '../../src/auth/authenticate.ts';
import { findSession } from '../../src/auth/find-session.ts';
import { hashToken } from '../../src/auth/auth-token.ts';
import {
  ADDRESS_FAILURE_LIMIT,
  PAIR_FAILURE_LIMIT,
  THROTTLE_WINDOW_MS,
} from '../../src/auth/login-throttle.ts';
import { DomainError, ThrottledError } from '../../src/errors.ts';
import { auditRows, caught, PASSWORD, seedAccount } from '../helpers/accounts.ts';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';

const ADDRESS = '203.0.113.9';

function signIn(h: Harness, username: string, password: string, address = ADDRESS) {
  return authenticate(h.deps, { username, password, address });
}

async function failTimes(h: Harness, n: number, username: string, address = ADDRESS) {
  for (let i = 0; i < n; i++) {
    const error = await caught(() => signIn(h, username, 'wrong password!', address));
    expect(error).toMatchObject({ code: 'unauthenticated' });
  }
}

describe('authenticate', () => {
  it('signs in with the right password: a session stored by token hash, last login, an audit entry', async () => {
    const h = createHarness();
    const ana = await seedAccount(h, { username: 'ana', role: 'moderator' });
    const signedIn = await signIn(h, 'ana', PASSWORD);
    expect(signedIn).toEqual({
      account: { id: ana.id, username: 'ana', role: 'moderator' },
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const sessions = h.db.$client.prepare('SELECT * FROM sessions').all();
    expect(sessions).toEqual([
      {
        token_hash: hashToken(signedIn.token),
        account_id: ana.id,
        created_at: TEST_NOW,
        last_seen_at: TEST_NOW,
        csrf_token: signedIn.csrfToken,
      },
    ]);
    expect(JSON.stringify(sessions)).not.toContain(signedIn.token);
    expect(h.count('accounts', `last_login_at = ${TEST_NOW}`)).toBe(1);
    expect(auditRows(h)).toEqual([
      {
        at: TEST_NOW,
        actor: 'account:ana',
        action: 'account.login',
        target_type: 'account',
        target_id: String(ana.id),
        details_json: JSON.stringify({ address: ADDRESS }),
      },
    ]);
  });

  it('matches the username regardless of case', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'Ana' });
    const signedIn = await signIn(h, 'ANA', PASSWORD);
    expect(signedIn.account.username).toBe('Ana');
  });

  it.each([
    ['a wrong password', 'ana', 'wrong password!'],
    ['an unknown username', 'bob', PASSWORD],
  ])('refuses %s with the same generic message', async (_, username, password) => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    const error = await caught(() => signIn(h, username, password));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'unauthenticated', message: WRONG_CREDENTIALS });
    expect(WRONG_CREDENTIALS).toBe('Wrong username or password.');
    expect(h.count('sessions')).toBe(0);
  });

  it('refuses a disabled account even with the right password, with the same message', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana', disabled: true });
    const error = await caught(() => signIn(h, 'ana', PASSWORD));
    expect(error).toMatchObject({ code: 'unauthenticated', message: WRONG_CREDENTIALS });
    expect(h.count('sessions')).toBe(0);
    expect(JSON.parse(auditRows(h)[0]!.details_json)).toEqual({
      reason: 'disabled',
      address: ADDRESS,
    });
  });

  it('audits a failed sign-in of an existing account without the password', async () => {
    const h = createHarness();
    const ana = await seedAccount(h, { username: 'ana' });
    await caught(() => signIn(h, 'ana', 'a guessed password'));
    const rows = auditRows(h);
    expect(rows).toEqual([
      {
        at: TEST_NOW,
        actor: 'account:ana',
        action: 'account.login_failed',
        target_type: 'account',
        target_id: String(ana.id),
        details_json: JSON.stringify({ reason: 'wrong_password', address: ADDRESS }),
      },
    ]);
    expect(JSON.stringify(rows)).not.toContain('a guessed password');
  });

  it('does not audit attempts on unknown usernames, so anonymous traffic cannot grow the audit log', async () => {
    const h = createHarness();
    await caught(() => signIn(h, 'nobody', PASSWORD));
    expect(h.count('audit_log')).toBe(0);
    expect(h.count('login_failures')).toBe(1);
  });

  it('throttles a username from one address after 5 failures in 15 minutes, even with the right password', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    expect(PAIR_FAILURE_LIMIT).toBe(5);
    expect(THROTTLE_WINDOW_MS).toBe(15 * 60_000);
    await failTimes(h, 4, 'ana');
    h.advance(60_000);
    await failTimes(h, 1, 'ana');
    const error = await caught(() => signIn(h, 'ana', PASSWORD));
    expect(error).toBeInstanceOf(ThrottledError);
    // The first failure leaves the window 14 minutes from now; then one more attempt is allowed.
    expect(error).toMatchObject({ code: 'throttled', retryAfterSeconds: 14 * 60 });
    expect((error as Error).message).toContain('Try again in 14 min');
    expect(h.count('sessions')).toBe(0);
  });

  it('lets the username try again once the oldest failure leaves the window', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    await failTimes(h, 5, 'ana');
    h.advance(THROTTLE_WINDOW_MS - 1);
    expect(await caught(() => signIn(h, 'ana', PASSWORD))).toMatchObject({
      code: 'throttled',
      retryAfterSeconds: 1,
    });
    h.advance(1);
    expect((await signIn(h, 'ana', PASSWORD)).account.username).toBe('ana');
  });

  it('throttles the username from that address regardless of case', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    for (let i = 0; i < 5; i++) {
      await caught(() => signIn(h, i % 2 ? 'ANA' : 'ana', 'wrong password!'));
    }
    const error = await caught(() => signIn(h, 'Ana', PASSWORD));
    expect(error).toMatchObject({ code: 'throttled' });
  });

  it('lets the username sign in from another address: a stranger cannot lock an account out', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    // 20 guesses from one address and 4 from each of five more: none reaches ana elsewhere.
    for (let i = 0; i < 20; i++) await caught(() => signIn(h, 'ana', 'wrong!', '198.51.100.0'));
    for (let i = 1; i <= 5; i++) await failTimes(h, 4, 'ana', `198.51.100.${i}`);
    expect((await signIn(h, 'ana', PASSWORD, '192.0.2.77')).account.username).toBe('ana');
    expect(await caught(() => signIn(h, 'ana', PASSWORD, '198.51.100.0'))).toMatchObject({
      code: 'throttled',
    });
  });

  it('throttles an address after 20 failures across usernames, and not another address', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    expect(ADDRESS_FAILURE_LIMIT).toBe(20);
    for (let i = 0; i < 4; i++) {
      await seedAccount(h, { username: `user${i}` });
      await failTimes(h, 5, `user${i}`);
    }
    const error = await caught(() => signIn(h, 'ana', PASSWORD));
    expect(error).toMatchObject({ code: 'throttled', retryAfterSeconds: 15 * 60 });
    const other = await signIn(h, 'ana', PASSWORD, '192.0.2.1');
    expect(other.account.username).toBe('ana');
  });

  it('throttles a whole IPv6 /64 as one address', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    for (let i = 0; i < 20; i++) {
      if (i % 5 === 0) await seedAccount(h, { username: `user${i}` });
      await failTimes(h, 1, `user${i - (i % 5)}`, `2001:db8:1:2::${i + 1}`);
    }
    const error = await caught(() => signIn(h, 'ana', PASSWORD, '2001:db8:1:2:ffff::1'));
    expect(error).toMatchObject({ code: 'throttled' });
  });

  it('counts an attempt before its password is checked, so parallel guesses cannot pass the limit', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => signIn(h, 'ana', 'wrong password!')),
    );
    const codes = results.map((r) =>
      r.status === 'rejected' ? (r.reason as DomainError).code : 'ok',
    );
    expect(codes.filter((c) => c === 'unauthenticated')).toHaveLength(5);
    expect(codes.filter((c) => c === 'throttled')).toHaveLength(7);
  });

  it('forgets the failures of a username from the address it signed in from, and only those', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    await failTimes(h, 4, 'ana');
    await failTimes(h, 3, 'ana', '198.51.100.1');
    await signIn(h, 'ana', PASSWORD);
    expect(h.count('login_failures', `address_key = '${ADDRESS}'`)).toBe(0);
    expect(h.count('login_failures', `address_key = '198.51.100.1'`)).toBe(3);
    await failTimes(h, 4, 'ana');
    expect((await signIn(h, 'ana', PASSWORD)).account.username).toBe('ana');
  });

  it("does not let a guesser's own sign-in clear its guesses at another username", async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    await seedAccount(h, { username: 'mallory' });
    await failTimes(h, 5, 'ana');
    await signIn(h, 'mallory', PASSWORD);
    expect(await caught(() => signIn(h, 'ana', 'wrong password!'))).toMatchObject({
      code: 'throttled',
    });
  });

  it('deletes failures older than the window as new attempts come, so the table stays bounded', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    await failTimes(h, 3, 'ana');
    h.advance(THROTTLE_WINDOW_MS);
    await failTimes(h, 1, 'ana');
    expect(h.count('login_failures')).toBe(1);
  });

  it('gives a session that findSession finds', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana', role: 'auditor' });
    const signedIn = await signIn(h, 'ana', PASSWORD);
    expect(findSession(h.deps, signedIn.token)?.account).toEqual(signedIn.account);
  });
});
