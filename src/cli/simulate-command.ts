import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { createChatScript, type SimulatedEvent } from '../simulate/chat-script.ts';
import { eventyayBody, eventyaySignature } from '../sources/eventyay-wire.ts';
import { checkServerUp, postEventyayDelivery } from '../simulate/http-delivery.ts';
import { loadSimulationSource, type SimulationSource } from '../simulate/load-simulation-source.ts';
import { parseRate } from '../simulate/parse-rate.ts';
import {
  runSimulation,
  type DeliveryResult,
  type SimulationClock,
  type SimulationSummary,
} from '../simulate/run-simulation.ts';
import { createRandom } from '../simulate/seeded-random.ts';
import type { CliIo } from './cli-io.ts';
import { withCliDb } from './open-cli-db.ts';
import { parseDuration } from './parse-duration.ts';

type SimulateOptions = {
  source: string;
  rate: string;
  duration: string;
  url?: string;
  seed?: string;
  json?: boolean;
};

/** Consecutive transport errors after which the server is taken to be gone. */
const GIVE_UP_AFTER_ERRORS = 5;

const realClock: SimulationClock = {
  now: Date.now,
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};

/**
 * Adds `modhook simulate`: plays a realistic live chat as signed Eventyay deliveries against a
 * running server (src/simulate/), so a new user sees the queue fill without a chat platform.
 */
export function addSimulateCommand(program: Command, io: CliIo, config: () => Config): void {
  program
    .command('simulate')
    .description('play a live chat as signed Eventyay deliveries against the running server')
    .requiredOption('--source <id>', 'the eventyay source to deliver to (see: modhook source list)')
    .option('--rate <rate>', 'deliveries per second or minute, e.g. 5/s or 300/min', '5/s')
    .option(
      '--duration <duration>',
      'how long to play, e.g. 60s or 2m (Ctrl-C stops sooner)',
      '60s',
    )
    .option('--url <url>', 'the running server (default: PUBLIC_URL, else http://HOST:PORT)')
    .option('--seed <n>', 'a number: the same seed plays the same chat (default: random)')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: SimulateOptions) => {
      const rate = parseRate(opts.rate);
      const durationMs = parseDuration(opts.duration);
      if (durationMs === 0) throw new Error('--duration must be longer than 0, e.g. 60s');
      const seed = opts.seed === undefined ? randomInt(2 ** 32) : parseSeed(opts.seed);
      const baseUrl = serverUrl(opts.url ?? config().publicUrl);
      const source = withCliDb(config(), (db) =>
        loadSimulationSource({ db, now: Date.now }, opts.source),
      );
      await checkServerUp(baseUrl);

      const stop = new AbortController();
      void io.untilStopped().then(() => stop.abort());
      const target = signedDeliveries(baseUrl, source, stop);

      io.err(
        `Simulating a live chat on "${source.name}" at ${formatRate(rate)} for ` +
          `${formatSeconds(durationMs)} (seed ${seed}); Ctrl-C stops. Watch ${baseUrl}/\n`,
      );
      const script = createChatScript({ seed, firstMessageId: source.firstMessageId, rate });
      const summary = await runSimulation({
        next: script.next,
        deliver: target.deliver,
        rate,
        durationMs,
        clock: realClock,
        random: createRandom(seed ^ 0x5eed).next,
        signal: stop.signal,
        onProgress: io.errIsTerminal
          ? (s, leftMs) => io.err(`  ${formatCounts(s)}; ${formatSeconds(leftMs)} left\n`)
          : undefined,
      });
      const fatal = target.fatal();
      const interrupted = stop.signal.aborted && fatal === null;

      if (opts.json) {
        const { firstError: _, elapsedMs, ...counts } = summary;
        io.out(
          `${JSON.stringify({ source: source.id, seed, ...counts, seconds: elapsedMs / 1000, interrupted })}\n`,
        );
      } else {
        io.out(formatSummary(summary, interrupted, baseUrl));
      }
      if (fatal !== null) throw new Error(fatal);
      if (summary.rejected + summary.errors > 0) throw new Error(explainFailures(summary));
    });
}

/**
 * Signs each event with the source's secret and posts it to the source's webhook URL. Stops the
 * run (and says why) when the server does not know the source, or stops answering.
 */
function signedDeliveries(
  baseUrl: string,
  source: SimulationSource,
  stop: AbortController,
): { deliver: (event: SimulatedEvent) => Promise<DeliveryResult>; fatal: () => string | null } {
  const hookUrl = `${baseUrl}/hooks/${encodeURIComponent(source.id)}`;
  let fatal: string | null = null;
  let errorsInARow = 0;
  const deliver = async (event: SimulatedEvent): Promise<DeliveryResult> => {
    const body = eventyayBody(event.payload);
    const result = await postEventyayDelivery(
      hookUrl,
      body,
      eventyaySignature(body, source.secret),
    );
    errorsInARow = result.outcome === 'error' ? errorsInARow + 1 : 0;
    if (result.outcome === 'rejected' && result.status === 404) {
      fatal ??=
        `the server at ${baseUrl} does not know source ${source.id} (or has it disabled): ` +
        'is it using the same database as this command (DATABASE_PATH or --db)?';
    } else if (result.outcome === 'error' && errorsInARow >= GIVE_UP_AFTER_ERRORS) {
      fatal ??= `the server at ${baseUrl} stopped answering (${result.message})`;
    }
    if (fatal !== null) stop.abort();
    return result;
  };
  return { deliver, fatal: () => fatal };
}

function parseSeed(text: string): number {
  if (!/^\d{1,10}$/.test(text.trim()) || Number(text) >= 2 ** 32) {
    throw new Error(`--seed must be a whole number from 0 to ${2 ** 32 - 1}, got "${text}"`);
  }
  return Number(text);
}

/** The server's base URL, without a trailing slash; a wildcard listen address means this host. */
function serverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--url must be an http:// or https:// URL, got "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`--url must be an http:// or https:// URL, got "${text}"`);
  }
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  return url.toString().replace(/\/+$/, '');
}

function formatRate(perSecond: number): string {
  return perSecond >= 1 ? `${round(perSecond)}/s` : `${round(perSecond * 60)}/min`;
}

function formatSeconds(ms: number): string {
  return `${round(ms / 1000)} s`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** "1 message", "2 messages". */
const countOf = (n: number, noun: string) => `${n} ${n === 1 ? noun : `${noun}s`}`;

function formatCounts(s: SimulationSummary): string {
  return (
    `${s.sent} sent: ${s.accepted} accepted, ${countOf(s.duplicates, 'duplicate')}, ` +
    `${s.rejected} rejected, ${countOf(s.errors, 'error')}`
  );
}

function formatSummary(s: SimulationSummary, interrupted: boolean, baseUrl: string): string {
  const rate = s.elapsedMs > 0 ? ` (${formatRate((s.sent * 1000) / s.elapsedMs)})` : '';
  return [
    `${interrupted ? 'Stopped early. ' : ''}Sent ${countOf(s.sent, 'delivery').replace(/ys$/, 'ies')} in ${formatSeconds(s.elapsedMs)}${rate}: ` +
      `${countOf(s.messages, 'message')}, ${countOf(s.reactions, 'reaction')}.`,
    `  ${formatCounts(s)}`,
    `Flagged messages wait in the review queue: ${baseUrl}/`,
    '',
  ].join('\n');
}

function explainFailures(s: SimulationSummary): string {
  const reasons = Object.entries(s.rejectedBy).map(([reason, n]) => `${n} ${reason}`);
  if (s.errors > 0) reasons.push(`${s.errors} without an answer (${s.firstError ?? 'error'})`);
  const hint =
    'signature_mismatch' in s.rejectedBy
      ? ' A signature mismatch means the secret changed while simulate ran: run it again.'
      : '';
  const failed = s.rejected + s.errors;
  const deliveries = s.sent === 1 ? 'delivery' : 'deliveries';
  return `${failed} of ${s.sent} ${deliveries} ${failed === 1 ? 'was' : 'were'} not accepted: ${reasons.join(', ')}.${hint}`;
}
