/** The form field and the header (htmx, via hx-headers on <body>) that carry the CSRF token. */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

/** The hidden field every POST form carries; src/http/csrf.ts checks it. */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}
