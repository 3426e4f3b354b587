import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { startServerProcess, stopProcess, type ServerProcess } from '../helpers/server-process.ts';
import { benchDatabase } from './bench-database.ts';
import type { BenchReport } from './bench-report.ts';
import { makeDeliveries, SECRET, type Delivery } from './deliveries.ts';
import { cpuSeconds, peakMemoryMiB, residentMemoryMiB } from './process-stats.ts';

const CONNECTIONS = 50;

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

// autocannon, not wrk, because this run needs a fixed request rate (`overallRate`).
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

const fmt = (r: { perSecond: number; p50: number; p99: number }) =>
  `${Math.round(r.perSecond).toLocaleString('en')}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`;

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
