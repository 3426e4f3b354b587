import { createHmac } from 'node:crypto';

/**
 * Serialises as Eventyay does, `json.dumps(payload, separators=(",", ":"), sort_keys=True)`:
 * compact, keys sorted at every level, everything outside ASCII as lowercase \uXXXX escapes
 * (ensure_ascii; emoji as surrogate pairs). PROTOCOLS.md, Eventyay delivery.
 */
export function eventyayJson(payload: unknown): string {
  return JSON.stringify(sortKeys(payload)).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** `X-Eventyay-Signature`: `sha256=` + lowercase hex HMAC-SHA256 of the exact bytes. */
export function eventyaySignature(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Python's `datetime.isoformat()` of an aware UTC time: microseconds and `+00:00`. */
export function pythonIsoformat(at: number): string {
  return new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}
