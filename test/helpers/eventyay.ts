import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The shared fixtures, byte-exact as Eventyay posts them (copied from shared/fixtures). */
export type EventyayFixture = {
  name: string;
  description: string;
  body: string;
  signature: string;
};
export const eventyayFixtures = JSON.parse(
  readFileSync(new URL('../fixtures/eventyay/deliveries.json', import.meta.url), 'utf8'),
) as { secret: string; deliveries: EventyayFixture[] };

export function fixture(name: string): EventyayFixture {
  const found = eventyayFixtures.deliveries.find((d) => d.name === name);
  if (found === undefined) throw new Error(`no fixture ${name}`);
  return found;
}

/**
 * Serialises like Eventyay's `json.dumps(payload, separators=(",", ":"), sort_keys=True)`:
 * compact, keys sorted at every level, non-ASCII as lowercase \uXXXX escapes (docs/protocols.md).
 */
export function eventyayJson(payload: unknown): string {
  return JSON.stringify(sortKeys(payload)).replace(/[\u007f-\uffff]/g, (ch) =>
    ch === '\u007f' ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
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

/** `sha256=` + lowercase hex HMAC-SHA256 of the exact bytes, keyed by the secret as UTF-8. */
export function eventyaySignature(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export const CHANNEL = '6f1c2b1e-8a4d-4c2a-9a57-3f0e1d2c3b4a';

/** A valid text payload; override any field. */
export function textPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    centralauth_id: null,
    centralauth_username: null,
    channel: CHANNEL,
    message: 'Hello',
    message_id: 9001,
    message_type: 'text',
    meta: {},
    profile_img: null,
    screen_name: 'Carol',
    sender_id: 'c0c0c0c0-0000-4000-8000-000000000001',
    timestamp: '2026-05-01T12:38:00.000001+00:00',
    user_language: 'en',
    ...overrides,
  };
}

/** A valid emoji payload built from its target, as Eventyay builds it. */
export function emojiPayload(options: {
  targetId: number;
  emoji: string;
  action: 'add' | 'remove';
  reactions: Record<string, string[]>;
  reactorName?: string;
}): Record<string, unknown> {
  return textPayload({
    message_id: options.targetId,
    message_type: 'emoji',
    message: 'target text',
    screen_name: options.reactorName ?? 'Reactor',
    meta: {
      action: options.action,
      reaction: options.emoji,
      reactions: options.reactions,
      target_message_id: options.targetId,
    },
  });
}
