import { describe, expect, it } from 'vitest';
import type { SimulatedEvent } from '../../src/simulate/chat-script.ts';
import type { EventyayPayload } from '../../src/sources/eventyay-wire.ts';
import {
  runSimulation,
  type DeliveryResult,
  type SimulationClock,
  type SimulationRun,
} from '../../src/simulate/run-simulation.ts';
import { createRandom } from '../../src/simulate/seeded-random.ts';

/** Virtual time: sleeping moves the clock, so a minute runs in milliseconds. */
function fakeClock(): SimulationClock & { time: number } {
  const clock = {
    time: 1_000_000,
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.time += ms;
      await Promise.resolve();
    },
  };
  return clock;
}

const event = (type: 'text' | 'emoji'): SimulatedEvent => ({
  purpose: type === 'text' ? 'chatter' : 'reaction',
  payload: { message_type: type } as EventyayPayload,
});

function setup(overrides: Partial<SimulationRun> = {}) {
  const clock = fakeClock();
  const sentAt: number[] = [];
  const run: SimulationRun = {
    next: () => [event('text')],
    deliver: async () => {
      sentAt.push(clock.time);
      return { outcome: 'accepted' };
    },
    rate: 5,
    durationMs: 60_000,
    clock,
    random: createRandom(1).next,
    signal: new AbortController().signal,
    ...overrides,
  };
  return { clock, sentAt, run };
}

describe('runSimulation', () => {
  it.each([
    [5, 60_000, 300],
    [20, 2_000, 40],
    [300 / 60, 10_000, 50],
    [0.5, 60_000, 30],
  ])(
    'at %d/s for %d ms sends about %d deliveries, spread over the time',
    async (rate, durationMs, expected) => {
      const { run, sentAt, clock } = setup({ rate, durationMs });
      const start = clock.time;
      const summary = await runSimulation(run);
      expect(summary.sent).toBeGreaterThanOrEqual(expected - 1);
      expect(summary.sent).toBeLessThanOrEqual(expected + 1);
      expect(summary.accepted).toBe(summary.sent);
      expect(Math.max(...sentAt) - start).toBeGreaterThan(durationMs * 0.9);
      expect(Math.max(...sentAt) - start).toBeLessThan(durationMs);
      expect(summary.elapsedMs).toBeGreaterThanOrEqual(durationMs);
    },
  );

  it('sends a burst at once, then waits until the average rate is met again', async () => {
    let step = 0;
    const { run, sentAt, clock } = setup({
      rate: 10,
      durationMs: 3_000,
      next: () => (step++ === 5 ? Array.from({ length: 8 }, () => event('text')) : [event('text')]),
    });
    const start = clock.time;
    const summary = await runSimulation(run);
    const burstAt = sentAt[5]!;
    expect(sentAt.slice(5, 13).every((t) => t === burstAt)).toBe(true);
    expect(sentAt[13]! - burstAt).toBeGreaterThanOrEqual(500);
    expect(summary.sent).toBeGreaterThanOrEqual(29);
    expect(summary.sent).toBeLessThanOrEqual(31);
    expect(sentAt[sentAt.length - 1]! - start).toBeGreaterThan(2_500);
  });

  it('counts each outcome, rejections by reason, and a delivery that throws as an error', async () => {
    const answers: (DeliveryResult | Error)[] = [
      { outcome: 'accepted' },
      { outcome: 'duplicate' },
      { outcome: 'rejected', status: 401, reason: 'signature_mismatch' },
      { outcome: 'rejected', status: 401, reason: 'signature_mismatch' },
      { outcome: 'rejected', status: 422, reason: 'invalid_payload' },
      { outcome: 'error', message: 'connection refused' },
      new Error('boom'),
    ];
    let i = 0;
    const { run } = setup({
      rate: 10,
      durationMs: 700,
      next: () => [event(i % 2 === 0 ? 'text' : 'emoji')],
      deliver: async () => {
        const answer = answers[i++ % answers.length]!;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    const summary = await runSimulation(run);
    expect(summary).toMatchObject({
      sent: 7,
      accepted: 1,
      duplicates: 1,
      rejected: 3,
      errors: 2,
      messages: 4,
      reactions: 3,
      rejectedBy: { signature_mismatch: 2, invalid_payload: 1 },
      firstError: 'connection refused',
    });
  });

  it('stops sending when aborted, and still counts what was sent', async () => {
    const stop = new AbortController();
    const { run } = setup({
      signal: stop.signal,
      deliver: async () => {
        if (++sent === 12) stop.abort();
        return { outcome: 'accepted' };
      },
    });
    let sent = 0;
    const summary = await runSimulation(run);
    expect(summary.sent).toBe(12);
    expect(summary.accepted).toBe(12);
  });

  it('waits for every answer before it resolves, and keeps at most maxInFlight waiting', async () => {
    const release: (() => void)[] = [];
    let waiting = 0;
    let most = 0;
    const { run } = setup({
      rate: 1000,
      durationMs: 100,
      maxInFlight: 4,
      deliver: () =>
        new Promise<DeliveryResult>((resolve) => {
          most = Math.max(most, ++waiting);
          release.push(() => {
            waiting--;
            resolve({ outcome: 'accepted' });
          });
          // Answer later, out of order.
          setTimeout(() => release.shift()?.(), 1);
        }),
    });
    const summary = await runSimulation(run);
    expect(waiting).toBe(0);
    expect(most).toBe(4);
    expect(summary.accepted).toBe(summary.sent);
  });

  it('reports progress about every few seconds with the time left', async () => {
    const calls: [number, number][] = [];
    const { run } = setup({
      durationMs: 10_000,
      progressEveryMs: 3_000,
      onProgress: (s, left) => calls.push([s.sent, left]),
    });
    await runSimulation(run);
    expect(calls.length).toBe(3);
    expect(calls.map(([, left]) => Math.round(left / 1000))).toEqual([7, 4, 1]);
    expect(calls[0]![0]).toBeGreaterThanOrEqual(14);
  });
});
