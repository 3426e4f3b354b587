import type { Deps } from '../deps.ts';

/**
 * What one answer leaves for the page its redirect leads to (POST-redirect-GET), shown once:
 * kept in this process's memory for the session that made it, never in a URL, a log or the
 * database. A restart forgets it (a password link is then made again). Keyed by the session's
 * CSRF token, which is as secret and as long-lived as the session.
 */
const TTL_MS = 10 * 60_000;
/** Past this many (sessions that did not come back), the oldest is dropped: a bound on memory. */
const MAX_FLASHES = 1000;

type Flash = { value: unknown; until: number };
const stores = new WeakMap<object, Map<string, Flash>>();

function storeOf(deps: Pick<Deps, 'db'>): Map<string, Flash> {
  let store = stores.get(deps.db);
  if (store === undefined) stores.set(deps.db, (store = new Map()));
  return store;
}

/** Leaves `value` for the next takeFlash of this session (replacing one left before). */
export function putFlash(deps: Pick<Deps, 'db' | 'now'>, session: string, value: unknown) {
  const store = storeOf(deps);
  store.delete(session);
  if (store.size >= MAX_FLASHES) store.delete(store.keys().next().value!);
  store.set(session, { value, until: deps.now() + TTL_MS });
}

/** What putFlash left for this session, once; undefined when none (or it expired). */
export function takeFlash<T>(deps: Pick<Deps, 'db' | 'now'>, session: string): T | undefined {
  const store = storeOf(deps);
  const flash = store.get(session);
  if (flash === undefined) return undefined;
  store.delete(session);
  return flash.until > deps.now() ? (flash.value as T) : undefined;
}
