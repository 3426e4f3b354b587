const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** "German" for "de"; "Unknown language" for "und"; the code itself when it has no name. */
export function languageName(code: string): string {
  if (code === 'und') return 'Unknown language';
  try {
    return names.of(code) ?? code;
  } catch {
    return code; // not a well-formed language tag
  }
}
