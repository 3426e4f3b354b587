import type Database from 'better-sqlite3';
import type { Db } from './client.ts';
import { commitQueue } from './group-commit.ts';
import { perConnection } from './per-connection.ts';
import { describeSqliteError } from './sqlite-error.ts';

/** The write probe runs at most this often; its answer is reused in between. */
export const WRITE_PROBE_INTERVAL_MS = 1_000;
/** A failed group commit makes the database unhealthy for this long, unless a later one succeeds. */
export const FAILED_COMMIT_COUNTS_MS = 30_000;

export type DatabaseHealth =
  | { ok: true }
  | { ok: false; code: 'database_unavailable' | 'database_not_writable'; message: string };

const lastProbe = perConnection(() => ({ at: -Infinity, problem: null as string | null }));

/**
 * Whether the database answers and accepts writes, without ever waiting for a lock: a trivial
 * query; then a write probe (see probeWrites), at most once per WRITE_PROBE_INTERVAL_MS; then
 * the outcome of the newest group commit, which sees what a probe cannot (a full disk, an I/O
 * error at COMMIT). `now` is performance.now().
 */
export function checkDatabase(db: Db, now = performance.now()): DatabaseHealth {
  const sqlite = db.$client;
  try {
    sqlite.prepare('SELECT 1').get();
  } catch (error) {
    const message = `the database does not answer: ${describeSqliteError(error)}`;
    return { ok: false, code: 'database_unavailable', message };
  }
  const probe = lastProbe(db);
  if (now - probe.at >= WRITE_PROBE_INTERVAL_MS && !sqlite.inTransaction) {
    probe.problem = probeWrites(sqlite);
    probe.at = now;
  }
  if (probe.problem !== null) return notWritable(probe.problem);
  const commit = commitQueue(db).lastCommit();
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
 * Returns what went wrong, or null.
 */
function probeWrites(sqlite: Database.Database): string | null {
  const busyTimeout = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma('busy_timeout = 0');
  try {
    sqlite.exec('BEGIN IMMEDIATE');
    sqlite.exec('ROLLBACK');
    return null;
  } catch (error) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    return describeSqliteError(error);
  } finally {
    sqlite.pragma(`busy_timeout = ${busyTimeout}`);
  }
}
