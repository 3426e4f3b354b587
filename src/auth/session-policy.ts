const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A session ends after this long without a request... */
export const SESSION_IDLE_MS = 12 * HOUR;
/** ...and this long after sign-in, however active. */
export const SESSION_ABSOLUTE_MS = 7 * 24 * HOUR;
/** last_seen_at is written at most this often, so reading pages does not write on every request. */
export const SESSION_TOUCH_MS = MINUTE;

/** A setup link works once, for this long after it was printed. */
export const SETUP_TOKEN_TTL_MS = 24 * HOUR;
/** A password link an admin makes works once, for this long. */
export const RESET_LINK_TTL_MS = 24 * HOUR;

/** When a session that was created and last seen at these times ends. */
export function sessionEndsAt(session: { createdAt: number; lastSeenAt: number }): number {
  return Math.min(session.lastSeenAt + SESSION_IDLE_MS, session.createdAt + SESSION_ABSOLUTE_MS);
}
