import { createHmac } from 'node:crypto';
import autocannon from 'autocannon';
import { streamBeforeSend } from '../helpers/senders.ts';
import { startServerProcess, stopProcess } from '../helpers/server-process.ts';
import { benchDatabase } from './bench-database.ts';
import type { BenchReport } from './bench-report.ts';

const SECRET = streamBeforeSend.secret;
const TEXTS = [
  'Great talk!',
  "hello, here's my card 4111 1111 1111 1111",
  'Where is room B? mail me at ana@example.com',
  'Thanks 🙏',
  'Is there a recording? https://example.org/slides',
];

/** Signed before-message-send bodies as Stream posts them, each with its own text. */
function makeChecks(count: number) {
  const template = JSON.parse(streamBeforeSend.request.body) as {
    message: { text: string };
    user: { id: string };
  };
  return Array.from({ length: count }, (_, i) => {
    template.message.text = `${TEXTS[i % TEXTS.length]} #${i}`;
    template.user.id = `user-${i % 200}`;
    const body = JSON.stringify(template);
    return { body, signature: createHmac('sha256', SECRET).update(body).digest('hex') };
  });
}

/**
 * Stream's before-message-send against the real server with the default rules: p99 of the
 * answer through one connection (a quiet chat) and through 10 concurrent ones (a busy one).
 * Every check writes its delivery row (fsync'd, group commit) before it is answered.
 */
export async function benchBeforeSend(seconds = 5): Promise<BenchReport> {
  const { databasePath, sourceId: id, remove } = benchDatabase('before-send', 'stream', SECRET);
  try {
    const checks = makeChecks(20_000);
    const server = await startServerProcess({ DATABASE_PATH: databasePath });
    let next = 0;
    const run = (connections: number) =>
      autocannon({
        url: `${server.url}/hooks/${id}/before-send`,
        method: 'POST',
        connections,
        duration: seconds,
        requests: [
          {
            setupRequest: (req) => {
              const c = checks[next++ % checks.length]!;
              return {
                ...req,
                body: c.body,
                headers: { 'content-type': 'application/json', 'x-signature': c.signature },
              };
            },
          },
        ],
      });
    const one = await run(1);
    const ten = await run(10);
    await stopProcess(server.child, 'SIGTERM');
    const fmt = (r: autocannon.Result) =>
      `${Math.round(r['2xx'] / r.duration).toLocaleString('en')}/s, p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms, non-2xx ${r.non2xx}`;
    const ok = one.latency.p99 < 5 && one.non2xx === 0 && ten.non2xx === 0;
    return {
      name: 'Stream before-message-send (default rules, each check recorded)',
      ok,
      lines: [
        `1 connection, ${seconds} s:   ${fmt(one)} (target p99 < 5 ms)`,
        `10 connections, ${seconds} s: ${fmt(ten)}`,
      ],
    };
  } finally {
    remove();
  }
}
