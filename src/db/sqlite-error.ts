/** "database is locked (SQLITE_BUSY)": SQLite's words and code, for people reading /healthz. */
export function describeSqliteError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}
