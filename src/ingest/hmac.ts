import { createHmac, timingSafeEqual } from 'node:crypto';

export type KeyedSecret = { id: number; secret: string };

/**
 * Finds the secret whose HMAC-SHA256 of `body` equals `expected` (raw digest bytes). Every
 * candidate is computed and compared in constant time, so timing tells nothing about which
 * secret or how many bytes matched. Returns the matching secret's id, or null.
 */
export function findMatchingHmacSecret(
  body: Uint8Array,
  expected: Buffer,
  secrets: readonly KeyedSecret[],
): number | null {
  let matched: number | null = null;
  for (const { id, secret } of secrets) {
    const digest = createHmac('sha256', secret).update(body).digest();
    if (
      digest.length === expected.length &&
      timingSafeEqual(digest, expected) &&
      matched === null
    ) {
      matched = id;
    }
  }
  return matched;
}
