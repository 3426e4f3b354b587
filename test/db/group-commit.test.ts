import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { commitQueue } from '../../src/db/group-commit.ts';
import { createHarness } from '../helpers/harness.ts';

function setup() {
  const h = createHarness();
  const sqlite = h.db.$client;
  sqlite.exec('CREATE TABLE t (v TEXT NOT NULL)');
  const statements: string[] = [];
  const exec = sqlite.exec.bind(sqlite);
  sqlite.exec = (sql: string) => {
    statements.push(sql);
    return exec(sql);
  };
  const insert = (v: string) => () => sqlite.prepare('INSERT INTO t (v) VALUES (?)').run(v).changes;
  const values = () =>
    (sqlite.prepare('SELECT v FROM t ORDER BY rowid').all() as { v: string }[]).map((r) => r.v);
  return { h, sqlite, statements, insert, values, queue: commitQueue(h.db) };
}

describe('group commit', () => {
  it('commits writes queued together in one transaction', async () => {
    const { queue, insert, statements, values } = setup();
    const results = await Promise.all([
      queue.run(insert('a')),
      queue.run(insert('b')),
      queue.run(insert('c')),
    ]);
    expect(results).toEqual([1, 1, 1]);
    expect(statements.filter((s) => s === 'COMMIT')).toHaveLength(1);
    expect(values()).toEqual(['a', 'b', 'c']);
  });

  it('rolls back a failing write alone and rejects only its promise', async () => {
    const { queue, insert, sqlite, values } = setup();
    const failing = queue.run(() => {
      sqlite.prepare("INSERT INTO t (v) VALUES ('half')").run();
      throw new Error('bad delivery');
    });
    const [first, second, third] = await Promise.allSettled([
      queue.run(insert('a')),
      failing,
      queue.run(insert('c')),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { message: 'bad delivery' } });
    expect(third.status).toBe('fulfilled');
    expect(values()).toEqual(['a', 'c']);
  });

  it('settles only after the commit: another connection already sees the row', async () => {
    const { h, queue, insert } = setup();
    await queue.run(insert('durable'));
    const other = new Database(h.deps.config.databasePath, { readonly: true });
    try {
      expect(other.prepare('SELECT v FROM t').all()).toEqual([{ v: 'durable' }]);
    } finally {
      other.close();
    }
  });

  it('rejects every write of a transaction whose COMMIT fails, and keeps working after', async () => {
    const { sqlite, queue, insert, values } = setup();
    const exec = sqlite.exec;
    sqlite.exec = (sql: string) => {
      if (sql === 'COMMIT') throw new Error('disk I/O error');
      return exec(sql);
    };
    const outcomes = await Promise.allSettled([queue.run(insert('a')), queue.run(insert('b'))]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(sqlite.inTransaction).toBe(false);
    sqlite.exec = exec;
    await queue.run(insert('c'));
    expect(values()).toEqual(['c']);
  });

  it('starts a new transaction for writes queued after a flush', async () => {
    const { queue, insert, statements } = setup();
    await queue.run(insert('a'));
    await queue.run(insert('b'));
    expect(statements.filter((s) => s === 'COMMIT')).toHaveLength(2);
  });
});
