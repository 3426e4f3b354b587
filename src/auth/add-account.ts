import { sql } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import type { Db } from '../db/client.ts';
import { accounts } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import {
  accountKey,
  NewAccount,
  parseInput,
  type AccountView,
  type Role,
} from './account-fields.ts';
import { hashPassword } from './password.ts';

type Tx = Pick<Db, 'select' | 'insert'>;

/**
 * Creates a dashboard account with a scrypt-hashed password and audits `account.add` (username
 * and role, never the password) in one transaction. Throws `invalid_input` naming the field
 * (username, role, or a password under 12 characters) and `conflict` when the username is taken
 * in any letter case.
 */
export async function addAccount(
  deps: Pick<Deps, 'db' | 'now'>,
  input: NewAccount,
  actor: string,
): Promise<AccountView> {
  const { username, role, password } = parseInput(NewAccount, input);
  assertUsernameFree(deps.db, username); // before the costly hash; checked again when inserting
  const passwordHash = await hashPassword(password);
  const at = deps.now();
  return deps.db.transaction((tx) =>
    insertAccount(tx, { username, role, passwordHash }, at, actor),
  );
}

/** Inserts a validated account and its audit entry; call it inside the caller's transaction. */
export function insertAccount(
  tx: Tx,
  account: { username: string; role: Role; passwordHash: string },
  at: number,
  actor: string,
  details: Record<string, unknown> = {},
): AccountView {
  assertUsernameFree(tx, account.username);
  let id: number;
  try {
    id = tx
      .insert(accounts)
      .values({ ...account, createdAt: at })
      .returning({ id: accounts.id })
      .get().id;
  } catch (error) {
    // Another process (the CLI beside the server) took the name since the check.
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') taken(account.username);
    throw error;
  }
  appendAudit(tx, {
    at,
    actor,
    action: 'account.add',
    targetType: 'account',
    targetId: String(id),
    details: { username: account.username, role: account.role, ...details },
  });
  return { id, username: account.username, role: account.role };
}

function assertUsernameFree(db: Pick<Db, 'select'>, username: string): void {
  const existing = db
    .select({ id: accounts.id })
    .from(accounts)
    .where(sql`lower(${accounts.username}) = ${accountKey(username)}`)
    .get();
  if (existing !== undefined) taken(username);
}

function taken(username: string): never {
  throw new DomainError(
    'conflict',
    `an account named "${username}" already exists (names are compared regardless of case)`,
    'username',
  );
}
