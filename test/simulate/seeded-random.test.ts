import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/simulate/seeded-random.ts';

const draws = (seed: number, n = 1000) => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.next());
};

describe('createRandom', () => {
  it('repeats for the same seed and differs for another', () => {
    expect(draws(7)).toEqual(draws(7));
    expect(draws(8)).not.toEqual(draws(7));
    expect(draws(2 ** 32 - 1)).not.toEqual(draws(0));
  });

  it('draws floats in [0, 1) spread over the range', () => {
    const values = draws(1, 10_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it.each([
    [3, 7],
    [0, 0],
    [12, 24],
  ])('between(%i, %i) gives every whole number of the range, and nothing else', (min, max) => {
    const random = createRandom(3);
    const seen = new Set(Array.from({ length: 2000 }, () => random.between(min, max)));
    expect([...seen].sort((a, b) => a - b)).toEqual(
      Array.from({ length: max - min + 1 }, (_, i) => min + i),
    );
  });

  it('never picks an item of weight 0, and picks by weight', () => {
    const random = createRandom(4);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 10_000; i++) {
      counts[
        random.weighted<keyof typeof counts>([
          ['a', 3],
          ['never', 0],
          ['b', 1],
        ])
      ]++;
    }
    expect(counts.never).toBe(0);
    expect(counts.a / counts.b).toBeGreaterThan(2.6);
    expect(counts.a / counts.b).toBeLessThan(3.4);
  });

  it('writes version 4 UUIDs, all different', () => {
    const random = createRandom(5);
    const ids = Array.from({ length: 500 }, () => random.uuid());
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses to pick from an empty list', () => {
    expect(() => createRandom(1).pick([])).toThrow('pick from an empty list');
  });
});
