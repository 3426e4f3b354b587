import { createHmac } from 'node:crypto';

/** One Eventyay chat webhook payload (docs/protocols.md, Eventyay, Payload). */
export type EventyayPayload = {
  centralauth_id: number | null;
  centralauth_username: string | null;
  channel: string;
  message: string;
  message_id: number;
  message_type: 'text' | 'emoji';
  meta: EventyayEmojiMeta | Record<string, never>;
  profile_img: null;
  screen_name: string;
  sender_id: string | null;
  timestamp: string;
  user_language: string | null;
};

export type EventyayEmojiMeta = {
  action: 'add' | 'remove';
  reaction: string;
  /** The target's reactions after the change: `{emoji: [user id, ...]}`. */
  reactions: Record<string, string[]>;
  target_message_id: number;
};

/**
 * The body exactly as Eventyay posts it: Python's
 * `json.dumps(payload, separators=(",", ":"), sort_keys=True)` with its default
 * `ensure_ascii=True`. Compact; keys sorted by code point at every level; everything outside
 * printable ASCII (DEL included) written as lowercase `\uXXXX`, astral characters as surrogate
 * pairs. The result is pure ASCII, so its UTF-8 bytes are its characters.
 */
export function eventyayBody(payload: unknown): string {
  return compactSorted(payload).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `X-Eventyay-Signature`: `sha256=` + lowercase hex HMAC-SHA256 of the body, keyed by the secret as UTF-8. */
export function eventyaySignature(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Python's `datetime.isoformat()` of an aware UTC time: microseconds when there are any
 * (`2026-05-01T12:34:56.123456+00:00`), none at all when they are zero.
 */
export function pythonIsoFormat(epochMs: number, extraMicros = 0): string {
  const whole = Math.floor(epochMs);
  const iso = new Date(whole - (whole % 1000)).toISOString().slice(0, 19);
  const micros = (whole % 1000) * 1000 + extraMicros;
  return micros === 0 ? `${iso}+00:00` : `${iso}.${String(micros).padStart(6, '0')}+00:00`;
}

// Written out by hand rather than through a sorted object: JavaScript puts integer-like keys
// first whatever their insertion order, Python's sort_keys does not.
function compactSorted(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(compactSorted).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((k) => record[k] !== undefined);
    const fields = keys
      .sort(byCodePoint)
      .map((k) => `${JSON.stringify(k)}:${compactSorted(record[k])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

// Python compares str by code point; JavaScript's default sort by UTF-16 unit puts U+E000-U+FFFF
// after astral characters (emoji keys of meta.reactions).
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
