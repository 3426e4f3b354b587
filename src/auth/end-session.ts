import { eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { accounts, sessions } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { accountActor } from './account-fields.ts';
import { hashToken } from './auth-token.ts';

/**
 * Signs out: deletes the session of a cookie token and audits `account.logout`, in one
 * transaction. Idempotent: an unknown or already ended token changes nothing and returns false.
 */
export function endSession(deps: Pick<Deps, 'db' | 'now'>, token: string): boolean {
  const at = deps.now();
  const tokenHash = hashToken(token);
  return deps.db.transaction((tx) => {
    const row = tx
      .select({ id: accounts.id, username: accounts.username })
      .from(sessions)
      .innerJoin(accounts, eq(accounts.id, sessions.accountId))
      .where(eq(sessions.tokenHash, tokenHash))
      .get();
    if (row === undefined) return false;
    tx.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
    appendAudit(tx, {
      at,
      actor: accountActor(row),
      action: 'account.logout',
      targetType: 'account',
      targetId: String(row.id),
    });
    return true;
  });
}
