import type Database from 'better-sqlite3';
import type { Db } from '../db/client.ts';
import type { Deps } from '../deps.ts';
import { readDisplayFeed, type FeedItem } from './display-feed.ts';
import type { DisplayRow } from './list-displays.ts';

/** What an open overlay is told: a message to show or restyle, one to take away, or the end. */
export type DisplayEvent =
  { type: 'upsert'; item: FeedItem } | { type: 'remove'; id: number } | { type: 'gone' };

type Watcher = {
  listener: (event: DisplayEvent) => void;
  /** Whether the credential the stream was opened with still opens this display. */
  stillValid: (display: DisplayRow | undefined) => boolean;
};
type Watched = { feed: Map<number, FeedItem>; watchers: Set<Watcher> };

/** How often the newest delivery, decision and audit ids are read while an overlay is open. */
export const DISPLAY_POLL_MS = 300;

const sameItem = (a: FeedItem, b: FeedItem) =>
  a.text === b.text &&
  a.highlighted === b.highlighted &&
  a.screenName === b.screenName &&
  a.channel === b.channel;

/**
 * Live changes of display feeds for open overlays. One indexed read per DISPLAY_POLL_MS per
 * server while anyone watches (not per client): every arrival, edit or deletion is a delivery,
 * every decision (fast lanes included) a decision, every settings or display change an audit
 * entry. When one moved, each watched display's feed is read once and compared with the one
 * last sent; its watchers get the differences. Reading the database also catches the CLI.
 */
function createDisplayChanges(
  sqlite: Database.Database,
  db: Db,
  { log, now }: Pick<Deps, 'log' | 'now'>,
) {
  const newest = sqlite.prepare<[], { d: number; k: number; a: number }>(
    `SELECT (SELECT coalesce(max(id), 0) FROM deliveries) AS d,
       (SELECT coalesce(max(id), 0) FROM decisions) AS k,
       (SELECT coalesce(max(id), 0) FROM audit_log) AS a`,
  );
  const displayRow = sqlite.prepare<[number], Omit<DisplayRow, 'isPublic'> & { isPublic: number }>(
    'SELECT id, name, token, is_public AS isPublic FROM displays WHERE id = ?',
  );
  const watched = new Map<number, Watched>();
  let timer: NodeJS.Timeout | undefined;
  let last = '';

  const refresh = (displayId: number, entry: Watched) => {
    const row = displayRow.get(displayId);
    const display = row === undefined ? undefined : { ...row, isPublic: row.isPublic === 1 };
    for (const watcher of entry.watchers) {
      if (!watcher.stillValid(display)) {
        entry.watchers.delete(watcher);
        watcher.listener({ type: 'gone' });
      }
    }
    if (entry.watchers.size === 0) return;
    const feed = new Map(readDisplayFeed(db, displayId, now()).map((i) => [i.id, i]));
    const events: DisplayEvent[] = [];
    for (const id of entry.feed.keys()) if (!feed.has(id)) events.push({ type: 'remove', id });
    for (const [id, item] of feed) {
      const before = entry.feed.get(id);
      if (before === undefined || !sameItem(before, item)) events.push({ type: 'upsert', item });
    }
    entry.feed = feed;
    for (const event of events) for (const w of entry.watchers) w.listener(event);
  };

  const poll = () => {
    if (!sqlite.open) return;
    try {
      const n = newest.get()!;
      const current = `${n.d}/${n.k}/${n.a}`;
      if (current === last) return;
      last = current;
      for (const [displayId, entry] of watched) {
        refresh(displayId, entry);
        if (entry.watchers.size === 0) watched.delete(displayId);
      }
      if (watched.size === 0) stop();
    } catch (err) {
      // A timer's exception would end the server: log it, and read everything again next tick.
      last = '';
      log.error({ err }, 'display changes poll failed');
    }
  };

  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    last = '';
  };

  return {
    /**
     * Starts telling `listener` about display `displayId`'s changes; returns the feed as it
     * stands (what the changes are relative to) and the function that stops it.
     */
    watch(displayId: number, watcher: Watcher): { snapshot: FeedItem[]; stop: () => void } {
      if (timer === undefined) {
        last = (() => {
          const n = newest.get()!;
          return `${n.d}/${n.k}/${n.a}`;
        })();
        timer = setInterval(poll, DISPLAY_POLL_MS);
        timer.unref();
      }
      let entry = watched.get(displayId);
      if (entry === undefined) {
        entry = {
          feed: new Map(readDisplayFeed(db, displayId, now()).map((i) => [i.id, i])),
          watchers: new Set(),
        };
        watched.set(displayId, entry);
      }
      entry.watchers.add(watcher);
      const current = entry;
      return {
        snapshot: [...current.feed.values()],
        stop: () => {
          current.watchers.delete(watcher);
          if (current.watchers.size === 0 && watched.get(displayId) === current) {
            watched.delete(displayId);
          }
          if (watched.size === 0) stop();
        },
      };
    },
  };
}

const instances = new WeakMap<Database.Database, ReturnType<typeof createDisplayChanges>>();

/** The one change feed of displays per database connection (so per server). */
export function displayChanges(deps: Pick<Deps, 'db' | 'log' | 'now'>) {
  const { db } = deps;
  let instance = instances.get(db.$client);
  if (instance === undefined) {
    instance = createDisplayChanges(db.$client, db, deps);
    instances.set(db.$client, instance);
  }
  return instance;
}
