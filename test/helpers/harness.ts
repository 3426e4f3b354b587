import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { onTestFinished } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { openDb, type Db } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { inlineWriter } from '../../src/ingest/ingest-writer.ts';
import type { Deps } from '../../src/deps.ts';

/** 2026-05-01T12:40:00Z: a fixed "now" just after the fixtures' timestamps. */
export const TEST_NOW = Date.UTC(2026, 4, 1, 12, 40, 0);

export type Harness = {
  dir: string;
  db: Db;
  deps: Deps;
  app: ReturnType<typeof createApp>;
  /** Moves the injected clock. */
  advance: (ms: number) => void;
  count: (table: string, where?: string) => number;
};

/**
 * A fresh temp SQLite file migrated with the real migrations/, an app built around it, and an
 * injected clock; everything is removed when the current test finishes.
 */
export function createHarness(overrides: Partial<Config> = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'modhook-test-'));
  const databasePath = join(dir, 'modhook.db');
  const db = openDb(databasePath);
  migrateDb(db);
  let now = TEST_NOW;
  const config = { ...loadConfig({}), databasePath, ...overrides };
  const deps: Deps = {
    db,
    config,
    now: () => now,
    log: pino({ level: 'silent' }),
    writer: inlineWriter(db),
  };
  onTestFinished(() => {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    db,
    deps,
    app: createApp(deps),
    advance: (ms) => {
      now += ms;
    },
    count: (table, where = '1') =>
      (
        db.$client.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as {
          n: number;
        }
      ).n,
  };
}
