import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startServerProcess, stopProcess, type ServerProcess } from '../helpers/server-process.ts';
import { benchDatabase } from './bench-database.ts';
import { printReport, type BenchReport } from './bench-report.ts';
import {
  chatDelivery,
  floodDelivery,
  SECRET,
  writeDeliveries,
  type Delivery,
} from './deliveries.ts';
import { askStats, cpuSeconds, peakMemoryMiB } from './process-stats.ts';
import { runWrk, wrkAvailable, type WrkRun } from './wrk.ts';

const CONNECTIONS = 50;
/** The fastest ingest rate the pre-signed bodies are sized for; a wrk thread that runs out
 * stops sending (and the report says so) rather than repeat a delivery. */
const MAX_RATE = Number(process.env.BENCH_INGEST_MAX_RATE ?? 15_000);

type Mode = { name: string; newConnections: boolean };
const KEEP_ALIVE: Mode = { name: 'keep-alive', newConnections: false };
const NEW_CONNECTIONS: Mode = { name: 'a new connection per delivery', newConnections: true };

/** Deliveries `make(0)` … `make(count - 1)` are in `file` for wrk; later ones are unused. */
type Workload = { name: string; make: (i: number) => Delivery; file: string; count: number };

type Measured = WrkRun & {
  cpuMsPerDelivery: number;
  peakMiB: number;
  acceptedPerAnswer: number;
  commitsPerDelivery: number | null;
  /** Ingest only: stored messages, and the share of them with a flag. */
  rows?: number;
  flaggedShare?: number;
};

/**
 * 1.5 s of deliveries (bodies after the file's) before the measured run: a fresh process
 * compiles its hot paths and starts its language detector on first use, which a server that has
 * been running has long done. Returns how many were answered 2xx.
 */
async function warmUp(url: string, workload: Workload): Promise<number> {
  const until = performance.now() + 1_500;
  let next = workload.count;
  let ok = 0;
  const sender = async () => {
    while (performance.now() < until) {
      const { body, signature } = workload.make(next++);
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-eventyay-signature': signature },
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (res.ok) ok++;
    }
  };
  await Promise.all(Array.from({ length: 10 }, sender));
  return ok;
}

/** Warms `server` up, then what one wrk run did to it (CPU from /proc, the rest over IPC). */
async function measure(
  server: ServerProcess,
  path: string,
  mode: Mode,
  workload: Workload,
  seconds: number,
): Promise<Measured & { warmUpOk: number }> {
  const pid = server.child.pid!;
  const warmUpOk = await warmUp(`${server.url}${path}`, workload);
  const before = await askStats(server.child);
  const cpuBefore = cpuSeconds(pid);
  const run = await runWrk({
    url: `${server.url}${path}`,
    bodiesFile: workload.file,
    seconds,
    connections: CONNECTIONS,
    newConnections: mode.newConnections,
    // The hello-world stores nothing, so reusing bodies costs it nothing.
    cycle: path === HELLO_PATH,
  });
  const cpu = cpuSeconds(pid) - cpuBefore;
  const after = await askStats(server.child);
  const answers = Math.max(1, run.requests);
  return {
    ...run,
    warmUpOk,
    cpuMsPerDelivery: (cpu * 1000) / answers,
    peakMiB: peakMemoryMiB(pid),
    acceptedPerAnswer: (after.accepted - before.accepted) / answers,
    commitsPerDelivery:
      after.writer && before.writer
        ? (after.writer.commits - before.writer.commits) / answers
        : null,
  };
}

const HELLO_PATH = '/hooks/hello';

async function helloWorld(mode: Mode, bodies: Workload, seconds: number): Promise<Measured> {
  const hello = await startServerProcess(
    {},
    { entry: 'test/bench/hello-server.ts', ready: 'hello listening', ipc: true },
  );
  try {
    return await measure(hello, HELLO_PATH, mode, bodies, seconds);
  } finally {
    await stopProcess(hello.child);
  }
}

/** The real server on a fresh database with the default rules; checks rows against 2xx. */
async function ingest(mode: Mode, workload: Workload, seconds: number): Promise<Measured> {
  const { databasePath, sourceId, remove } = benchDatabase('ingest', 'eventyay', SECRET);
  try {
    const server = await startServerProcess(
      { DATABASE_PATH: databasePath },
      { entry: 'test/bench/bench-server.ts', ipc: true },
    );
    let result: Measured & { warmUpOk: number };
    try {
      result = await measure(server, `/hooks/${sourceId}`, mode, workload, seconds);
    } finally {
      // A clean stop checkpoints the database; a server that does not stop is killed.
      const killer = setTimeout(() => server.child.kill('SIGKILL'), 15_000);
      await stopProcess(server.child, 'SIGTERM');
      clearTimeout(killer);
    }
    const db = new Database(databasePath, { readonly: true });
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    const stored = count('SELECT count(*) AS n FROM messages');
    const flagged = count(
      'SELECT count(DISTINCT message_id) AS n FROM flags WHERE message_id IS NOT NULL',
    );
    db.close();
    // The warm-up's messages are stored too; its answers were counted apart.
    return {
      ...result,
      rows: stored - result.warmUpOk,
      flaggedShare: flagged / Math.max(1, stored),
    };
  } finally {
    remove();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const int = (n: number) => Math.round(n).toLocaleString('en');
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Medians over the rounds of one configuration. */
function summarise(runs: Measured[]) {
  const med = (pick: (r: Measured) => number) => median(runs.map(pick));
  const commits = runs.map((r) => r.commitsPerDelivery);
  return {
    perSecond: med((r) => r.perSecond),
    p50: med((r) => r.p50),
    p99: med((r) => r.p99),
    cpu: med((r) => r.cpuMsPerDelivery),
    peakMiB: Math.max(...runs.map((r) => r.peakMiB)),
    accepted: med((r) => r.acceptedPerAnswer),
    commits: commits.every((c) => c !== null) ? median(commits) : null,
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    rowsMatch: runs.every((r) => r.rows === undefined || r.rows === r.ok),
    flagged: med((r) => r.flaggedShare ?? 0),
    // A run that lost answers, ran out of bodies or started a thread late undercounts.
    suspect: runs.some((r) => r.sent !== r.requests || r.exhaustedThreads > 0 || r.lateMs > 100),
  };
}

/** One round's raw figures. */
function roundLine(r: Measured, index: number): string {
  const commits = r.commitsPerDelivery === null ? 'n/a' : r.commitsPerDelivery.toFixed(3);
  const parts = [
    `round ${index + 1}: ${int(r.perSecond)}/s`,
    `p50 ${ms(r.p50)}`,
    `p99 ${ms(r.p99)}`,
    `non-2xx ${r.non2xx}`,
    `socket errors ${r.errors}`,
    ...(r.rows === undefined ? [] : [`stored rows ${int(r.rows)} / 2xx ${int(r.ok)}`]),
    `CPU ${r.cpuMsPerDelivery.toFixed(3)} ms/delivery`,
    `peak ${r.peakMiB.toFixed(0)} MiB`,
    `commits/delivery ${commits}`,
    `connections accepted/answer ${r.acceptedPerAnswer.toFixed(3)}`,
  ];
  if (r.flaggedShare !== undefined) parts.push(`${(r.flaggedShare * 100).toFixed(0)}% flagged`);
  if (r.sent !== r.requests) parts.push(`SUSPECT: ${r.sent - r.requests} sent, not answered`);
  if (r.exhaustedThreads > 0) parts.push('SUSPECT: ran out of bodies (raise MAX_RATE)');
  if (r.lateMs > 100) parts.push(`SUSPECT: a wrk thread started ${r.lateMs} ms late`);
  return `      ${parts.join(', ')}`;
}

const mark = (ok: boolean) => (ok ? 'ok' : 'MISS');

/**
 * `npm run bench` ingest: wrk against the real server (a fresh temp database with the default
 * rules per run, every 200 fsync'd) and against a bare node:http hello-world in the same run,
 * interleaved round by round, keep-alive and with a new connection per delivery (as Eventyay
 * sends), for a conference chat and a flood. Each delivery is unique and signed as Eventyay
 * signs it. Figures are medians of the rounds; targets are printed, not asserted.
 */
export async function benchIngest(
  seconds = Number(process.env.BENCH_INGEST_SECONDS ?? 8),
  rounds = Number(process.env.BENCH_INGEST_ROUNDS ?? 2),
): Promise<BenchReport> {
  const name = 'ingest (wrk, signed Eventyay deliveries, synchronous=FULL)';
  if (!wrkAvailable()) {
    return {
      name,
      ok: false,
      lines: ['wrk not found: install it (Debian/Ubuntu: apt-get install -y wrk); skipped'],
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'modhook-bench-wrk-'));
  try {
    const count = Math.ceil(seconds * MAX_RATE * 1.25);
    const chat: Workload = {
      name: 'conference chat',
      make: chatDelivery,
      file: join(dir, 'chat.txt'),
      count,
    };
    const flood = { name: 'flood', make: floodDelivery, file: join(dir, 'flood.txt'), count };
    for (const w of [chat, flood]) await writeDeliveries(w.file, count, w.make);

    const runs = new Map<string, Measured[]>();
    const record = (key: string, m: Measured) => runs.set(key, [...(runs.get(key) ?? []), m]);
    for (let round = 0; round < rounds; round++) {
      for (const mode of [KEEP_ALIVE, NEW_CONNECTIONS]) {
        record(`${mode.name} hello`, await helloWorld(mode, chat, seconds));
        for (const w of [chat, flood]) {
          record(`${mode.name} ${w.name}`, await ingest(mode, w, seconds));
        }
      }
    }

    const lines = [
      `${CONNECTIONS} connections, 2 wrk threads, ${seconds} s per run, ${rounds} interleaved ` +
        `rounds (medians); default rules; ${int(count)} pre-signed bodies per workload`,
    ];
    let ok = true;
    const target = (met: boolean, text: string) => {
      ok &&= met;
      return `${mark(met)} ${text}`;
    };
    for (const mode of [KEEP_ALIVE, NEW_CONNECTIONS]) {
      const helloRuns = runs.get(`${mode.name} hello`)!;
      const hello = summarise(helloRuns);
      lines.push(
        '',
        `${mode.name}:`,
        `  node:http hello-world: ${int(hello.perSecond)}/s, p50 ${ms(hello.p50)}, p99 ` +
          `${ms(hello.p99)}, connections accepted per answer ${hello.accepted.toFixed(3)}`,
        ...helloRuns.map(roundLine),
      );
      ok &&= !hello.suspect;
      // Counted in the hello-world: Connection: close really costs a connection per delivery.
      if (mode.newConnections) {
        lines.push(`    ${target(hello.accepted >= 0.99, 'wrk reconnects for every delivery')}`);
      }
      for (const w of [chat, flood]) {
        const wRuns = runs.get(`${mode.name} ${w.name}`)!;
        const s = summarise(wRuns);
        const ratio = s.perSecond / hello.perSecond;
        const checks = [target(!s.suspect, 'complete runs'), target(s.rowsMatch, 'rows = 2xx')];
        if (!mode.newConnections) {
          const [min, p99] = w === chat ? [0.15, 25] : [0.1, 50];
          checks.push(
            target(ratio >= min, `ratio ≥ ${min}`),
            target(s.p99 < p99, `p99 < ${p99} ms`),
          );
          if (w === chat) checks.push(target(s.non2xx === 0, 'zero non-2xx'));
        } else if (w === chat) {
          checks.push(
            target(ratio >= 0.25, 'ratio ≥ 0.25'),
            target(s.p99 < 50, 'p99 < 50 ms'),
            s.commits === null
              ? 'n/a ≤ 0.2 commits per delivery (the server does not report commits)'
              : target(s.commits <= 0.2, '≤ 0.2 commits per delivery'),
          );
        }
        lines.push(
          `  ingest, ${w.name}: ${int(s.perSecond)}/s = ${ratio.toFixed(3)} × hello-world, ` +
            `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, non-2xx ${s.non2xx}, CPU ${s.cpu.toFixed(3)} ` +
            `ms/delivery, peak ${s.peakMiB.toFixed(0)} MiB, commits per delivery ` +
            `${s.commits === null ? 'n/a' : s.commits.toFixed(3)}` +
            (w === flood ? `, ${(s.flagged * 100).toFixed(0)}% of messages flagged` : ''),
          `    targets: ${checks.join('; ')}`,
          ...wRuns.map(roundLine),
        );
      }
    }
    return { name, ok, lines };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printReport(await benchIngest());
