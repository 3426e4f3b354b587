import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCRYPT,
  DUMMY_HASH,
  hashPassword,
  verifyNothing,
  verifyPassword,
} from '../../src/auth/password.ts';
import { CHEAP_SCRYPT, PASSWORD } from '../helpers/accounts.ts';

const PHC = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

describe('hashPassword', () => {
  it('writes a PHC string with OWASP-level scrypt parameters, a 16-byte salt and a 32-byte key', async () => {
    const hash = await hashPassword('correct horse battery');
    const [, ln, r, p, salt, key] = PHC.exec(hash) ?? [];
    expect(DEFAULT_SCRYPT).toEqual({ N: 65_536, r: 8, p: 2 });
    expect([Number(ln), Number(r), Number(p)]).toEqual([16, 8, 2]);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64')).toHaveLength(32);
    expect(hash).not.toContain('correct horse');
  });

  it('salts every hash, so the same password never hashes the same twice', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password!', CHEAP_SCRYPT),
      hashPassword('same password!', CHEAP_SCRYPT),
    ]);
    expect(a).not.toBe(b);
    expect(PHC.exec(a)![4]).not.toBe(PHC.exec(b)![4]);
  });
});

describe('verifyPassword', () => {
  it('accepts the password a default hash was made from', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
  });

  it.each([
    ['another password', 'wrong horse battery'],
    ['a different letter case', 'Correct horse battery'],
    ['a trailing space', 'correct horse battery '],
    ['a prefix of it', 'correct horse'],
    ['the empty string', ''],
  ])('refuses %s', async (_, attempt) => {
    const hash = await hashPassword('correct horse battery', CHEAP_SCRYPT);
    expect(await verifyPassword(attempt, hash)).toBe(false);
  });

  it('uses the parameters stored in the hash, not the current defaults', async () => {
    const hash = await hashPassword('correct horse battery', CHEAP_SCRYPT);
    expect(hash.startsWith('$scrypt$ln=10,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    // Same salt and key, other parameters: another derivation, so no match.
    const tampered = hash.replace('$ln=10,', '$ln=11,');
    expect(await verifyPassword('correct horse battery', tampered)).toBe(false);
  });

  it('matches a password typed in another Unicode normalization form', async () => {
    const hash = await hashPassword('caf\u00e9 au lait 123', CHEAP_SCRYPT);
    expect(await verifyPassword('cafe\u0301 au lait 123', hash)).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['a plain text password', 'correct horse battery'],
    ['another algorithm', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA'],
    ['a cost above the bound', '$scrypt$ln=30,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'],
    ['a zero cost', '$scrypt$ln=0,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'],
    ['a key shorter than 16 bytes', '$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0$c2hvcnQ'],
  ])('returns false, without throwing, for %s', async (_, stored) => {
    expect(await verifyPassword('correct horse battery', stored)).toBe(false);
  });
});

describe('verifyNothing', () => {
  it('always answers false, for sign-ins to accounts that do not exist', async () => {
    expect(await verifyNothing('modhook-no-such-account')).toBe(false);
    expect(await verifyNothing(PASSWORD)).toBe(false);
  });

  it('costs what a real check costs: its hash has the default parameters', () => {
    const { N, r, p } = DEFAULT_SCRYPT;
    expect(DUMMY_HASH.startsWith(`$scrypt$ln=${Math.log2(N)},r=${r},p=${p}$`)).toBe(true);
    expect(PHC.test(DUMMY_HASH)).toBe(true);
  });
});
