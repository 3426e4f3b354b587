import { accounts } from '../../src/db/schema.ts';
import type { Role } from '../../src/auth/account-fields.ts';
import { hashPassword } from '../../src/auth/password.ts';
import type { Harness } from './harness.ts';

/** A password that passes the 12-character minimum. */
export const PASSWORD = 'correct horse battery';

/**
 * scrypt at a small cost, for accounts tests only seed: every hash carries its parameters, so
 * sign-in verifies these as fast as they were made (the real cost is tested in password.test).
 */
export const CHEAP_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

/** Inserts an account directly (no audit entry), hashed cheaply. */
export async function seedAccount(
  h: Pick<Harness, 'db' | 'deps'>,
  input: { username?: string; role?: Role; password?: string; disabled?: boolean } = {},
) {
  const username = input.username ?? 'ana';
  const role = input.role ?? 'moderator';
  const passwordHash = await hashPassword(input.password ?? PASSWORD, CHEAP_SCRYPT);
  const { id } = h.db
    .insert(accounts)
    .values({
      username,
      role,
      passwordHash,
      disabled: input.disabled ?? false,
      createdAt: h.deps.now(),
    })
    .returning({ id: accounts.id })
    .get();
  return { id, username, role };
}

type AuditRow = {
  at: number;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  details_json: string;
};

/** The audit log, oldest first. */
export function auditRows(h: Harness): AuditRow[] {
  return h.db.$client
    .prepare(
      'SELECT at, actor, action, target_type, target_id, details_json FROM audit_log ORDER BY id',
    )
    .all() as AuditRow[];
}

/** The error `fn` throws or rejects with; fails the test when there is none. */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
