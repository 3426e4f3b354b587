/** A time as a readable UTC date-time, with the exact ISO value as machine-readable datetime. */
export function When(props: { at: number }) {
  const iso = new Date(props.at).toISOString();
  return <time datetime={iso}>{iso.replace('T', ' ').slice(0, 19)} UTC</time>;
}

/** How long ago, in the largest sensible unit ("3 min", "2 h"). */
export function ago(from: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - from) / 1000));
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}
