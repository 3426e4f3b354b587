import type Database from 'better-sqlite3';
import { perConnection } from '../db/per-connection.ts';

/** The newest ids; the audit log's catches undos and flags reopened, which add no decision. */
export type ReviewChange = { flags: number; decisions: number; audit: number };
type Listener = (change: ReviewChange) => void;

/** How often the newest flag and decision ids are read while someone is watching. */
export const REVIEW_POLL_MS = 300;

/**
 * Tells watchers (open dashboards) when flags were raised or decisions made, by whatever
 * process: one indexed read every REVIEW_POLL_MS while anyone watches, none otherwise. Reading
 * the database, rather than hooking ingest, also catches changes made by the CLI.
 */
function createReviewChanges(sqlite: Database.Database) {
  const newest = sqlite.prepare<[], ReviewChange>(
    `SELECT (SELECT coalesce(max(id), 0) FROM flags) AS flags,
       (SELECT coalesce(max(id), 0) FROM decisions) AS decisions,
       (SELECT coalesce(max(id), 0) FROM audit_log) AS audit`,
  );
  const listeners = new Set<Listener>();
  let timer: NodeJS.Timeout | undefined;
  let last: ReviewChange | undefined;
  const poll = () => {
    if (!sqlite.open) return;
    const now = newest.get()!;
    if (
      last !== undefined &&
      (now.flags !== last.flags || now.decisions !== last.decisions || now.audit !== last.audit)
    ) {
      for (const listener of listeners) listener(now);
    }
    last = now;
  };
  return {
    /** Calls `listener` on every change until the returned function is called. */
    watch(listener: Listener): () => void {
      listeners.add(listener);
      if (timer === undefined) {
        poll();
        timer = setInterval(poll, REVIEW_POLL_MS);
        timer.unref();
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer !== undefined) {
          clearInterval(timer);
          timer = undefined;
          last = undefined;
        }
      };
    },
  };
}

export const reviewChanges = perConnection(createReviewChanges);
