import type Database from 'better-sqlite3';
import { perConnection } from './per-connection.ts';
import { describeSqliteError } from './sqlite-error.ts';

type Pending = {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

/**
 * Group commit: writes queued while the event loop is busy (a commit's fsync included) are run
 * together in the next transaction, each in its own savepoint, and each promise settles only
 * after that transaction's COMMIT. One fsync then acknowledges many deliveries, and one failing
 * write rolls back alone without failing its neighbours.
 */
function createCommitQueue(sqlite: Database.Database) {
  let pending: Pending[] = [];
  const counts = { commits: 0, jobs: 0 };
  let last: CommitOutcome | undefined;
  let beforeBegin: (() => void) | undefined;
  // Called inside BEGIN, better-sqlite3 runs a transaction function as a SAVEPOINT.
  const inSavepoint = sqlite.transaction((work: () => unknown) => work());

  function flush(): void {
    const batch = pending;
    pending = [];
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      beforeBegin?.();
      sqlite.exec('BEGIN IMMEDIATE');
      for (const item of batch) {
        try {
          results.push({ ok: true, value: inSavepoint(item.work) });
        } catch (error) {
          results.push({ ok: false, error });
        }
      }
      sqlite.exec('COMMIT');
      counts.commits++;
      counts.jobs += batch.length;
    } catch (error) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      last = { ok: false, at: performance.now(), error: describeSqliteError(error) };
      for (const item of batch) item.reject(error);
      return;
    }
    last = { ok: true, at: performance.now() };
    batch.forEach((item, i) => {
      const result = results[i]!;
      if (result.ok) item.resolve(result.value);
      else item.reject(result.error);
    });
  }

  return {
    /** Runs `hook` before each group transaction begins (the writer thread gives way there). */
    onBeforeBegin(hook: () => void): void {
      beforeBegin = hook;
    },
    /** Transactions committed and jobs they held, since the connection opened (benchmarks). */
    stats: () => ({ ...counts }),
    /** Runs `work` (synchronous, atomic) in the next group transaction; resolves after COMMIT. */
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (pending.length === 0) setImmediate(flush);
        pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      });
    },
    /** How the newest group transaction ended (undefined before the first), for /healthz. */
    lastCommit(): CommitOutcome | undefined {
      return last;
    },
  };
}

/** `at` is performance.now(): a monotonic clock, as it only measures how long ago. */
export type CommitOutcome = { ok: true; at: number } | { ok: false; at: number; error: string };

export type CommitQueue = ReturnType<typeof createCommitQueue>;

/** The connection's commit queue; ingest writes go through it. */
export const commitQueue = perConnection(createCommitQueue);
