import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { isSessionLive } from '../auth/find-session.ts';
import { reviewChanges } from '../moderation/review-changes.ts';
import type { AppEnv } from './app-env.ts';
import { readSessionCookie } from './session-cookie.ts';

/** How often an open stream asks whether its session still lives (one indexed read). */
export const EVENTS_SESSION_CHECK_MS = 2_000;
/** A ping this often keeps proxies from closing an idle stream. */
const PING_MS = 20_000;

/**
 * `GET /events`, Server-Sent Events: `review` whenever flags are raised or decisions made,
 * anywhere. The stream ends with its session: signed out, expired or its account disabled
 * (by the dashboard or the CLI), checked every EVENTS_SESSION_CHECK_MS and before each event.
 * The checks do not mark the session as seen: an open tab alone does not keep it alive.
 */
export function reviewEvents(c: Context<AppEnv>) {
  const { deps } = c.var;
  const token = readSessionCookie(c) ?? '';
  const live = () => {
    try {
      return isSessionLive(deps, token);
    } catch {
      return false; // the database went away (shutdown): end the stream, the browser retries
    }
  };
  return streamSSE(c, async (stream) => {
    let ended = false;
    const stop = reviewChanges(deps.db).watch((change) => {
      if (ended || !live()) {
        ended = true;
        return;
      }
      void stream.writeSSE({ event: 'review', data: JSON.stringify(change) });
    });
    stream.onAbort(stop);
    let nextPing = 0;
    while (!ended && !stream.aborted && !stream.closed && live()) {
      if (performance.now() >= nextPing) {
        await stream.writeSSE({ event: 'ping', data: '' });
        nextPing = performance.now() + PING_MS;
      }
      await stream.sleep(EVENTS_SESSION_CHECK_MS);
    }
    stop();
  });
}
