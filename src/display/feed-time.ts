/** The earliest send time a feed believes; older ones are a sender's error (year 0000, 0). */
const EARLIEST_SENT_AT = Date.UTC(2000, 0, 1);

/** How far past now a send time may lie (clocks differ); later ones are a sender's error. */
const SENT_AT_LEEWAY_MS = 24 * 60 * 60 * 1000;

/** The largest time a JavaScript Date holds, either side of 1970. */
const MAX_DATE_MS = 8.64e15;

/** The send times a feed orders and shows as they are, at `now`. */
export function sentAtWindow(now: number): { from: number; to: number } {
  return { from: EARLIEST_SENT_AT, to: now + SENT_AT_LEEWAY_MS };
}

const isDateMs = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_DATE_MS;

/**
 * The time a feed orders a message by and shows: its send time when plausible, else its
 * receive time, so a stored send time of year 0000, 9999 or in nanoseconds pins nothing to
 * the top or bottom. Whatever the stored values, the result is a time a Date can hold.
 */
export function feedTime(sentAt: unknown, receivedAt: unknown, now: number): number {
  const { from, to } = sentAtWindow(now);
  if (isDateMs(sentAt) && sentAt >= from && sentAt <= to) return sentAt;
  return isDateMs(receivedAt) ? receivedAt : 0;
}
