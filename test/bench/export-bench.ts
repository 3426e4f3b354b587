import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { streamExport } from '../../src/export/stream-export.ts';
import { addSource } from '../../src/sources/add-source.ts';
import type { BenchReport } from './bench-report.ts';

const MESSAGES = 1_000_000;

/** A database of 1,000,000 messages as the export benchmark reads it (one channel and sender). */
export function buildExportDatabase(databasePath: string, messages = MESSAGES): void {
  const db = openDb(databasePath);
  migrateDb(db);
  const now = Date.UTC(2026, 4, 1, 12);
  const source = addSource({ db, now: () => now }, { kind: 'eventyay', name: 'bench' }, 'bench');
  const sqlite = db.$client;
  sqlite.transaction(() => {
    sqlite
      .prepare(
        "INSERT INTO channels (source_id, external_id, first_seen_at, last_seen_at) VALUES (?, 'main', ?, ?)",
      )
      .run(source.id, now, now);
    sqlite
      .prepare(
        "INSERT INTO senders (source_id, external_id, screen_name, first_seen_at, last_seen_at) VALUES (?, 's', 'Ana', ?, ?)",
      )
      .run(source.id, now, now);
    sqlite
      .prepare(
        "INSERT INTO deliveries (source_id, kind, received_at, outcome, status, latency_ms) VALUES (?, 'event', ?, 'accepted', 200, 0)",
      )
      .run(source.id, now);
    const message = sqlite.prepare(
      `INSERT INTO messages (source_id, external_id, channel_id, sender_id, screen_name, text, sent_at, received_at, delivery_id, reactions_json)
       VALUES (?, ?, 1, 1, 'Ana', ?, ?, ?, 1, ?)`,
    );
    for (let i = 0; i < messages; i++) {
      const text =
        i % 10 === 0
          ? `=HYPERLINK("x", "${i}"), with "quotes"\nand a line break`
          : `message ${i}, thanks for the talk`;
      message.run(
        source.id,
        String(i),
        text,
        now + i,
        now + i,
        i % 7 === 0 ? '{"👍":["a","b"]}' : '{}',
      );
    }
  })();
  // As after a running server's regular checkpoints: the rows in the database file, not the WAL.
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.close();
}

/** Exporting 1,000,000 messages to a file: rows/s (target ≥ 150,000) and memory growth (< 64 MB). */
export async function benchExport(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'modhook-bench-export-'));
  try {
    const databasePath = join(dir, 'bench.db');
    buildExportDatabase(databasePath);

    return await measureExport(databasePath, join(dir, 'messages.csv'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Exports the messages of `databasePath` to `out` once: rows/s and peak memory growth. */
export async function measureExport(
  databasePath: string,
  out: string,
  exporter: typeof streamExport = streamExport,
): Promise<BenchReport> {
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  const run = exporter(databasePath, 'messages', {});
  await pipeline(run.csv, createWriteStream(out));
  const { rows } = await run.finished;
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const growthMiB = (peak - baseline) / 2 ** 20;
  const perSecond = rows / seconds;
  return {
    name: 'CSV export of messages',
    ok: perSecond >= 150_000 && growthMiB < 64 && rows === MESSAGES,
    lines: [
      `${rows.toLocaleString('en')} rows, ${(statSync(out).size / 2 ** 20).toFixed(0)} MiB, in ${seconds.toFixed(2)} s: ${Math.round(perSecond).toLocaleString('en')} rows/s (target ≥ 150,000)`,
      `peak memory growth ${growthMiB.toFixed(1)} MiB (target < 64 MiB)`,
    ],
  };
}

// `npx tsx test/bench/export-bench.ts`: this benchmark alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await benchExport();
  console.log(`${report.ok ? 'ok  ' : 'MISS'} ${report.name}`);
  for (const line of report.lines) console.log(`     ${line}`);
}
