import type { Db } from './client.ts';

/** True when the database answers a trivial query. */
export function checkDatabase(db: Db): boolean {
  try {
    return db.$client.prepare('SELECT 1 AS ok').get() !== undefined;
  } catch {
    return false;
  }
}
