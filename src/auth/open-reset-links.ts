import { and, gt, isNull } from 'drizzle-orm';
import { passwordResetTokens } from '../db/schema.ts';
import type { Deps } from '../deps.ts';

/**
 * When each account's unused password link expires, for the accounts that have one still valid
 * (a newer link replaces older ones, so there is at most one). Never the token or its hash.
 */
export function openResetLinks(deps: Pick<Deps, 'db' | 'now'>): Map<number, number> {
  const rows = deps.db
    .select({ accountId: passwordResetTokens.accountId, expiresAt: passwordResetTokens.expiresAt })
    .from(passwordResetTokens)
    .where(and(isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, deps.now())))
    .all();
  return new Map(rows.map((r) => [r.accountId, r.expiresAt]));
}
