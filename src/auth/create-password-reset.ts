import { and, eq, isNull } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import type { Db } from '../db/client.ts';
import { accounts, passwordResetTokens } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { generateToken, hashToken } from './auth-token.ts';
import { RESET_LINK_TTL_MS } from './session-policy.ts';

export { RESET_LINK_TTL_MS };

/** A one-time link's token (shown once, never stored) and when it stops working. */
export type ResetLink = { token: string; expiresAt: number; username: string };

/**
 * Makes a one-time set-password link for an account, valid for 24 h, and audits
 * `account.reset_link` (never the token). Earlier unused links of the account stop working:
 * only the newest one is valid. Only the token's SHA-256 is stored; the token is returned
 * here, once. Throws `not_found`, and `conflict` for a disabled account (enable it first).
 */
export function createPasswordReset(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { accountId: number },
  actor: string,
): ResetLink {
  const at = deps.now();
  return deps.db.transaction((tx) => {
    const account = tx
      .select({ id: accounts.id, username: accounts.username, disabled: accounts.disabled })
      .from(accounts)
      .where(eq(accounts.id, input.accountId))
      .get();
    if (account === undefined) throw new DomainError('not_found', 'no such account');
    if (account.disabled) {
      throw new DomainError(
        'conflict',
        `${account.username} is disabled: enable the account before making a password link.`,
      );
    }
    return issueResetLink(tx, account, at, actor);
  });
}

/** Ends an account's unused password links; returns how many there were. */
export function cancelResetLinks(tx: Pick<Db, 'delete'>, accountId: number): number {
  return tx
    .delete(passwordResetTokens)
    .where(and(eq(passwordResetTokens.accountId, accountId), isNull(passwordResetTokens.usedAt)))
    .run().changes;
}

/** Inserts a new reset token for an account and its audit entry; inside the caller's transaction. */
export function issueResetLink(
  tx: Pick<Db, 'insert' | 'delete'>,
  account: { id: number; username: string },
  at: number,
  actor: string,
  details: Record<string, unknown> = {},
): ResetLink {
  cancelResetLinks(tx, account.id);
  const token = generateToken();
  const expiresAt = at + RESET_LINK_TTL_MS;
  tx.insert(passwordResetTokens)
    .values({
      tokenHash: hashToken(token),
      accountId: account.id,
      createdBy: actor,
      createdAt: at,
      expiresAt,
    })
    .run();
  appendAudit(tx, {
    at,
    actor,
    action: 'account.reset_link',
    targetType: 'account',
    targetId: String(account.id),
    details: {
      username: account.username,
      expiresAt: new Date(expiresAt).toISOString(),
      ...details,
    },
  });
  return { token, expiresAt, username: account.username };
}
