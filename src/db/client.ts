import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * Opens (creating if needed, with its folder) the SQLite file and sets the connection up:
 * WAL, foreign keys, a busy timeout for the CLI running beside the server.
 *
 * Durability: WAL with synchronous=NORMAL. A committed transaction is in the WAL file (in the
 * OS page cache) before commit returns, so it survives the process being killed (kill -9, a
 * crash); a power cut or kernel crash may lose the last transactions, never corrupt the file.
 */
export function openDb(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return drizzle(sqlite, { schema }) as Db;
}
