import { createHash } from 'node:crypto';
import { request as httpRequest, Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { startServerProcess, stopProcess, type ServerProcess } from '../helpers/server-process.ts';
import { benchDatabase } from './bench-database.ts';
import { percentile, type BenchReport } from './bench-report.ts';
import { cpuSeconds, peakMemoryMiB, residentMemoryMiB } from './process-stats.ts';

const SECRET = 'bench-secret-0123456789abcdef';
const CONNECTIONS = 50;

type Delivery = { body: string; signature: string };

/** Unique, validly signed Eventyay text deliveries, serialised as Eventyay does. */
function makeDeliveries(count: number): Delivery[] {
  const texts = [
    'Great talk!',
    'Can you repeat the last slide?',
    'Where is room B?',
    'Thanks 🙏',
    'Is there a recording?',
  ];
  return Array.from({ length: count }, (_, i) => {
    const body = eventyayJson(
      textPayload({
        message_id: 1_000_000 + i,
        // A random tail keeps texts further apart than the repetition rule's edit distance.
        message: `${texts[i % texts.length]} ${createHash('sha1').update(String(i)).digest('base64url').slice(0, 12)}`,
        sender_id: `00000000-0000-4000-8000-${String(i % 500).padStart(12, '0')}`,
        screen_name: `Attendee ${i % 500}`,
        timestamp: new Date(Date.UTC(2026, 4, 1, 12) + i * 10).toISOString().replace('Z', '+00:00'),
      }),
    );
    return { body, signature: eventyaySignature(body, SECRET) };
  });
}

type Run = {
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  cpuPercent: number;
  peakMiB: number;
};

/** Drives `server` with autocannon (keep-alive connections) for `seconds`, at most `rate`/s. */
async function drive(
  server: ServerProcess,
  path: string,
  deliveries: Delivery[],
  seconds: number,
  options: { rate?: number; first?: number } = {},
): Promise<Run> {
  let next = options.first ?? 0;
  const pid = server.child.pid!;
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const result = await autocannon({
    url: `${server.url}${path}`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
    requests: [
      {
        setupRequest: (req) => {
          const d = deliveries[next++ % deliveries.length]!;
          return {
            ...req,
            body: d.body,
            headers: {
              'content-type': 'application/json',
              'x-eventyay-signature': d.signature,
              'user-agent': 'python-requests/2.32.3',
            },
          };
        },
      },
    ],
  });
  const elapsed = (performance.now() - started) / 1000;
  return {
    perSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpuPercent: ((cpuSeconds(pid) - cpuBefore) / elapsed) * 100,
    peakMiB: peakMemoryMiB(pid),
  };
}

/** Eventyay opens a new connection per delivery: the same load without keep-alive. */
async function driveWithoutKeepAlive(
  server: ServerProcess,
  path: string,
  deliveries: Delivery[],
  seconds: number,
  offset: number,
) {
  const url = new URL(`${server.url}${path}`);
  const agent = new Agent({ keepAlive: false });
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let next = offset;
  const until = performance.now() + seconds * 1000;
  const one = (d: Delivery) =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'x-eventyay-signature': d.signature,
            connection: 'close',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - started);
            if (res.statusCode === 200) ok++;
            else failed++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(d.body);
    });
  const worker = async () => {
    while (performance.now() < until) await one(deliveries[next++ % deliveries.length]!);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    perSecond: ok / ((performance.now() - started) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ok,
    failed,
  };
}

const fmt = (r: { perSecond: number; p50: number; p99: number }) =>
  `${Math.round(r.perSecond).toLocaleString('en')}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`;

/**
 * Ingest against a bare Hono hello-world in one run: the real server on a temp database with
 * the default rules, 50 keep-alive connections of unique signed Eventyay deliveries; then the
 * same without keep-alive, as Eventyay sends. Checks that every 2xx is one stored row.
 */
export async function benchIngest(seconds = 10): Promise<BenchReport> {
  const { databasePath, sourceId: id, remove } = benchDatabase('ingest', 'eventyay', SECRET);
  try {
    // Enough unique deliveries for ~8,000/s, and no more: a large heap in the load generator
    // would add its own GC pauses to the measured latencies.
    const deliveries = makeDeliveries(seconds * 8_000 + 30_000);
    const path = `/hooks/${id}`;

    const hello = await startServerProcess(
      {},
      { entry: 'test/bench/hello-server.ts', ready: 'hello listening' },
    );
    const baseline = await drive(hello, path, deliveries, seconds);
    await stopProcess(hello.child);

    const server = await startServerProcess({ DATABASE_PATH: databasePath });
    const ingest = await drive(server, path, deliveries, seconds);
    const closeLoop = await driveWithoutKeepAlive(
      server,
      path,
      deliveries,
      Math.max(3, seconds / 2),
      ingest.ok + ingest.non2xx,
    );
    await stopProcess(server.child, 'SIGTERM');

    const check = new Database(databasePath, { readonly: true });
    const rows = (check.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    check.close();
    const answered = ingest.ok + closeLoop.ok;
    const ratio = ingest.perSecond / baseline.perSecond;
    const ok =
      ratio >= 0.1 &&
      ingest.p99 < 25 &&
      ingest.non2xx === 0 &&
      ingest.errors === 0 &&
      rows === answered;
    return {
      name: 'ingest (signed Eventyay deliveries, synchronous=FULL, group commit)',
      ok,
      lines: [
        `${CONNECTIONS} keep-alive connections, ${seconds} s each, default rules enabled`,
        `hello-world: ${fmt(baseline)}, server CPU ${baseline.cpuPercent.toFixed(0)}%, peak ${baseline.peakMiB.toFixed(0)} MiB`,
        `ingest:      ${fmt(ingest)}, server CPU ${ingest.cpuPercent.toFixed(0)}%, peak ${ingest.peakMiB.toFixed(0)} MiB`,
        `ratio ingest / hello-world: ${ratio.toFixed(3)} (target ≥ 0.10); p99 target < 25 ms`,
        `non-2xx ${ingest.non2xx}, errors ${ingest.errors}; stored rows ${rows} = 2xx answers ${answered}: ${rows === answered ? 'yes' : 'NO'}`,
        `without keep-alive (a connection per delivery, as Eventyay): ${fmt(closeLoop)}, failed ${closeLoop.failed}`,
      ],
    };
  } finally {
    remove();
  }
}

/**
 * `npm run bench -- --sustained`: 60 s at 80% of the measured maximum, in 10 s windows, to show
 * that p99 stays stable and memory flat under a long spike.
 */
export async function benchSustained(seconds = 60): Promise<BenchReport> {
  const { databasePath, sourceId: id, remove } = benchDatabase('sustained', 'eventyay', SECRET);
  try {
    const path = `/hooks/${id}`;
    const server = await startServerProcess({ DATABASE_PATH: databasePath });
    const probe = await drive(server, path, makeDeliveries(80_000), 5);
    const rate = Math.floor(probe.perSecond * 0.8);
    const windows = seconds / 10;
    // The same deterministic sequence as the probe's; windows start after its 80,000.
    const deliveries = makeDeliveries(80_000 + rate * seconds + 10_000);
    const lines = [
      `maximum ${Math.round(probe.perSecond)}/s; sustained ${rate}/s for ${seconds} s`,
    ];
    const p99s: number[] = [];
    const memory: number[] = [];
    for (let w = 0; w < windows; w++) {
      // Message ids continue from the probe's deliveries, which are already stored.
      const run = await drive(server, path, deliveries, 10, {
        rate,
        first: 80_000 + w * rate * 10,
      });
      p99s.push(run.p99);
      const rss = residentMemoryMiB(server.child.pid!);
      memory.push(rss);
      lines.push(
        `  ${(w + 1) * 10} s: ${fmt(run)}, non-2xx ${run.non2xx}, resident ${rss.toFixed(0)} MiB`,
      );
    }
    await stopProcess(server.child, 'SIGTERM');
    const stable = Math.max(...p99s) <= 2 * Math.min(...p99s) + 5;
    const flat = memory.at(-1)! - memory[1]! < 64;
    lines.push(
      `p99 stable: ${stable ? 'yes' : 'NO'}; memory flat after warm-up: ${flat ? 'yes' : 'NO'}`,
    );
    return { name: 'sustained ingest at 80% of maximum', ok: stable && flat, lines };
  } finally {
    remove();
  }
}
