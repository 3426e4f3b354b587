import { lte, or } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sessions } from '../db/schema.ts';
import { generateToken, hashToken } from './auth-token.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from './session-policy.ts';

/** A new session's secrets: the cookie token (only its hash is stored) and its CSRF token. */
export type NewSession = { token: string; csrfToken: string };

/**
 * Starts a session for an account and deletes every session that has ended, so the table holds
 * live sessions only. Call it inside the transaction that signs the account in (and audits it).
 */
export function createSession(
  tx: Pick<Db, 'insert' | 'delete'>,
  accountId: number,
  at: number,
): NewSession {
  tx.delete(sessions)
    .where(
      or(
        lte(sessions.lastSeenAt, at - SESSION_IDLE_MS),
        lte(sessions.createdAt, at - SESSION_ABSOLUTE_MS),
      ),
    )
    .run();
  const token = generateToken();
  const csrfToken = generateToken();
  tx.insert(sessions)
    .values({ tokenHash: hashToken(token), accountId, createdAt: at, lastSeenAt: at, csrfToken })
    .run();
  return { token, csrfToken };
}
