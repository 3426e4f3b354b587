/** How far from 1970 a Date reaches, either way (±100,000,000 days). */
const DATE_LIMIT_MS = 8.64e15;

/**
 * A stored time as ISO 8601, or null when no Date holds it: out of range, not a number (a
 * database column may hold anything, and `toISOString` throws on what it cannot show).
 */
export function isoTime(at: unknown): string | null {
  if (typeof at !== 'number' || !Number.isFinite(at) || Math.abs(at) > DATE_LIMIT_MS) return null;
  return new Date(at).toISOString();
}

/** The stored value as it is, shortened, for showing beside "invalid time". */
const rawValue = (at: unknown) => String(at).slice(0, 40);

/**
 * A time as a readable UTC date-time, with the exact ISO value as machine-readable datetime;
 * a value that is no time shows as "invalid time" with the value itself.
 */
export function When(props: {
  at: number;
  /** The time of day only (HH:MM:SS, UTC). */ short?: boolean;
}) {
  const iso = isoTime(props.at);
  if (iso === null) {
    return <span class="invalid-time">invalid time ({rawValue(props.at)})</span>;
  }
  if (props.short) {
    return (
      <time datetime={iso} title={`${iso.replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`}>
        {iso.slice(11, 19)}
      </time>
    );
  }
  return <time datetime={iso}>{iso.replace('T', ' ').replace(/\.\d+Z$/, '')} UTC</time>;
}

/** How long ago, in the largest sensible unit ("3 min", "2 h"). */
export function ago(from: number, now: number): string {
  if (isoTime(from) === null) return `? (invalid time ${rawValue(from)})`;
  const seconds = Math.max(0, Math.round((now - from) / 1000));
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}
