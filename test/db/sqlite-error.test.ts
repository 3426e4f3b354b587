import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isLockError } from '../../src/db/sqlite-error.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function twoConnections() {
  const dir = mkdtempSync(join(tmpdir(), 'modhook-lock-'));
  dirs.push(dir);
  const path = join(dir, 'db.sqlite');
  const a = new Database(path);
  a.pragma('journal_mode = WAL');
  a.exec('CREATE TABLE t (x INTEGER)');
  const b = new Database(path);
  a.pragma('busy_timeout = 0');
  b.pragma('busy_timeout = 0');
  return { a, b };
}

const thrown = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
};

describe('isLockError', () => {
  it('knows a lock held by another connection', () => {
    const { a, b } = twoConnections();
    b.exec('BEGIN IMMEDIATE');
    const error = thrown(() => a.exec('BEGIN IMMEDIATE'));
    expect((error as { code: string }).code).toBe('SQLITE_BUSY');
    expect(isLockError(error)).toBe(true);
    b.exec('COMMIT');
    a.close();
    b.close();
  });

  it('knows a stale snapshot: a transaction that read before another committed', () => {
    const { a, b } = twoConnections();
    a.exec('BEGIN');
    a.prepare('SELECT count(*) FROM t').get();
    b.exec('INSERT INTO t VALUES (1)');
    const error = thrown(() => a.exec('INSERT INTO t VALUES (2)'));
    expect((error as { code: string }).code).toBe('SQLITE_BUSY_SNAPSHOT');
    expect(isLockError(error)).toBe(true);
    a.exec('ROLLBACK');
    a.close();
    b.close();
  });

  it('is not fooled by other errors', () => {
    const { a, b } = twoConnections();
    expect(isLockError(thrown(() => a.exec('INSERT INTO nowhere VALUES (1)')))).toBe(false);
    expect(isLockError({ code: 'SQLITE_BUSYNESS' })).toBe(false);
    expect(isLockError(null)).toBe(false);
    a.close();
    b.close();
  });
});
