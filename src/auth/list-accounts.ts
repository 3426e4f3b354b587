import { asc } from 'drizzle-orm';
import { accounts } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import type { Role } from './account-fields.ts';

export type AccountSummary = {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  lastLoginAt: number | null;
};

/** Every account in creation order; password hashes are never read. */
export function listAccounts(deps: Pick<Deps, 'db'>): AccountSummary[] {
  return deps.db
    .select({
      id: accounts.id,
      username: accounts.username,
      role: accounts.role,
      disabled: accounts.disabled,
      createdAt: accounts.createdAt,
      lastLoginAt: accounts.lastLoginAt,
    })
    .from(accounts)
    .orderBy(asc(accounts.id))
    .all();
}
