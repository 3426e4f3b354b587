import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { addSource } from '../../src/sources/add-source.ts';
import type { SourceKind } from '../../src/sources/source-kinds.ts';

/** A migrated temporary database with one source, for a benchmark's server; `remove` deletes it. */
export function benchDatabase(name: string, kind: SourceKind, secret: string) {
  const dir = mkdtempSync(join(tmpdir(), `modhook-bench-${name}-`));
  const databasePath = join(dir, 'bench.db');
  const db = openDb(databasePath);
  migrateDb(db);
  const { id } = addSource({ db, now: Date.now }, { kind, name: 'bench', secret }, 'bench');
  db.$client.close();
  return {
    databasePath,
    sourceId: id,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
