import type Database from 'better-sqlite3';
import type { Db } from './client.ts';
import type { CommitOutcome } from './group-commit.ts';
import { perConnection } from './per-connection.ts';
import { describeSqliteError, isLockError } from './sqlite-error.ts';

/** The write probe runs at most this often; its answer is reused in between. */
export const WRITE_PROBE_INTERVAL_MS = 1_000;
/** A failed group commit makes the database unhealthy for this long, unless a later one succeeds. */
export const FAILED_COMMIT_COUNTS_MS = 30_000;
/**
 * A probe that finds the write lock taken while the ingest writer committed this recently is
 * taken to have met the writer's own transaction (it holds the lock for milliseconds at a time,
 * most of the time under load). A lock held by another process stops the writer's commits, so it
 * shows here once they are older than this, or as a failed commit.
 */
export const WRITER_LOCK_GRACE_MS = 2_000;

export type DatabaseHealth =
  | { ok: true }
  | { ok: false; code: 'database_unavailable' | 'database_not_writable'; message: string };

const lastProbe = perConnection(() => ({
  at: -Infinity,
  problem: null as string | null,
  busy: false,
}));

/**
 * Whether the database answers and accepts writes, without ever waiting for a lock: a trivial
 * query; then a write probe (see probeWrites), at most once per WRITE_PROBE_INTERVAL_MS; then
 * `lastCommit`, the outcome of the ingest writer's newest group commit, which sees what a probe
 * cannot (a full disk, an I/O error at COMMIT). `now` and `lastCommit.at` are performance.now().
 */
export function checkDatabase(
  db: Db,
  lastCommit: () => CommitOutcome | undefined,
  now = performance.now(),
): DatabaseHealth {
  const sqlite = db.$client;
  try {
    sqlite.prepare('SELECT 1').get();
  } catch (error) {
    const message = `the database does not answer: ${describeSqliteError(error)}`;
    return { ok: false, code: 'database_unavailable', message };
  }
  const probe = lastProbe(db);
  if (now - probe.at >= WRITE_PROBE_INTERVAL_MS && !sqlite.inTransaction) {
    Object.assign(probe, probeWrites(sqlite), { at: now });
  }
  const commit = lastCommit();
  const writerJustCommitted =
    commit !== undefined && commit.ok && now - commit.at < WRITER_LOCK_GRACE_MS;
  if (probe.problem !== null && !(probe.busy && writerJustCommitted)) {
    return notWritable(probe.problem);
  }
  if (commit !== undefined && !commit.ok && now - commit.at < FAILED_COMMIT_COUNTS_MS) {
    return notWritable(`the last commit failed: ${commit.error}`);
  }
  return { ok: true };
}

function notWritable(problem: string): DatabaseHealth {
  return {
    ok: false,
    code: 'database_not_writable',
    message: `the database does not accept writes: ${problem}`,
  };
}

/**
 * Takes the write lock and gives it back at once (BEGIN IMMEDIATE, ROLLBACK) with the busy
 * timeout set to 0 meanwhile: another process holding the lock, a read-only database or
 * connection (query_only) answer at once instead of blocking the event loop. Writes nothing.
 * Returns what went wrong (null: nothing), and whether it was the lock being taken.
 */
function probeWrites(sqlite: Database.Database): { problem: string | null; busy: boolean } {
  const busyTimeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma('busy_timeout = 0');
  try {
    sqlite.exec('BEGIN IMMEDIATE');
    sqlite.exec('ROLLBACK');
    return { problem: null, busy: false };
  } catch (error) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    return { problem: describeSqliteError(error), busy: isLockError(error) };
  } finally {
    sqlite.pragma(`busy_timeout = ${busyTimeout}`);
  }
}
