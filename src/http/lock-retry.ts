import { getPath } from 'hono/utils/url';
import { retryWhileLocked, type LockTurn } from '../db/lock-turn.ts';
import { LOCKED_ANSWER_HEADER } from './error-response.ts';
import { isMachinePath } from './request-info.ts';

/** How long a dashboard write keeps trying for the lock before answering 503. */
export const DASHBOARD_LOCK_DEADLINE_MS = 3000;

type Fetch = (request: Request, ...rest: never[]) => Response | Promise<Response>;

/**
 * Wraps the app's fetch: a dashboard request that changes something and was answered 503
 * because its write found the lock taken (each handler writes in one transaction, so it wrote
 * nothing) runs again on a copy of the request, between other requests, for up to
 * DASHBOARD_LOCK_DEADLINE_MS. A moderator's decision then waits out the writer's commit
 * instead of failing during a busy chat. Webhooks have their own writer deadline.
 */
export function retryDashboardWrites<F extends Fetch>(fetch: F, turn: LockTurn | undefined): F {
  return (async (request: Request, ...rest: never[]) => {
    const safe = request.method === 'GET' || request.method === 'HEAD';
    // Hono's own path reader: no URL object per webhook delivery (the ingest hot path).
    if (safe || isMachinePath(getPath(request))) {
      return unmarked(await fetch(request, ...rest));
    }
    // An attempt consumes its body: every attempt gets its own copy.
    const original = request.clone();
    const res = await retryWhileLocked(
      async () => fetch(original.clone(), ...rest),
      (answer) => answer.headers.has(LOCKED_ANSWER_HEADER),
      { turn, deadlineMs: DASHBOARD_LOCK_DEADLINE_MS },
    );
    return unmarked(res);
  }) as F;
}

function unmarked(res: Response): Response {
  if (res.headers.has(LOCKED_ANSWER_HEADER)) res.headers.delete(LOCKED_ANSWER_HEADER);
  return res;
}
