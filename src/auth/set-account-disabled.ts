import { eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { accounts, sessions } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { accountKey } from './account-fields.ts';
import { cancelResetLinks } from './create-password-reset.ts';
import { keepAnAdmin } from './keep-an-admin.ts';

/** Which account: by name (any letter case; the CLI) or by id (the dashboard). */
export type AccountRef = { username: string } | { accountId: number };

/**
 * Disables an account (it can no longer sign in, its sessions end at once and its unused
 * password reset links stop working) or enables it again, audited `account.disable` /
 * `account.enable` in the same transaction. Idempotent: the current state changes nothing and
 * writes no audit entry. Throws `not_found`, and `conflict` when it would disable the last
 * enabled admin or, with `selfId`, the signed-in admin themselves.
 */
export function setAccountDisabled(
  deps: Pick<Deps, 'db' | 'now'>,
  input: AccountRef & { disabled: boolean },
  actor: string,
  selfId?: number,
): { changed: boolean } {
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
      .where(
        'accountId' in input
          ? eq(accounts.id, input.accountId)
          : sql`lower(${accounts.username}) = ${accountKey(input.username)}`,
      )
      .get();
    if (account === undefined) {
      throw 'accountId' in input
        ? new DomainError('not_found', 'no such account')
        : new DomainError('not_found', `no account named "${input.username}"`, 'username');
    }
    if (account.disabled === input.disabled) return { changed: false };
    if (input.disabled) keepAnAdmin(tx, account, 'disable', selfId);
    tx.update(accounts).set({ disabled: input.disabled }).where(eq(accounts.id, account.id)).run();
    const details = input.disabled
      ? {
          username: account.username,
          sessionsEnded: tx.delete(sessions).where(eq(sessions.accountId, account.id)).run()
            .changes,
          resetLinksCancelled: cancelResetLinks(tx, account.id),
        }
      : { username: account.username };
    appendAudit(tx, {
      at,
      actor,
      action: input.disabled ? 'account.disable' : 'account.enable',
      targetType: 'account',
      targetId: String(account.id),
      details,
    });
    return { changed: true };
  });
}
