import { eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { accounts } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { parseInput, Role } from './account-fields.ts';
import { keepAnAdmin } from './keep-an-admin.ts';
import { z } from 'zod';

const RoleChange = z.object({ accountId: z.number().int().positive(), role: Role });
export type RoleChange = z.input<typeof RoleChange>;

/**
 * Gives an account another role, audited `account.role` ({username, from, to}) in the same
 * transaction; sessions stay, and the new role applies from their next request. Idempotent: the
 * current role changes nothing and writes no audit entry. Throws `invalid_input` (role),
 * `not_found`, and `conflict` when it would demote the last enabled admin or, with `selfId`,
 * the signed-in admin themselves.
 */
export function changeAccountRole(
  deps: Pick<Deps, 'db' | 'now'>,
  input: RoleChange,
  actor: string,
  selfId?: number,
): { changed: boolean } {
  const { accountId, role } = parseInput(RoleChange, input);
  const at = deps.now();
  return deps.db.transaction((tx) => {
    const account = tx
      .select({
        id: accounts.id,
        username: accounts.username,
        role: accounts.role,
        disabled: accounts.disabled,
      })
      .from(accounts)
      .where(eq(accounts.id, accountId))
      .get();
    if (account === undefined) throw new DomainError('not_found', 'no such account');
    if (account.role === role) return { changed: false };
    if (account.role === 'admin') keepAnAdmin(tx, account, 'demote', selfId);
    tx.update(accounts).set({ role }).where(eq(accounts.id, account.id)).run();
    appendAudit(tx, {
      at,
      actor,
      action: 'account.role',
      targetType: 'account',
      targetId: String(account.id),
      details: { username: account.username, from: account.role, to: role },
    });
    return { changed: true };
  });
}
