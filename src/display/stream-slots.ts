/** How many event streams may be open at once, per display and in all. */
export type StreamLimits = { perDisplay: number; total: number };

/** An open stream's place; `release` frees it (once, however often it is called). */
export type StreamSlot = { release: () => void };

/** Why a stream was refused: its display is full, or the server is. */
export type StreamRefusal = { refused: 'display' | 'total'; limit: number };

/**
 * Counts open display event streams so that anonymous viewers cannot hold unbounded memory and
 * descriptors: `take` hands out a slot while both limits allow it, else says which one is hit.
 * The limits are read at each `take`, so a changed setting applies to the next stream.
 */
export function createStreamSlots(limits: () => StreamLimits) {
  const open = new Map<number, number>();
  let total = 0;
  return {
    take(displayId: number): StreamSlot | StreamRefusal {
      const { perDisplay, total: max } = limits();
      const here = open.get(displayId) ?? 0;
      if (here >= perDisplay) return { refused: 'display', limit: perDisplay };
      if (total >= max) return { refused: 'total', limit: max };
      open.set(displayId, here + 1);
      total += 1;
      let released = false;
      return {
        release: () => {
          if (released) return;
          released = true;
          total -= 1;
          const left = (open.get(displayId) ?? 1) - 1;
          if (left === 0) open.delete(displayId);
          else open.set(displayId, left);
        },
      };
    },
    /** Open streams of one display, or of all. */
    count(displayId?: number): number {
      return displayId === undefined ? total : (open.get(displayId) ?? 0);
    },
  };
}

export type StreamSlots = ReturnType<typeof createStreamSlots>;
