const PER_SECOND = { s: 1, m: 1 / 60, min: 1 / 60, h: 1 / 3600 } as const;

/** The fastest rate simulate accepts: beyond it a laptop measures itself, not the chat. */
export const MAX_RATE_PER_SECOND = 1000;

/**
 * Parses a delivery rate such as `5/s`, `300/min`, `2/m` or `0.5/s` into deliveries per
 * second; throws a readable error otherwise (zero, negative or above MAX_RATE_PER_SECOND).
 */
export function parseRate(text: string): number {
  const match = /^(\d{1,7}(?:\.\d{1,3})?)\s*\/\s*(s|m|min|h)$/.exec(text.trim());
  const perSecond =
    match === null ? NaN : Number(match[1]) * PER_SECOND[match[2] as keyof typeof PER_SECOND];
  if (!(perSecond > 0) || perSecond > MAX_RATE_PER_SECOND) {
    throw new Error(
      `"${text}" is not a rate: use deliveries per second or minute, e.g. 5/s or 300/min ` +
        `(more than 0, at most ${MAX_RATE_PER_SECOND}/s)`,
    );
  }
  return perSecond;
}
