import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { announceFirstSetup } from '../../src/auth/announce-first-setup.ts';
import { hashToken } from '../../src/auth/auth-token.ts';
import { checkSetupToken, consumeSetupToken } from '../../src/auth/consume-setup-token.ts';
import { createSetupToken } from '../../src/auth/create-setup-token.ts';
import { findSession } from '../../src/auth/find-session.ts';
import { verifyPassword } from '../../src/auth/password.ts';
import { SETUP_TOKEN_TTL_MS } from '../../src/auth/session-policy.ts';
import { DomainError } from '../../src/errors.ts';
import { auditRows, caught, PASSWORD, seedAccount } from '../helpers/accounts.ts';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';

const HOUR = 3_600_000;

function consume(h: Harness, token: string, username = 'root') {
  return consumeSetupToken(h.deps, { token, username, password: PASSWORD });
}

describe('createSetupToken', () => {
  it('stores only the hash of a fresh 43-character token that expires in 24 hours', () => {
    const h = createHarness();
    const { token, expiresAt } = createSetupToken(h.deps);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(SETUP_TOKEN_TTL_MS).toBe(24 * HOUR);
    expect(expiresAt).toBe(TEST_NOW + 24 * HOUR);
    expect(h.db.$client.prepare('SELECT * FROM setup_tokens').all()).toEqual([
      { token_hash: hashToken(token), created_at: TEST_NOW, expires_at: expiresAt, used_at: null },
    ]);
  });

  it('replaces an unused earlier token: only the newest link works', () => {
    const h = createHarness();
    const first = createSetupToken(h.deps);
    const second = createSetupToken(h.deps);
    expect(() => checkSetupToken(h.deps, first.token)).toThrow(/not valid/);
    expect(() => checkSetupToken(h.deps, second.token)).not.toThrow();
  });
});

describe('consumeSetupToken', () => {
  it('creates the first admin, signs them in and audits both, in one go', async () => {
    const h = createHarness();
    const { token } = createSetupToken(h.deps);
    h.advance(1_000);
    const signedIn = await consume(h, token);
    expect(signedIn.account).toEqual({ id: expect.any(Number), username: 'root', role: 'admin' });
    expect(findSession(h.deps, signedIn.token)?.account).toEqual(signedIn.account);
    const { password_hash } = h.db.$client.prepare('SELECT password_hash FROM accounts').get() as {
      password_hash: string;
    };
    expect(await verifyPassword(PASSWORD, password_hash)).toBe(true);
    expect(h.count('setup_tokens', `used_at = ${TEST_NOW + 1_000}`)).toBe(1);
    expect(auditRows(h).map((r) => [r.action, r.actor, r.details_json])).toEqual([
      ['setup.issue_link', 'system', expect.any(String)],
      [
        'account.add',
        'account:root',
        JSON.stringify({ username: 'root', role: 'admin', via: 'setup_link' }),
      ],
      ['account.login', 'account:root', JSON.stringify({ via: 'setup_link' })],
    ]);
    expect(JSON.stringify(auditRows(h))).not.toContain(token);
  });

  it('works once: a second use is refused and creates nothing', async () => {
    const h = createHarness();
    const { token } = createSetupToken(h.deps);
    await consume(h, token);
    const error = await caught(() => consume(h, token, 'mallory'));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'not_found' });
    expect((error as Error).message).toContain('already used');
    expect(h.count('accounts')).toBe(1);
  });

  it('stops working 24 hours after it was issued', async () => {
    const h = createHarness();
    const { token } = createSetupToken(h.deps);
    h.advance(24 * HOUR - 1);
    expect(() => checkSetupToken(h.deps, token)).not.toThrow();
    h.advance(1);
    const error = await caught(() => consume(h, token));
    expect(error).toMatchObject({ code: 'not_found' });
    expect((error as Error).message).toContain('expired');
    expect(h.count('accounts')).toBe(0);
  });

  it('is refused with conflict once any account exists', async () => {
    const h = createHarness();
    const { token } = createSetupToken(h.deps);
    await seedAccount(h, { username: 'ana', role: 'admin' });
    const error = await caught(() => consume(h, token));
    expect(error).toMatchObject({ code: 'conflict' });
    expect(h.count('accounts')).toBe(1);
    expect(h.count('setup_tokens', 'used_at IS NULL')).toBe(1);
  });

  it.each([
    ['an unknown token', 'x'.repeat(43)],
    ['an empty token', ''],
  ])('is refused with not_found for %s', async (_, token) => {
    const h = createHarness();
    createSetupToken(h.deps);
    expect(await caught(() => consume(h, token))).toMatchObject({ code: 'not_found' });
  });

  it('refuses a short password with invalid_input and keeps the token usable', async () => {
    const h = createHarness();
    const { token } = createSetupToken(h.deps);
    const error = await caught(() =>
      consumeSetupToken(h.deps, { token, username: 'root', password: 'short' }),
    );
    expect(error).toMatchObject({ code: 'invalid_input', field: 'password' });
    expect(h.count('setup_tokens', 'used_at IS NULL')).toBe(1);
    expect((await consume(h, token)).account.role).toBe('admin');
  });
});

describe('announceFirstSetup', () => {
  it('with no accounts: issues a link under PUBLIC_URL, logs it and prints it in plain words', () => {
    const h = createHarness({ publicUrl: 'https://mod.example.org' });
    const logged: unknown[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    let printed = '';
    const url = announceFirstSetup({ ...h.deps, log }, (text) => (printed += text));
    expect(url).toMatch(/^https:\/\/mod\.example\.org\/setup\?token=[A-Za-z0-9_-]{43}$/);
    const token = new URL(url!).searchParams.get('token')!;
    expect(() => checkSetupToken(h.deps, token)).not.toThrow();
    expect(printed).toContain(url);
    expect(printed).toContain('create the first admin');
    expect(printed).toContain('works once');
    expect(logged).toEqual([
      expect.objectContaining({ level: 30, setupUrl: url, msg: expect.stringContaining('setup') }),
    ]);
  });

  it('with an account: issues nothing and prints nothing', async () => {
    const h = createHarness();
    await seedAccount(h);
    let printed = '';
    expect(announceFirstSetup(h.deps, (text) => (printed += text))).toBeNull();
    expect(printed).toBe('');
    expect(h.count('setup_tokens')).toBe(0);
  });
});
