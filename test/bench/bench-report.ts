/** One benchmark's printed figures and whether it met its target. */
export type BenchReport = { name: string; lines: string[]; ok: boolean };

/** The p-th percentile of ascending `sorted` values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Prints a report as `npm run bench` does: ok or MISS, the name, then its lines. */
export function printReport(report: BenchReport): void {
  console.log(`${report.ok ? 'ok  ' : 'MISS'} ${report.name}`);
  for (const line of report.lines) console.log(`     ${line}`);
}
