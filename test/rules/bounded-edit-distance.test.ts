import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedDistance } from '../../src/rules/bounded-edit-distance.ts';

/** The textbook Levenshtein distance over UTF-16 units: every cell, no bound. */
function exactDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur[j] = Math.min(substitute, prev[j]! + 1, cur[j - 1]! + 1);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

// A small alphabet makes near-identical strings (and every case of the band) likely.
const text = (max: number) =>
  fc.array(fc.constantFrom('a', 'b', 'c', '😀'), { maxLength: max }).map((cs) => cs.join(''));

describe('boundedDistance', () => {
  it('is the exact distance when that is within the bound, and null beyond', () => {
    fc.assert(
      fc.property(text(30), text(30), fc.integer({ min: 0, max: 12 }), (a, b, bound) => {
        const exact = exactDistance(a, b);
        expect(boundedDistance(a, b, bound)).toBe(exact <= bound ? exact : null);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees on near-identical strings, whose distance is close to the bound', () => {
    const edited = fc
      .tuple(
        text(40),
        fc.array(fc.tuple(fc.nat(40), fc.constantFrom('a', 'x', '')), { maxLength: 6 }),
      )
      .map(([base, edits]) => {
        let other = base;
        for (const [at, ch] of edits) {
          const i = at % (other.length + 1);
          other = other.slice(0, i) + ch + other.slice(i + (ch === 'x' ? 0 : 1));
        }
        return [base, other] as const;
      });
    fc.assert(
      fc.property(edited, fc.integer({ min: 0, max: 6 }), ([a, b], bound) => {
        const exact = exactDistance(a, b);
        expect(boundedDistance(a, b, bound)).toBe(exact <= bound ? exact : null);
      }),
      { numRuns: 5000 },
    );
  });

  it('takes time linear in the text: two 60,000-character texts within and past the bound', () => {
    const base = 'hello world, this is a long chat message '.repeat(1500).slice(0, 60_000);
    const near = `${base.slice(0, 30_000)}X${base.slice(30_001)}`;
    const far = `${base.slice(0, 100)}${'z'.repeat(50)}${base.slice(150)}`;
    const started = performance.now();
    expect(boundedDistance(base, near, 10)).toBe(1);
    expect(boundedDistance(base, far, 10)).toBeNull();
    expect(boundedDistance(base, `${base}xyz`, 2)).toBeNull();
    // The full matrix would be 3.6 billion cells; the band is 21 wide.
    expect(performance.now() - started).toBeLessThan(500);
  });
});
