import { describe, expect, it } from 'vitest';
import { addAccount } from '../../src/auth/add-account.ts';
import { listAccounts } from '../../src/auth/list-accounts.ts';
import { verifyPassword } from '../../src/auth/password.ts';
import { DomainError } from '../../src/errors.ts';
import { auditRows, caught, PASSWORD, seedAccount } from '../helpers/accounts.ts';
import { createHarness, TEST_NOW } from '../helpers/harness.ts';

function passwordHashOf(h: ReturnType<typeof createHarness>, username: string): string {
  const row = h.db.$client
    .prepare('SELECT password_hash FROM accounts WHERE username = ?')
    .get(username) as { password_hash: string };
  return row.password_hash;
}

describe('addAccount', () => {
  it('stores the account with a scrypt hash of the password, and audits it without the password', async () => {
    const h = createHarness();
    const created = await addAccount(
      h.deps,
      { username: 'Ana', role: 'admin', password: PASSWORD },
      'cli',
    );
    expect(created).toEqual({ id: expect.any(Number), username: 'Ana', role: 'admin' });
    const hash = passwordHashOf(h, 'Ana');
    expect(hash).toMatch(/^\$scrypt\$ln=16,r=8,p=2\$/);
    expect(await verifyPassword(PASSWORD, hash)).toBe(true);
    expect(listAccounts(h.deps)).toEqual([
      {
        id: created.id,
        username: 'Ana',
        role: 'admin',
        disabled: false,
        createdAt: TEST_NOW,
        lastLoginAt: null,
      },
    ]);
    const audit = auditRows(h);
    expect(audit).toEqual([
      {
        at: TEST_NOW,
        actor: 'cli',
        action: 'account.add',
        target_type: 'account',
        target_id: String(created.id),
        details_json: JSON.stringify({ username: 'Ana', role: 'admin' }),
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
    expect(JSON.stringify(audit)).not.toContain(hash);
  });

  it.each([['ana'], ['ANA'], ['aNa']])(
    'refuses %s with conflict when "Ana" exists: usernames are unique regardless of case',
    async (username) => {
      const h = createHarness();
      await seedAccount(h, { username: 'Ana' });
      const error = await caught(() =>
        addAccount(h.deps, { username, role: 'moderator', password: PASSWORD }, 'cli'),
      );
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'conflict', field: 'username' });
      expect(h.count('accounts')).toBe(1);
      expect(h.count('audit_log')).toBe(0);
    },
  );

  it('refuses a second account of the same name at the database too', async () => {
    const h = createHarness();
    await seedAccount(h, { username: 'ana' });
    expect(() =>
      h.db.$client
        .prepare(
          "INSERT INTO accounts (username, role, password_hash, created_at) VALUES ('ANA', 'admin', 'x', 0)",
        )
        .run(),
    ).toThrow(/UNIQUE/);
  });

  it.each([
    ['the password is 11 characters', { password: 'x'.repeat(11) }, 'password', 'at least 12'],
    ['the password is over 1024 characters', { password: 'x'.repeat(1025) }, 'password', '1024'],
    ['the role is unknown', { role: 'owner' }, 'role', 'admin, moderator, auditor'],
    ['the username is empty', { username: '  ' }, 'username', 'empty'],
    ['the username holds a space', { username: 'ana maria' }, 'username', 'letters'],
    ['the username is not ASCII', { username: 'zoë' }, 'username', 'letters'],
    ['the username starts with a dot', { username: '.ana' }, 'username', 'start'],
    ['the username is over 64 characters', { username: 'a'.repeat(65) }, 'username', '64'],
  ])('refuses with invalid_input and writes nothing when %s', async (_, input, field, words) => {
    const h = createHarness();
    const error = await caught(() =>
      addAccount(
        h.deps,
        { username: 'ana', role: 'moderator', password: PASSWORD, ...input } as never,
        'cli',
      ),
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'invalid_input', field });
    expect((error as Error).message).toContain(words);
    expect(h.count('accounts')).toBe(0);
    expect(h.count('audit_log')).toBe(0);
  });

  it('trims the username', async () => {
    const h = createHarness();
    const created = await addAccount(
      h.deps,
      { username: '  ana.m@example ', role: 'auditor', password: PASSWORD },
      'cli',
    );
    expect(created.username).toBe('ana.m@example');
  });
});
