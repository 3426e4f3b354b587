import { performance } from 'node:perf_hooks';
import { percentile, type BenchReport } from './bench-report.ts';
import { screensDatabase, seedMessages, SENDERS, signedInApp } from './screens-database.ts';

const MESSAGES = 1_000_000;
const OPEN_FLAGS = 10_000;
const REQUESTS = 200;

/**
 * The queue page and the item view, rendered through the whole app (session, query, JSX) with
 * 1,000,000 stored messages and 10,000 open flags: p95 of each must stay under 50 ms.
 */
export async function benchReview(): Promise<BenchReport> {
  const { db, deps, now, sourceId, remove } = screensDatabase('review');
  try {
    const sqlite = db.$client;
    const seedStarted = performance.now();
    sqlite.transaction(() => {
      seedMessages(sqlite, sourceId, {
        count: MESSAGES,
        now,
        senderFirstSeenAt: now - 86_400_000,
        text: (i) => `message ${i}: thanks for the talk, a question about slide ${i % 40}`,
        at: (i) => now - (MESSAGES - i) * 100,
      });
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

    const time = await signedInApp(db, deps, 'moderator');
    const queue = await time(() => '/', REQUESTS, 20);
    const filtered = await time(() => '/?severity=high&q=slide', REQUESTS, 20);
    let item = 0;
    const itemView = await time(
      () => `/messages/${1 + ((item++ * 99_991) % MESSAGES)}`,
      REQUESTS,
      20,
    );
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
    remove();
  }
}
