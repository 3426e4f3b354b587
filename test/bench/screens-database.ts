import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { pino } from 'pino';
import { createApp } from '../../src/app.ts';
import { createSession } from '../../src/auth/create-session.ts';
import { loadConfig } from '../../src/config.ts';
import { openDb, type Db } from '../../src/db/client.ts';
import { inlineWriter } from '../../src/ingest/ingest-writer.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import type { Role } from '../../src/auth/account-fields.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { seedAccount } from '../helpers/accounts.ts';

export const CHANNELS = 100;
export const SENDERS = 10_000;

/**
 * A temporary database for the dashboard-screen benchmarks, with one source, the deps the app
 * needs (a fixed `now`), and `remove` to delete it. Rows are seeded with raw statements inside
 * `seed`, fast enough for a million messages.
 */
export function screensDatabase(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `modhook-bench-${name}-`));
  const databasePath = join(dir, 'bench.db');
  const db = openDb(databasePath);
  migrateDb(db);
  const now = Date.UTC(2026, 4, 1, 12);
  const deps = {
    db,
    now: () => now,
    config: { ...loadConfig({}), databasePath },
    log: pino({ level: 'silent' }),
    writer: inlineWriter(db),
  };
  const source = addSource(deps, { kind: 'eventyay', name: 'bench' }, 'bench');
  return {
    db,
    deps,
    now,
    sourceId: source.id,
    remove: () => {
      if (db.$client.open) db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Inserts CHANNELS channels, SENDERS senders (first seen at `senderFirstSeenAt`), one delivery
 * and `count` messages, message i in channel i % CHANNELS from sender i % SENDERS, with the given
 * text and time. Call it inside a transaction.
 */
export function seedMessages(
  sqlite: Database.Database,
  sourceId: string,
  options: {
    count: number;
    now: number;
    senderFirstSeenAt: number;
    text: (i: number) => string;
    at: (i: number) => number;
  },
): void {
  const { count, now } = options;
  const channel = sqlite.prepare(
    'INSERT INTO channels (source_id, external_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)',
  );
  for (let c = 0; c < CHANNELS; c++) channel.run(sourceId, `channel-${c}`, now, now);
  const sender = sqlite.prepare(
    'INSERT INTO senders (source_id, external_id, screen_name, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
  );
  for (let s = 0; s < SENDERS; s++)
    sender.run(sourceId, `sender-${s}`, `Attendee ${s}`, options.senderFirstSeenAt, now);
  sqlite
    .prepare(
      "INSERT INTO deliveries (source_id, kind, received_at, outcome, status, latency_ms) VALUES (?, 'event', ?, 'accepted', 200, 0)",
    )
    .run(sourceId, now);
  const message = sqlite.prepare(
    `INSERT INTO messages (source_id, external_id, channel_id, sender_id, screen_name, text, sent_at, received_at, delivery_id, normalized_text)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
  );
  for (let i = 0; i < count; i++) {
    const text = options.text(i);
    const at = options.at(i);
    message.run(
      sourceId,
      String(i),
      1 + (i % CHANNELS),
      1 + (i % SENDERS),
      `Attendee ${i % SENDERS}`,
      text,
      at,
      at,
      text,
    );
  }
}

/**
 * The app signed in as a new account of `role`, and `time(path, n, warmUp)`: the sorted
 * durations (ms) of n requests after warmUp unmeasured ones, each read to its end; a non-200
 * answer stops the benchmark.
 */
export async function signedInApp(
  db: Db,
  deps: ReturnType<typeof screensDatabase>['deps'],
  role: Role,
) {
  const account = await seedAccount({ db, deps }, { username: 'bench', role });
  const session = createSession(db, account.id, deps.now());
  const app = createApp(deps);
  const headers = { cookie: `modhook_session=${session.token}`, accept: 'text/html' };
  return async (path: () => string, n: number, warmUp: number) => {
    const timings: number[] = [];
    for (let i = 0; i < n + warmUp; i++) {
      const started = performance.now();
      const res = await app.request(path(), { headers });
      await res.text();
      if (res.status !== 200) throw new Error(`${path()} answered ${res.status}`);
      if (i >= warmUp) timings.push(performance.now() - started);
    }
    return timings.sort((a, b) => a - b);
  };
}
