import type { Db } from '../db/client.ts';
import { premodStore, type PatternRow } from './premod-store.ts';
import { allowedDistance, distanceWithin } from './similarity.ts';

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

/** Whether any active pattern applies to the channel (most often none: nothing to compute). */
export function hasBlockedPatterns(db: Db, channelId: number, now: number): boolean {
  const cached = loadPatterns(db, now);
  return cached.global.length > 0 || cached.byChannel.has(channelId);
}

/**
 * The first active pattern of the channel (or of every channel) that `key` (a similarityKey) is
 * within the pattern's allowed distance of, with the distance; null when none.
 */
export function matchBlockedPattern(
  db: Db,
  channelId: number,
  key: string,
  now: number,
): { patternId: number; distance: number } | null {
  const cached = loadPatterns(db, now);
  for (const list of [cached.byChannel.get(channelId), cached.global]) {
    if (list === undefined) continue;
    for (const pattern of list) {
      const d = distanceWithin(key, pattern.key, pattern.allowed);
      if (d !== null) return { patternId: pattern.id, distance: d };
    }
  }
  return null;
}
