import type { SimulatedEvent } from './chat-script.ts';

/** What the server answered one delivery, as simulate counts it. */
export type DeliveryResult =
  | { outcome: 'accepted' | 'duplicate' }
  | { outcome: 'rejected'; status: number; reason: string }
  | { outcome: 'error'; message: string };

export type SimulationSummary = {
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: number;
  /** Text and emoji deliveries sent (a retried text counts as a message). */
  messages: number;
  reactions: number;
  /** Rejections by the reason the server gave, e.g. `{"signature_mismatch": 3}`. */
  rejectedBy: Record<string, number>;
  /** The first transport error, for the summary line (e.g. connection refused). */
  firstError: string | null;
  elapsedMs: number;
};

export type SimulationClock = {
  now: () => number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
};

export type SimulationRun = {
  /** The next step of the chat at `now`: one event, or a burst sent all at once. */
  next: (now: number) => SimulatedEvent[];
  deliver: (event: SimulatedEvent) => Promise<DeliveryResult>;
  /** Average deliveries per second; steps are due at k / rate, each moved by up to ±40%. */
  rate: number;
  durationMs: number;
  clock: SimulationClock;
  /** A float in [0, 1), for the jitter between steps. */
  random: () => number;
  /** Aborting stops sending (Ctrl-C); deliveries already sent are still counted. */
  signal: AbortSignal;
  /** At most this many deliveries wait for an answer at once; the pace waits beyond. */
  maxInFlight?: number;
  /** Called about every `progressEveryMs` with the counts so far and the time left. */
  onProgress?: (summary: SimulationSummary, leftMs: number) => void;
  progressEveryMs?: number;
};

const LONGEST_SLEEP_MS = 500;

/**
 * Plays a chat script against `deliver` at `rate` deliveries per second on average for
 * `durationMs`, or until `signal` aborts. Deliveries are not awaited one by one: Eventyay sends
 * them from several workers, so they overlap. A burst's events go out together, and the steps
 * after it wait until the average rate is met again. Resolves with the counts once every
 * delivery sent has been answered.
 */
export async function runSimulation(run: SimulationRun): Promise<SimulationSummary> {
  const { clock, signal } = run;
  const maxInFlight = run.maxInFlight ?? 64;
  const progressEveryMs = run.progressEveryMs ?? 3000;
  const intervalMs = 1000 / run.rate;
  const summary: SimulationSummary = {
    sent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    errors: 0,
    messages: 0,
    reactions: 0,
    rejectedBy: {},
    firstError: null,
    elapsedMs: 0,
  };
  const started = clock.now();
  const endsAt = started + run.durationMs;
  const inFlight = new Set<Promise<void>>();
  let lastProgress = started;

  const count = (result: DeliveryResult) => {
    switch (result.outcome) {
      case 'accepted':
        summary.accepted++;
        break;
      case 'duplicate':
        summary.duplicates++;
        break;
      case 'rejected':
        summary.rejected++;
        summary.rejectedBy[result.reason] = (summary.rejectedBy[result.reason] ?? 0) + 1;
        break;
      case 'error':
        summary.errors++;
        summary.firstError ??= result.message;
    }
  };
  const send = (event: SimulatedEvent) => {
    summary.sent++;
    if (event.payload.message_type === 'emoji') summary.reactions++;
    else summary.messages++;
    const pending: Promise<void> = run
      .deliver(event)
      .catch((error: unknown): DeliveryResult => ({ outcome: 'error', message: String(error) }))
      .then(count)
      .finally(() => inFlight.delete(pending));
    inFlight.add(pending);
  };

  let dueAt = started;
  while (!signal.aborted) {
    const now = clock.now();
    if (run.onProgress !== undefined && now - lastProgress >= progressEveryMs) {
      lastProgress = now;
      run.onProgress({ ...summary, elapsedMs: now - started }, Math.max(0, endsAt - now));
    }
    if (now >= endsAt) break;
    if (now < dueAt) {
      await clock.sleep(Math.min(dueAt - now, endsAt - now, LONGEST_SLEEP_MS), signal);
      continue;
    }
    if (inFlight.size >= maxInFlight) {
      await Promise.race(inFlight);
      continue;
    }
    for (const event of run.next(now)) send(event);
    const jitter = (run.random() - 0.5) * 0.8;
    dueAt = started + (summary.sent + jitter) * intervalMs;
  }
  await Promise.all(inFlight);
  summary.elapsedMs = clock.now() - started;
  return summary;
}
