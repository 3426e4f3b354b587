import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findMatchingHmacSecret, type KeyedSecret } from '../../src/ingest/hmac.ts';

const BODY = Buffer.from('{"message":"hello","message_id":1}');
const digestOf = (body: Uint8Array, secret: string) =>
  createHmac('sha256', secret).update(body).digest();

const A: KeyedSecret = { id: 1, secret: 'secret-a-0123456789' };
const B: KeyedSecret = { id: 2, secret: 'secret-b-0123456789' };
const C: KeyedSecret = { id: 3, secret: 'secret-c-0123456789' };

describe('findMatchingHmacSecret', () => {
  it.each([
    ['the only secret', [A], A.secret, 1],
    ['the first of three', [A, B, C], A.secret, 1],
    ['the middle of three', [A, B, C], B.secret, 2],
    ['the last of three', [A, B, C], C.secret, 3],
  ])('returns the id of %s when it signed the body', (_, secrets, signer, id) => {
    expect(findMatchingHmacSecret(BODY, digestOf(BODY, signer), secrets)).toBe(id);
  });

  it.each([
    ['no secret signed it', [A, B], digestOf(BODY, 'someone-else-0123456')],
    ['the digest is of another body', [A, B], digestOf(Buffer.from('{}'), A.secret)],
    ['the digest is SHA-256 of secret and body, not HMAC', [A], sha256Concat(A.secret, BODY)],
    ['the source has no secrets', [], digestOf(BODY, A.secret)],
  ])('returns null when %s', (_, secrets, expected) => {
    expect(findMatchingHmacSecret(BODY, expected, secrets)).toBeNull();
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['31 bytes', digestOf(BODY, A.secret).subarray(0, 31)],
    ['33 bytes', Buffer.concat([digestOf(BODY, A.secret), Buffer.from([0])])],
    ['64 bytes', Buffer.concat([digestOf(BODY, A.secret), digestOf(BODY, A.secret)])],
  ])('returns null without throwing when the expected digest is %s', (_, expected) => {
    expect(() => findMatchingHmacSecret(BODY, expected, [A])).not.toThrow();
    expect(findMatchingHmacSecret(BODY, expected, [A])).toBeNull();
  });

  it.each([
    [
      [
        { id: 5, secret: A.secret },
        { id: 6, secret: A.secret },
      ],
      5,
    ],
    [
      [
        { id: 6, secret: A.secret },
        { id: 5, secret: A.secret },
      ],
      6,
    ],
    [[B, { id: 8, secret: A.secret }, { id: 7, secret: A.secret }], 8],
  ])('returns the first of duplicate secrets (%j)', (secrets, id) => {
    expect(findMatchingHmacSecret(BODY, digestOf(BODY, A.secret), secrets)).toBe(id);
  });

  it('keys the HMAC with the secret as UTF-8 bytes', () => {
    const secret = 'clé-secrète-ünïcode-☕';
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(BODY).digest();
    expect(findMatchingHmacSecret(BODY, expected, [{ id: 9, secret }])).toBe(9);
  });

  it('verifies bytes that are not valid UTF-8 exactly as given', () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    expect(findMatchingHmacSecret(body, digestOf(body, B.secret), [A, B])).toBe(2);
    const replaced = Buffer.from(body.toString('utf8'));
    expect(findMatchingHmacSecret(replaced, digestOf(body, B.secret), [A, B])).toBeNull();
  });
});

function sha256Concat(secret: string, body: Uint8Array): Buffer {
  return createHash('sha256').update(secret).update(body).digest();
}
