import { loadConfig, type Config } from '../config.ts';
import { openDb, type Db } from '../db/client.ts';
import { migrateDb } from '../db/migrate.ts';

/** Config from the environment with `--db` taking precedence over DATABASE_PATH. */
export function cliConfig(env: Record<string, string | undefined>, dbOption?: string): Config {
  const config = loadConfig(env);
  return dbOption === undefined ? config : { ...config, databasePath: dbOption };
}

/** Opens and migrates the database a CLI command works on, and closes it after `work`. */
export function withCliDb<T>(config: Config, work: (db: Db) => T): T {
  const db = openDb(config.databasePath);
  try {
    migrateDb(db);
    return work(db);
  } finally {
    db.$client.close();
  }
}

/** withCliDb for work that awaits (e.g. password hashing): closes once `work` settles. */
export async function withCliDbAsync<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const db = openDb(config.databasePath);
  try {
    migrateDb(db);
    return await work(db);
  } finally {
    db.$client.close();
  }
}
