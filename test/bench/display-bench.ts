import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { createSession } from '../../src/auth/create-session.ts';
import { openDb } from '../../src/db/client.ts';
import { createDisplay } from '../../src/display/create-display.ts';
import { seedAccount } from '../helpers/accounts.ts';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { startServerProcess, stopProcess } from '../helpers/server-process.ts';
import { benchDatabase } from './bench-database.ts';
import { percentile, type BenchReport } from './bench-report.ts';

const SECRET = 'bench-secret-0123456789abcdef';
const CHANNEL = 'bench-pre-moderated-channel';
const ARRIVALS_PER_SECOND = 50;
const DECISIONS_PER_SECOND = 4;
const TARGET_P95_MS = 1000;

/** A keep-alive POST; resolves with the status once the answer is read. */
function post(agent: Agent, url: URL, body: string, headers: Record<string, string>) {
  return new Promise<number>((resolve) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/**
 * Decision to overlay: a pre-moderated channel receives 50 signed deliveries a second over
 * HTTP while an overlay's event stream is open and a moderator approves (or highlights)
 * waiting messages through the dashboard's decision POST. Measures from sending the decision
 * until the stream delivers that message. Target: p95 < 1 s.
 */
export async function benchDisplay(seconds = 12): Promise<BenchReport> {
  const { databasePath, sourceId, remove } = benchDatabase('display', 'eventyay', SECRET);
  try {
    const now = Date.now();
    const db = openDb(databasePath);
    const { id: channelId } = db.$client
      .prepare(
        "INSERT INTO channels (source_id, external_id, first_seen_at, last_seen_at, mode) VALUES (?, ?, ?, ?, 'pre') RETURNING id",
      )
      .get(sourceId, CHANNEL, now, now) as { id: number };
    const display = createDisplay(
      { db, now: Date.now },
      { name: 'bench', channelIds: [channelId], isPublic: false },
      'bench',
    );
    const account = await seedAccount(
      { db, deps: { now: Date.now } as never },
      { role: 'moderator' },
    );
    const session = createSession(db, account.id, now);
    db.$client.close();

    const server = await startServerProcess({ DATABASE_PATH: databasePath });
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const reader = new Database(databasePath, { readonly: true });
    const controller = new AbortController();
    try {
      // The overlay: an SSE client noting when each message first arrives.
      const arrivedAt = new Map<number, number>();
      const waiting = new Map<number, () => void>();
      const events = await fetch(`${server.url}/display/${display.token}/events`, {
        signal: controller.signal,
      });
      const stream = (async () => {
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of events.body!) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (!block.includes('event: upsert')) continue;
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (data === undefined) continue;
            const { id } = JSON.parse(data) as { id: number };
            if (!arrivedAt.has(id)) arrivedAt.set(id, performance.now());
            waiting.get(id)?.();
          }
        }
      })().catch(() => undefined);

      // The senders: 50 deliveries a second, each its own message.
      const hook = new URL(`${server.url}/hooks/${sourceId}`);
      let sent = 0;
      let accepted = 0;
      const failures = new Map<number, number>();
      const inFlight = new Set<Promise<void>>();
      const sendOne = () => {
        const i = sent++;
        const body = eventyayJson(
          textPayload({
            channel: CHANNEL,
            message_id: 500_000 + i,
            message: `Question ${i}: what about slide ${i % 40}? ${(i * 7919) % 100_003}`,
            sender_id: `00000000-0000-4000-8000-${String(i % 300).padStart(12, '0')}`,
            screen_name: `Attendee ${i % 300}`,
            timestamp: new Date(Date.UTC(2026, 4, 1, 12) + i * 20)
              .toISOString()
              .replace('Z', '+00:00'),
          }),
        );
        const answered = post(agent, hook, body, {
          'content-type': 'application/json',
          'x-eventyay-signature': eventyaySignature(body, SECRET),
        }).then((status) => {
          if (status === 200) accepted++;
          else failures.set(status, (failures.get(status) ?? 0) + 1);
        });
        inFlight.add(answered);
        void answered.finally(() => inFlight.delete(answered));
      };
      // Catches up with the clock on every tick, so timer drift does not lower the rate.
      const sendingFrom = performance.now();
      const sender = setInterval(() => {
        const due = Math.floor(((performance.now() - sendingFrom) / 1000) * ARRIVALS_PER_SECOND);
        while (sent < due) sendOne();
      }, 5);

      // The moderator: the oldest waiting message, decided at a steady pace.
      const nextWaiting = reader.prepare<[number], { id: number }>(
        "SELECT id FROM messages WHERE moderation_state = 'unreviewed' AND id > ? ORDER BY id LIMIT 1",
      );
      const latencies: number[] = [];
      /** How long the decision POST itself took (its transaction is fsync'd). */
      const answers: number[] = [];
      const pending: Promise<void>[] = [];
      let missed = 0;
      let lastId = 0;
      let decisions = 0;
      await new Promise((r) => setTimeout(r, 1000));
      const started = performance.now();
      // Decisions on the moderator's own clock, never waiting for the overlay: otherwise they
      // would fall into step with the server's poll and measure only its period.
      for (let n = 0; performance.now() - started < seconds * 1000; n++) {
        const message = nextWaiting.get(lastId);
        if (message !== undefined) {
          lastId = message.id;
          const shown = new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), 5000);
            waiting.set(message.id, () => {
              clearTimeout(timer);
              resolve(true);
            });
          });
          const verdict = decisions++ % 5 === 4 ? 'highlight' : 'approve';
          const t0 = performance.now();
          pending.push(
            post(
              agent,
              new URL(`${server.url}/messages/${message.id}/decision`),
              new URLSearchParams({ verdict, basis: '', next: '' }).toString(),
              {
                'content-type': 'application/x-www-form-urlencoded',
                cookie: `modhook_session=${session.token}`,
                'x-csrf-token': session.csrfToken,
              },
            ).then(async (status) => {
              if (status !== 303) throw new Error(`decision answered ${status}`);
              answers.push(performance.now() - t0);
              if (await shown) latencies.push(arrivedAt.get(message.id)! - t0);
              else missed++;
              waiting.delete(message.id);
            }),
          );
        }
        const due = started + ((n + 1) * 1000) / DECISIONS_PER_SECOND;
        await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      }
      await Promise.all(pending);
      const elapsed = (performance.now() - started) / 1000;
      clearInterval(sender);
      await Promise.all(inFlight);
      controller.abort();
      await stream;

      latencies.sort((a, b) => a - b);
      answers.sort((a, b) => a - b);
      const p50 = percentile(latencies, 50);
      const p95 = percentile(latencies, 95);
      const ok = latencies.length >= 10 && missed === 0 && p95 < TARGET_P95_MS;
      return {
        name: 'decision to overlay (pre-moderated channel, 50 deliveries/s, SSE)',
        ok,
        lines: [
          `${sent} deliveries sent at ${ARRIVALS_PER_SECOND}/s (${accepted} answered 200${failures.size === 0 ? '' : `; others: ${[...failures].map(([k, v]) => `${v} × ${k === 0 ? 'no answer' : k}`).join(', ')}`}) over ${elapsed.toFixed(1)} s; one overlay stream open`,
          `${latencies.length} decisions via POST /messages/:id/decision at ${DECISIONS_PER_SECOND}/s; ${missed} never reached the overlay`,
          `decision → overlay: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(0)} ms (target p95 < ${TARGET_P95_MS} ms; the server polls every 300 ms)`,
          `of which the decision's own answer: p50 ${percentile(answers, 50).toFixed(0)} ms, p95 ${percentile(answers, 95).toFixed(0)} ms`,
        ],
      };
    } finally {
      controller.abort();
      reader.close();
      agent.destroy();
      await stopProcess(server.child, 'SIGTERM');
    }
  } finally {
    remove();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await benchDisplay();
  console.log(`${report.ok ? 'ok  ' : 'MISS'} ${report.name}`);
  for (const line of report.lines) console.log(`     ${line}`);
}
