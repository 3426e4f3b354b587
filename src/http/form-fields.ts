/** A text field of a parsed form; '' when missing or a file. */
export function textField(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : '';
}

/**
 * Where to send the browser after signing in: a path on this server, or '/'. Refuses other
 * hosts (`//evil.example`, `/\evil.example`), schemes and control characters: no open redirect.
 */
export function localPath(value: string | undefined): string {
  if (value === undefined || value.length > 2000) return '/';
  // eslint-disable-next-line no-control-regex
  if (!/^\/(?![/\\])[^\u0000-\u001f\u007f\\]*$/.test(value)) return '/';
  if (value === '/login' || value.startsWith('/login?') || value.startsWith('/setup')) return '/';
  return value;
}
