import type { Db } from '../db/client.ts';
import { premodStore, type PatternRow } from './premod-store.ts';
import { allowedDistance, distanceWithin, similarityKey } from './similarity.ts';

/** Reloaded at least this often, so a pattern disabled by another process stops applying. */
const RELOAD_MS = 1000;

type Pattern = { id: number; key: string; allowed: number };
type Cached = {
  revision: number;
  loadedAt: number;
  global: Pattern[];
  byChannel: Map<number, Pattern[]>;
};
const cache = new WeakMap<object, Cached>();

/**
 * The active blocked patterns, grouped by channel. Loaded again when a pattern was added (the
 * newest id moved: one O(1) read per message), when this process changed one
 * (forgetBlockedPatterns), or after RELOAD_MS.
 */
function loadPatterns(db: Db, now: number): Cached {
  const store = premodStore(db);
  const revision = store.patternRevision.get()?.revision ?? 0;
  const cached = cache.get(db.$client);
  if (
    cached !== undefined &&
    cached.revision === revision &&
    now >= cached.loadedAt &&
    now - cached.loadedAt < RELOAD_MS
  ) {
    return cached;
  }
  const loaded: Cached = { revision, loadedAt: now, global: [], byChannel: new Map() };
  for (const row of revision === 0 ? [] : store.activePatterns.all()) add(loaded, row);
  cache.set(db.$client, loaded);
  return loaded;
}

function add(cached: Cached, row: PatternRow): void {
  const pattern = {
    id: row.id,
    key: row.normalized_text,
    allowed: allowedDistance(row.max_distance, row.normalized_text),
  };
  if (row.channel_id === null) cached.global.push(pattern);
  else {
    const list = cached.byChannel.get(row.channel_id) ?? [];
    list.push(pattern);
    cached.byChannel.set(row.channel_id, list);
  }
}

/** Drops the cached patterns after a change made in this process. */
export function forgetBlockedPatterns(db: Db): void {
  cache.delete(db.$client);
}

/**
 * The first active pattern of the channel (or of every channel) that `text` is within the
 * pattern's allowed distance of, compared by similarityKey, with the distance; null when none.
 * Most channels have no pattern: then nothing is computed beyond the cache check.
 */
export function matchBlockedPattern(
  db: Db,
  channelId: number,
  text: string,
  now: number,
): { patternId: number; distance: number } | null {
  const cached = loadPatterns(db, now);
  const lists = [cached.byChannel.get(channelId), cached.global].filter(
    (list): list is Pattern[] => list !== undefined && list.length > 0,
  );
  if (lists.length === 0) return null;
  const key = similarityKey(text);
  for (const list of lists) {
    for (const pattern of list) {
      const d = distanceWithin(key, pattern.key, pattern.allowed);
      if (d !== null) return { patternId: pattern.id, distance: d };
    }
  }
  return null;
}
