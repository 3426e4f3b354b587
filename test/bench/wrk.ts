import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const SCRIPT = new URL('./wrk-deliveries.lua', import.meta.url).pathname;

/** Whether `wrk` can be run here (Debian/Ubuntu: `apt-get install -y wrk`). */
export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

export type WrkRun = {
  /** Complete answers, and of them the 2xx ones (wrk counts answers ≥ 400 as errors). */
  requests: number;
  ok: number;
  non2xx: number;
  /** Requests handed to wrk: more than `requests` only if some were lost or cut off. */
  sent: number;
  errors: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** wrk threads that ran out of unsent bodies (the figures then undercount the rate). */
  exhaustedThreads: number;
  /** How late the slowest thread was for the common start, in ms. */
  lateMs: number;
};

type WrkResult = Record<
  | 'requests'
  | 'sent'
  | 'non2xx'
  | 'connectErrors'
  | 'readErrors'
  | 'writeErrors'
  | 'timeouts'
  | 'p50'
  | 'p90'
  | 'p99'
  | 'max'
  | 'exhaustedThreads'
  | 'lateMs',
  number
>;

/**
 * Posts the bodies of `bodiesFile` (see wrk-deliveries.lua) to `url` for `seconds` through
 * `connections` connections, kept alive or (`newConnections`) one per delivery as Eventyay
 * sends: `Connection: close` makes the server close after each answer and wrk reconnect.
 * Every thread starts at the same moment after loading its share; the last `DRAIN_SECONDS`
 * only collect the answers still in flight. Latencies in ms.
 */
export async function runWrk(options: {
  url: string;
  bodiesFile: string;
  seconds: number;
  connections: number;
  newConnections: boolean;
  cycle?: boolean;
  threads?: number;
}): Promise<WrkRun> {
  const threads = options.threads ?? 2;
  const startFile = `${options.bodiesFile}.${process.pid}.${++runs}.start`;
  const url = new URL(options.url);
  const args = [
    `-t${threads}`,
    `-c${options.connections}`,
    `-d${Math.ceil(options.seconds + DRAIN_SECONDS)}s`,
    // Eventyay gives up after 5 s; an answer later than that counts as a timeout.
    '--timeout',
    '5s',
    ...(options.newConnections ? ['-H', 'Connection: close'] : []),
    '-s',
    SCRIPT,
    `${url.origin}/`,
    '--',
    options.bodiesFile,
    url.pathname,
    String(threads),
    startFile,
    String(options.seconds),
    options.cycle ? 'cycle' : 'once',
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`wrk exited with ${code}:\n${out}`)),
    );
  }).finally(() => rmSync(startFile, { force: true }));
  const line = /^WRK_RESULT (.*)$/m.exec(output)?.[1];
  if (line === undefined) throw new Error(`wrk printed no result:\n${output}`);
  const r = JSON.parse(line) as WrkResult;
  const ok = r.requests - r.non2xx;
  return {
    requests: r.requests,
    ok,
    non2xx: r.non2xx,
    sent: r.sent,
    errors: r.connectErrors + r.readErrors + r.writeErrors + r.timeouts,
    // Sending stops at start + seconds, and every answer counted was to a request sent by then.
    perSecond: ok / options.seconds,
    p50: r.p50 / 1000,
    p90: r.p90 / 1000,
    p99: r.p99 / 1000,
    max: r.max / 1000,
    exhaustedThreads: r.exhaustedThreads,
    lateMs: r.lateMs,
  };
}

/** wrk's own clock starts when its last thread has loaded; sending starts 0.1 s later. */
const DRAIN_SECONDS = 1.5;
let runs = 0;
