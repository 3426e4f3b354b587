import type Database from 'better-sqlite3';
import type { Db } from './client.ts';

/**
 * Wraps a factory of prepared statements so each connection prepares them once and reuses
 * them: hot paths then pay no statement compilation per request.
 */
export function perConnection<T>(prepare: (sqlite: Database.Database) => T): (db: Db) => T {
  const cache = new WeakMap<Database.Database, T>();
  return (db) => {
    let value = cache.get(db.$client);
    if (value === undefined) {
      value = prepare(db.$client);
      cache.set(db.$client, value);
    }
    return value;
  };
}
