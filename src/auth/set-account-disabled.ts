import { eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { accounts, sessions } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { accountKey } from './account-fields.ts';

/**
 * Disables an account (it can no longer sign in, and its sessions end at once) or enables it
 * again, audited `account.disable` / `account.enable` in the same transaction. Idempotent:
 * the current state changes nothing and writes no audit entry. Throws `not_found`.
 */
export function setAccountDisabled(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { username: string; disabled: boolean },
  actor: string,
): { changed: boolean } {
  const at = deps.now();
  return deps.db.transaction((tx) => {
    const account = tx
      .select({ id: accounts.id, disabled: accounts.disabled })
      .from(accounts)
      .where(sql`lower(${accounts.username}) = ${accountKey(input.username)}`)
      .get();
    if (account === undefined) {
      throw new DomainError('not_found', `no account named "${input.username}"`, 'username');
    }
    if (account.disabled === input.disabled) return { changed: false };
    tx.update(accounts).set({ disabled: input.disabled }).where(eq(accounts.id, account.id)).run();
    const ended = input.disabled
      ? tx.delete(sessions).where(eq(sessions.accountId, account.id)).run().changes
      : 0;
    appendAudit(tx, {
      at,
      actor,
      action: input.disabled ? 'account.disable' : 'account.enable',
      targetType: 'account',
      targetId: String(account.id),
      details: input.disabled ? { sessionsEnded: ended } : {},
    });
    return { changed: true };
  });
}
