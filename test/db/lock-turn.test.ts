import { describe, expect, it } from 'vitest';
import { createLockTurn, giveWay, retryWhileLocked } from '../../src/db/lock-turn.ts';

describe('turns at the write lock', () => {
  it('tries again while locked, counted as waiting meanwhile, and returns the first success', async () => {
    const turn = createLockTurn();
    const seen: number[] = [];
    let attempts = 0;
    const result = await retryWhileLocked(
      async () => {
        seen.push(Atomics.load(turn, 0));
        attempts++;
        return attempts < 4 ? 'locked' : 'written';
      },
      (r) => r === 'locked',
      { turn, deadlineMs: 2000 },
    );
    expect(result).toBe('written');
    expect(attempts).toBe(4);
    // The first attempt has not waited yet; the retries are counted; the count is released.
    expect(seen).toEqual([0, 1, 1, 1]);
    expect(Atomics.load(turn, 0)).toBe(0);
  });

  it('gives up with the locked result once the deadline passed', async () => {
    const turn = createLockTurn();
    const started = performance.now();
    let attempts = 0;
    const result = await retryWhileLocked(
      async () => (attempts++, 'locked'),
      () => true,
      { turn, deadlineMs: 300 },
    );
    const took = performance.now() - started;
    expect(result).toBe('locked');
    expect(attempts).toBeGreaterThan(3);
    expect(took).toBeGreaterThanOrEqual(150);
    expect(took).toBeLessThan(2000);
    expect(Atomics.load(turn, 0)).toBe(0);
  });

  it('runs once when not locked, and releases the count when an attempt throws', async () => {
    const turn = createLockTurn();
    let attempts = 0;
    await retryWhileLocked(
      async () => attempts++,
      () => false,
      { turn, deadlineMs: 1000 },
    );
    expect(attempts).toBe(1);
    let calls = 0;
    await expect(
      retryWhileLocked(
        async () => {
          if (calls++ > 0) throw new Error('broken');
          return 'locked';
        },
        () => true,
        { turn, deadlineMs: 1000 },
      ),
    ).rejects.toThrow('broken');
    expect(Atomics.load(turn, 0)).toBe(0);
  });

  it('makes the writer wait only while someone waits, and at most its limit', () => {
    const turn = createLockTurn();
    let started = performance.now();
    giveWay(turn, 200);
    expect(performance.now() - started).toBeLessThan(50);
    Atomics.add(turn, 0, 1);
    started = performance.now();
    giveWay(turn, 100);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(1000);
  });
});
