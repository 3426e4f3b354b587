import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { createApp } from '../../src/app.ts';
import { createSession } from '../../src/auth/create-session.ts';
import { loadConfig } from '../../src/config.ts';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { seedAccount } from '../helpers/accounts.ts';
import { percentile, type BenchReport } from './bench-report.ts';

const MESSAGES = 1_000_000;
const OPEN_FLAGS = 10_000;
const CHANNELS = 100;
const SENDERS = 10_000;
const REQUESTS = 200;

/**
 * The queue page and the item view, rendered through the whole app (session, query, JSX) with
 * 1,000,000 stored messages and 10,000 open flags: p95 of each must stay under 50 ms.
 */
export async function benchReview(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'modhook-bench-review-'));
  try {
    const databasePath = join(dir, 'bench.db');
    const db = openDb(databasePath);
    migrateDb(db);
    const now = Date.UTC(2026, 4, 1, 12);
    const deps = {
      db,
      now: () => now,
      config: { ...loadConfig({}), databasePath },
      log: pino({ level: 'silent' }),
    };
    const source = addSource(deps, { kind: 'eventyay', name: 'bench' }, 'bench');
    const sqlite = db.$client;
    const seedStarted = performance.now();
    sqlite.transaction(() => {
      const channel = sqlite.prepare(
        'INSERT INTO channels (source_id, external_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)',
      );
      for (let c = 0; c < CHANNELS; c++) channel.run(source.id, `channel-${c}`, now, now);
      const sender = sqlite.prepare(
        'INSERT INTO senders (source_id, external_id, screen_name, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
      );
      for (let s = 0; s < SENDERS; s++)
        sender.run(source.id, `sender-${s}`, `Attendee ${s}`, now - 86_400_000, now);
      sqlite
        .prepare(
          "INSERT INTO deliveries (source_id, kind, received_at, outcome, status, latency_ms) VALUES (?, 'event', ?, 'accepted', 200, 0)",
        )
        .run(source.id, now);
      const message = sqlite.prepare(
        `INSERT INTO messages (source_id, external_id, channel_id, sender_id, screen_name, text, sent_at, received_at, delivery_id, normalized_text)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
      );
      for (let i = 0; i < MESSAGES; i++) {
        const text = `message ${i}: thanks for the talk, a question about slide ${i % 40}`;
        const at = now - (MESSAGES - i) * 100;
        message.run(
          source.id,
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
      const flag = sqlite.prepare(
        `INSERT INTO flags (message_id, sender_id, origin, rule_id, rule_version, severity, status, reason, span_start, span_end, actor, created_at)
         VALUES (?, ?, 'rule', 1, 1, ?, 'open', 'Personal data: e-mail address', 0, 7, 'system', ?)`,
      );
      for (let f = 0; f < OPEN_FLAGS; f++) {
        const messageId = 1 + Math.floor((f * 99_991) % MESSAGES);
        flag.run(
          messageId,
          1 + ((messageId - 1) % SENDERS),
          ['low', 'medium', 'high'][f % 3]!,
          now - f * 1000,
        );
      }
    })();
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const account = await seedAccount({ db, deps }, { username: 'bench', role: 'moderator' });
    const session = createSession(db, account.id, now);
    const app = createApp(deps);
    const headers = { cookie: `modhook_session=${session.token}`, accept: 'text/html' };
    const time = async (path: () => string) => {
      const timings: number[] = [];
      for (let i = 0; i < REQUESTS + 20; i++) {
        const started = performance.now();
        const res = await app.request(path(), { headers });
        await res.text();
        if (res.status !== 200) throw new Error(`${path()} answered ${res.status}`);
        if (i >= 20) timings.push(performance.now() - started); // the first 20 warm up
      }
      return timings.sort((a, b) => a - b);
    };
    const queue = await time(() => '/');
    const filtered = await time(() => '/?severity=high&q=slide');
    let item = 0;
    const itemView = await time(() => `/messages/${1 + ((item++ * 99_991) % MESSAGES)}`);
    db.$client.close();
    const fmt = (name: string, t: number[]) =>
      `${name}: p50 ${percentile(t, 50).toFixed(1)} ms, p95 ${percentile(t, 95).toFixed(1)} ms`;
    const worst = Math.max(
      percentile(queue, 95),
      percentile(filtered, 95),
      percentile(itemView, 95),
    );
    return {
      name: 'review screens (queue page, item view)',
      ok: worst < 50,
      lines: [
        `${MESSAGES.toLocaleString('en')} messages, ${OPEN_FLAGS.toLocaleString('en')} open flags, ${REQUESTS} requests each (seeded in ${seedSeconds.toFixed(0)} s)`,
        fmt('queue page', queue),
        fmt('queue page, filtered (severity + text)', filtered),
        fmt('item view', itemView),
        'target: p95 < 50 ms each',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
