import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Opens (creating if needed, with its folder) the SQLite file and sets the connection up:
 * WAL, foreign keys, a busy timeout (default 5 s, for the CLI running beside the server; the
 * server's HTTP thread uses a short one so a lock held elsewhere never stalls it).
 *
 * Durability: WAL with synchronous=FULL: every COMMIT fsyncs the WAL, so a committed
 * transaction survives a process crash and a power cut. Ingest keeps its throughput by group
 * commit (src/db/group-commit.ts): one fsync for all deliveries that arrived meanwhile.
 */
export function openDb(path: string, options: { busyTimeoutMs?: number } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  return drizzle(sqlite, { schema }) as Db;
}
