import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export type ScryptParams = { N: number; r: number; p: number };

/**
 * scrypt at one of OWASP's recommended settings (2^16, 8, 2: 64 MiB, about a third of a
 * second on one core). Each hash stores its own parameters, so raising these later keeps old
 * hashes verifiable.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 16, r: 8, p: 2 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Bounds for parameters read back from a stored hash, so a damaged row cannot ask for gigabytes.
const MAX_LOG_N = 20;
const MAX_R = 32;
const MAX_P = 16;

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function derive(password: string, salt: Buffer, params: ScryptParams, keylen: number) {
  const options: ScryptOptions = {
    ...params,
    // Node refuses anything above 32 MiB unless told: scrypt needs 128 * N * r * p bytes.
    maxmem: 128 * params.N * params.r * params.p + 1024 * 1024,
  };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keylen, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/**
 * Hashes a password with scrypt and a fresh 16-byte salt into a PHC string,
 * `$scrypt$ln=16,r=8,p=2$<salt>$<hash>`. Runs on libuv's thread pool, not the event loop.
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params, KEY_BYTES);
  return `$scrypt$ln=${Math.log2(params.N)},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

/**
 * True when `password` matches a hash from hashPassword, compared in constant time with the
 * salt and parameters stored in the hash. False (never a throw) for a malformed hash.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = PHC.exec(stored);
  if (match === null) return false;
  const [logN, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (logN < 1 || logN > MAX_LOG_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return false;
  const salt = Buffer.from(match[4]!, 'base64');
  const expected = Buffer.from(match[5]!, 'base64');
  if (expected.length < 16) return false;
  const actual = await derive(password, salt, { N: 2 ** logN, r, p }, expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * A hash at DEFAULT_SCRYPT that no password is expected to match (it was made from a throwaway
 * string), checked by verifyNothing; password.test keeps its parameters equal to the defaults.
 */
export const DUMMY_HASH =
  '$scrypt$ln=16,r=8,p=2$/9np7DHRF7lzRv4NRBpPxA$J/LyOW3pZ+HP7+ZIQyo4YP9QMWl37AUGhT6YP0KqHBo';

/**
 * Spends the same time as checking a real password, for sign-ins to an unknown or disabled
 * account, so response times do not tell which usernames exist. Always false.
 */
export async function verifyNothing(password: string): Promise<false> {
  await verifyPassword(password, DUMMY_HASH);
  return false;
}
