const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses `0`, `90s`, `30m`, `24h` or `7d` into milliseconds; throws a readable error otherwise. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,6})([smhd])?$/.exec(text.trim());
  const amount = Number(match?.[1]);
  const unit = match?.[2] as keyof typeof UNIT_MS | undefined;
  if (match === null || (unit === undefined && amount !== 0)) {
    throw new Error(`"${text}" is not a duration: use a number with s, m, h or d (e.g. 24h), or 0`);
  }
  return unit === undefined ? 0 : amount * UNIT_MS[unit];
}
