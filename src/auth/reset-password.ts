import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { appendAudit } from '../audit/append-audit.ts';
import type { Db } from '../db/client.ts';
import { accounts, passwordResetTokens, sessions } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { accountActor, parseInput, Password } from './account-fields.ts';
import { hashToken } from './auth-token.ts';
import { hashPassword } from './password.ts';

/**
 * A password link that cannot be used: code `not_found`; `gone` when it existed but was used
 * or has expired (HTTP 410), false when it is unknown or was replaced (404).
 */
export class ResetLinkError extends DomainError {
  constructor(
    message: string,
    readonly gone: boolean,
  ) {
    super('not_found', message);
    this.name = 'ResetLinkError';
  }
}

const ASK_AGAIN = 'Ask an admin for a new link.';

export const PasswordReset = z.object({ token: z.string(), password: Password });
export type PasswordReset = z.input<typeof PasswordReset>;

/**
 * The account a password link is for; throws ResetLinkError when the link is unknown,
 * replaced by a newer one, cancelled (the account was disabled), used or expired.
 */
export function checkPasswordReset(
  deps: Pick<Deps, 'db' | 'now'>,
  token: string,
): { username: string; expiresAt: number } {
  const row = findUsableLink(deps.db, token, deps.now());
  return { username: row.username, expiresAt: row.expiresAt };
}

/**
 * Uses a password link, once: sets the account's password (scrypt), marks the link used, ends
 * every session of the account and audits `account.password_reset` (never the password), in one
 * transaction. Throws like checkPasswordReset, and `invalid_input` (field password) for a
 * password outside 12 to 1024 characters, the policy of every account.
 */
export async function resetPassword(
  deps: Pick<Deps, 'db' | 'now'>,
  input: PasswordReset,
): Promise<{ username: string }> {
  const { token, password } = parseInput(PasswordReset, input);
  checkPasswordReset(deps, token); // before the costly hash; checked again below
  const passwordHash = await hashPassword(password);
  const at = deps.now();
  return deps.db.transaction((tx) => {
    const link = findUsableLink(tx, token, at);
    tx.update(passwordResetTokens)
      .set({ usedAt: at })
      .where(
        and(eq(passwordResetTokens.tokenHash, link.tokenHash), isNull(passwordResetTokens.usedAt)),
      )
      .run();
    tx.update(accounts).set({ passwordHash }).where(eq(accounts.id, link.accountId)).run();
    const sessionsEnded = tx
      .delete(sessions)
      .where(eq(sessions.accountId, link.accountId))
      .run().changes;
    appendAudit(tx, {
      at,
      actor: accountActor(link),
      action: 'account.password_reset',
      targetType: 'account',
      targetId: String(link.accountId),
      details: { username: link.username, linkBy: link.createdBy, sessionsEnded },
    });
    return { username: link.username };
  });
}

function findUsableLink(db: Pick<Db, 'select'>, token: string, at: number) {
  const tokenHash = hashToken(token);
  const row = db
    .select({
      tokenHash: passwordResetTokens.tokenHash,
      accountId: passwordResetTokens.accountId,
      createdBy: passwordResetTokens.createdBy,
      expiresAt: passwordResetTokens.expiresAt,
      usedAt: passwordResetTokens.usedAt,
      username: accounts.username,
      disabled: accounts.disabled,
    })
    .from(passwordResetTokens)
    .innerJoin(accounts, eq(accounts.id, passwordResetTokens.accountId))
    .where(eq(passwordResetTokens.tokenHash, tokenHash))
    .get();
  if (row === undefined || row.disabled) {
    throw new ResetLinkError(`This password link is not valid. ${ASK_AGAIN}`, false);
  }
  if (row.usedAt !== null) {
    throw new ResetLinkError(`This password link was already used. ${ASK_AGAIN}`, true);
  }
  if (at >= row.expiresAt) {
    throw new ResetLinkError(`This password link has expired. ${ASK_AGAIN}`, true);
  }
  return row;
}
