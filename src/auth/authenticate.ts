import { eq, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { accounts, loginFailures } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import {
  accountActor,
  accountKey,
  MAX_PASSWORD_LENGTH,
  type AccountView,
} from './account-fields.ts';
import { createSession, type NewSession } from './create-session.ts';
import { addressKey, beginLoginAttempt, clearLoginFailures } from './login-throttle.ts';
import { verifyNothing, verifyPassword } from './password.ts';

export type Credentials = { username: string; password: string; address?: string };
export type SignedIn = NewSession & { account: AccountView };

/** The one message of every refused sign-in: it never tells which part was wrong. */
export const WRONG_CREDENTIALS = 'Wrong username or password.';

/**
 * Signs an account in: checks the throttle, then the password, then starts a session, stamps
 * the sign-in time and audits `account.login` in one transaction. Throws ThrottledError (code
 * `throttled`) past 5 failures per username or 20 per address in 15 minutes, before checking
 * the password; `unauthenticated` with WRONG_CREDENTIALS for an unknown username, a wrong
 * password or a disabled account, auditing `account.login_failed` (never with the password)
 * when the account exists. Usernames match regardless of case.
 */
export async function authenticate(
  deps: Pick<Deps, 'db' | 'now'>,
  credentials: Credentials,
): Promise<SignedIn> {
  const at = deps.now();
  const keys = {
    accountKey: accountKey(credentials.username),
    addressKey: addressKey(credentials.address),
  };
  const { attemptId, account } = deps.db.transaction((tx) => ({
    attemptId: beginLoginAttempt(tx, keys, at),
    account: tx
      .select()
      .from(accounts)
      .where(sql`lower(${accounts.username}) = ${keys.accountKey}`)
      .get(),
  }));

  const password = credentials.password;
  const usable = account !== undefined && !account.disabled;
  // Outside any transaction: scrypt runs on the thread pool while other requests go on.
  const matches =
    usable && password.length <= MAX_PASSWORD_LENGTH
      ? await verifyPassword(password, account.passwordHash)
      : await verifyNothing(password.slice(0, MAX_PASSWORD_LENGTH));

  if (!matches || account === undefined) {
    if (account !== undefined) {
      appendAudit(deps.db, {
        at,
        actor: accountActor(account),
        action: 'account.login_failed',
        targetType: 'account',
        targetId: String(account.id),
        details: {
          reason: account.disabled ? 'disabled' : 'wrong_password',
          address: keys.addressKey,
        },
      });
    }
    throw new DomainError('unauthenticated', WRONG_CREDENTIALS);
  }

  const view: AccountView = { id: account.id, username: account.username, role: account.role };
  return deps.db.transaction((tx) => {
    tx.delete(loginFailures).where(eq(loginFailures.id, attemptId)).run();
    clearLoginFailures(tx, keys);
    tx.update(accounts).set({ lastLoginAt: at }).where(eq(accounts.id, view.id)).run();
    const session = createSession(tx, view.id, at);
    appendAudit(tx, {
      at,
      actor: accountActor(view),
      action: 'account.login',
      targetType: 'account',
      targetId: String(view.id),
      details: { address: keys.addressKey },
    });
    return { ...session, account: view };
  });
}
