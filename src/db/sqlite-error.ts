/**
 * Whether SQLite gave up on a lock (another connection or process holds it). Extended codes
 * count: SQLITE_BUSY_SNAPSHOT is what a transaction that read first gets when another
 * connection committed before it could write; it never waits, and running it again succeeds.
 */
export function isLockError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}

/** "database is locked (SQLITE_BUSY)": SQLite's words and code, for people reading /healthz. */
export function describeSqliteError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}
