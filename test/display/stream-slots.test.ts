import { describe, expect, it } from 'vitest';
import { createStreamSlots, type StreamSlot } from '../../src/display/stream-slots.ts';

describe('stream slots', () => {
  it('hands out slots within both limits, and a release frees exactly one', () => {
    const limits = { perDisplay: 2, total: 3 };
    const slots = createStreamSlots(() => limits);
    const a1 = slots.take(1) as StreamSlot;
    const a2 = slots.take(1) as StreamSlot;
    expect(slots.take(1)).toEqual({ refused: 'display', limit: 2 });
    const b1 = slots.take(2) as StreamSlot;
    expect(slots.take(2)).toEqual({ refused: 'total', limit: 3 });
    expect([slots.count(1), slots.count(2), slots.count()]).toEqual([2, 1, 3]);

    a1.release();
    a1.release(); // twice: still one slot
    expect([slots.count(1), slots.count()]).toEqual([1, 2]);
    expect('release' in slots.take(2)).toBe(true);
    expect(slots.take(1)).toEqual({ refused: 'total', limit: 3 });

    // A changed setting applies to the next stream.
    limits.total = 4;
    expect('release' in slots.take(1)).toBe(true);
    a2.release();
    b1.release();
    expect(slots.count()).toBe(2);
  });
});
