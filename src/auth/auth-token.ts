import { createHash, randomBytes } from 'node:crypto';

/** 32 bytes from the CSPRNG, base64url (43 characters): session, CSRF and setup tokens. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of a token, hex: what the database keeps instead of the token. A fast hash is enough
 * for 256 random bits (nothing to guess), and it makes lookups by hash exact.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
