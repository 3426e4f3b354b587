import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  checkDatabase,
  FAILED_COMMIT_COUNTS_MS,
  WRITE_PROBE_INTERVAL_MS,
  WRITER_LOCK_GRACE_MS,
} from '../../src/db/check-database.ts';
import { commitQueue } from '../../src/db/group-commit.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';

/** Generous for a busy machine, far below the 5 s busy timeout a blocking check would wait. */
const ANSWER_WITHIN_MS = 1_000;
/** How long a test waits for a state change (the probe's answer is reused for 1 s). */
const SETTLE_WITHIN_MS = 10_000;

async function health(h: Harness) {
  const started = performance.now();
  const res = await h.app.request('/healthz');
  const elapsed = performance.now() - started;
  return { status: res.status, body: (await res.json()) as unknown, elapsed };
}

async function healthBecomes(h: Harness, status: number) {
  const deadline = performance.now() + SETTLE_WITHIN_MS;
  let last = await health(h);
  while (last.status !== status && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await health(h);
  }
  return last;
}

/** A second connection to the harness's file, as the CLI or another process would open. */
function otherConnection(h: Harness) {
  const other = new Database(h.deps.config.databasePath);
  onTestFinished(() => {
    if (other.inTransaction) other.exec('ROLLBACK');
    other.close();
  });
  return other;
}

describe('GET /healthz tells whether the database accepts writes', () => {
  it('answers 200 {"ok":true} while it does', async () => {
    const h = createHarness();
    const res = await health(h);
    expect(res).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('answers 503 at once while another connection holds the write lock, and 200 after', async () => {
    const h = createHarness();
    const other = otherConnection(h);
    other.exec('BEGIN IMMEDIATE');
    const locked = await health(h);
    expect(locked.status).toBe(503);
    expect(locked.elapsed).toBeLessThan(ANSWER_WITHIN_MS);
    expect(locked.body).toEqual({
      error: {
        code: 'database_not_writable',
        message: 'the database does not accept writes: database is locked (SQLITE_BUSY)',
      },
    });
    // The probe gave the busy timeout back: writes still wait for a lock as before.
    expect(h.db.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
    other.exec('ROLLBACK');
    expect((await healthBecomes(h, 200)).body).toEqual({ ok: true });
  });

  it('answers 503 while the database is read-only, and 200 after', async () => {
    const h = createHarness();
    h.db.$client.pragma('query_only = ON');
    const readOnly = await health(h);
    expect(readOnly.status).toBe(503);
    expect(readOnly.elapsed).toBeLessThan(ANSWER_WITHIN_MS);
    expect(readOnly.body).toMatchObject({
      error: { code: 'database_not_writable', message: expect.stringContaining('SQLITE_READONLY') },
    });
    h.db.$client.pragma('query_only = OFF');
    expect((await healthBecomes(h, 200)).status).toBe(200);
  });

  it('probes at most once per interval, reusing the answer in between', () => {
    const h = createHarness();
    const other = otherConnection(h);
    expect(checkDatabase(h.db, () => undefined, 0)).toEqual({ ok: true });
    other.exec('BEGIN IMMEDIATE');
    expect(checkDatabase(h.db, () => undefined, WRITE_PROBE_INTERVAL_MS - 1)).toEqual({ ok: true });
    expect(checkDatabase(h.db, () => undefined, WRITE_PROBE_INTERVAL_MS)).toMatchObject({
      ok: false,
      code: 'database_not_writable',
    });
    other.exec('ROLLBACK');
    expect(checkDatabase(h.db, () => undefined, 2 * WRITE_PROBE_INTERVAL_MS - 1)).toMatchObject({
      ok: false,
    });
    expect(checkDatabase(h.db, () => undefined, 2 * WRITE_PROBE_INTERVAL_MS)).toEqual({ ok: true });
  });

  it("takes a lock met just after the writer's own commit for the writer's, not a stranger's", () => {
    const h = createHarness();
    const other = otherConnection(h);
    other.exec('BEGIN IMMEDIATE');
    const committedAt = 10 * WRITE_PROBE_INTERVAL_MS;
    const writerCommitted = () => ({ ok: true as const, at: committedAt });
    // The writer thread holds the lock for a moment at every commit: not a problem.
    expect(checkDatabase(h.db, writerCommitted, committedAt + 1)).toEqual({ ok: true });
    // No commit for longer than the grace while the lock is held: someone else has it.
    const later = committedAt + WRITER_LOCK_GRACE_MS;
    expect(checkDatabase(h.db, writerCommitted, later)).toMatchObject({
      ok: false,
      code: 'database_not_writable',
    });
  });

  it('answers 503 after a group commit failed, until a later one succeeds', async () => {
    const h = createHarness();
    const queue = commitQueue(h.db);
    const other = otherConnection(h);
    h.db.$client.pragma('busy_timeout = 0'); // fail the commit at once rather than after 5 s
    other.exec('BEGIN IMMEDIATE');
    await expect(queue.run(() => 1)).rejects.toThrow(/locked/);
    other.exec('ROLLBACK');
    h.db.$client.pragma('busy_timeout = 5000');
    // The lock is gone, so the probe passes; the failed commit still counts.
    const failed = await health(h);
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({
      error: {
        code: 'database_not_writable',
        message:
          'the database does not accept writes: the last commit failed: database is locked (SQLITE_BUSY)',
      },
    });
    await queue.run(() => 2);
    expect(await health(h)).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('forgets a failed commit after a while, when no commit came since', async () => {
    const h = createHarness();
    const other = otherConnection(h);
    h.db.$client.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    await expect(commitQueue(h.db).run(() => 1)).rejects.toThrow(/locked/);
    other.exec('ROLLBACK');
    const last = commitQueue(h.db).lastCommit();
    const failedAt = last!.at;
    expect(checkDatabase(h.db, () => last, failedAt + FAILED_COMMIT_COUNTS_MS - 1)).toMatchObject({
      ok: false,
    });
    // One ms past: (at + 30000) - at can come out just under 30000 in floating point.
    expect(checkDatabase(h.db, () => last, failedAt + FAILED_COMMIT_COUNTS_MS + 1)).toEqual({
      ok: true,
    });
  });
});
