import { eq } from 'drizzle-orm';
import { accounts, sessions } from '../db/schema.ts';
import { isLockError } from '../db/sqlite-error.ts';
import type { Deps } from '../deps.ts';
import type { AccountView } from './account-fields.ts';
import { hashToken } from './auth-token.ts';
import { SESSION_TOUCH_MS, sessionEndsAt } from './session-policy.ts';

/** A live session as the dashboard sees it. */
export type Session = { account: AccountView; csrfToken: string; endsAt: number };

/**
 * The live session of a cookie token, or null when there is none: unknown, idle for 12 h,
 * older than 7 days, or its account disabled (such a row is deleted). Marks the session as
 * seen (at most once a minute), which moves its idle expiry.
 */
export function findSession(deps: Pick<Deps, 'db' | 'now'>, token: string): Session | null {
  if (!plausible(token)) return null;
  const at = deps.now();
  const tokenHash = hashToken(token);
  const row = sessionRow(deps, tokenHash);
  if (row === undefined) return null;
  if (row.disabled || at >= sessionEndsAt(row)) {
    bestEffort(() => deps.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run());
    return null;
  }
  let lastSeenAt = row.lastSeenAt;
  if (at - lastSeenAt >= SESSION_TOUCH_MS) {
    // Best effort: a page view must not fail because the writer thread holds the lock; the
    // next request marks the session again.
    const touched = bestEffort(() =>
      deps.db
        .update(sessions)
        .set({ lastSeenAt: at })
        .where(eq(sessions.tokenHash, tokenHash))
        .run(),
    );
    if (touched) lastSeenAt = at;
  }
  return {
    account: { id: row.id, username: row.username, role: row.role },
    csrfToken: row.csrfToken,
    endsAt: sessionEndsAt({ createdAt: row.createdAt, lastSeenAt }),
  };
}

/**
 * Whether the session of a cookie token is still live (as findSession decides), without marking
 * it as seen: a long-lived request such as the live-update stream asks this again and again,
 * and must end with its session rather than keep it alive.
 */
export function isSessionLive(deps: Pick<Deps, 'db' | 'now'>, token: string): boolean {
  if (!plausible(token)) return false;
  const row = sessionRow(deps, hashToken(token));
  return row !== undefined && !row.disabled && deps.now() < sessionEndsAt(row);
}

/** Runs a housekeeping write; false, and nothing written, when the lock was taken. */
function bestEffort(write: () => unknown): boolean {
  try {
    write();
    return true;
  } catch (error) {
    if (isLockError(error)) return false;
    throw error;
  }
}

const plausible = (token: string) => token.length > 0 && token.length <= 128;

function sessionRow(deps: Pick<Deps, 'db'>, tokenHash: string) {
  return deps.db
    .select({
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      csrfToken: sessions.csrfToken,
      id: accounts.id,
      username: accounts.username,
      role: accounts.role,
      disabled: accounts.disabled,
    })
    .from(sessions)
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(eq(sessions.tokenHash, tokenHash))
    .get();
}
