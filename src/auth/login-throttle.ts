import { isIPv6 } from 'node:net';
import { and, desc, eq, gt, lte, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { loginFailures } from '../db/schema.ts';
import { ThrottledError } from '../errors.ts';

/** Failed sign-ins count for this long... */
export const THROTTLE_WINDOW_MS = 15 * 60_000;
/** ...and at most this many may fail within it for one username from one client address... */
export const PAIR_FAILURE_LIMIT = 5;
/** ...and at most this many per client address, whatever the usernames (IPv6: per /64). */
export const ADDRESS_FAILURE_LIMIT = 20;
// No limit per username alone: whoever can reach the sign-in page could then lock any account
// (the admin's too) from a handful of addresses. Guessing one password from many addresses is
// slowed by the pair limit, the password length and scrypt instead.

type Tx = Pick<Db, 'select' | 'insert' | 'delete'>;
type Keys = { accountKey: string; addressKey: string };

/**
 * Refuses the attempt when either limit is reached (ThrottledError with the seconds until one
 * more attempt is allowed); otherwise records it as a failure and returns its row id. The
 * attempt counts before the password is checked, so parallel requests cannot slip past the
 * limit while their passwords are being hashed; a success deletes it again (clearLoginFailures).
 * Also deletes failures that left the window. Call it inside a transaction.
 */
export function beginLoginAttempt(tx: Tx, keys: Keys, at: number): number {
  tx.delete(loginFailures)
    .where(lte(loginFailures.at, at - THROTTLE_WINDOW_MS))
    .run();
  const waitMs = Math.max(
    waitMsFor(tx, pairOf(keys), PAIR_FAILURE_LIMIT, at),
    waitMsFor(tx, eq(loginFailures.addressKey, keys.addressKey), ADDRESS_FAILURE_LIMIT, at),
  );
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    throw new ThrottledError(
      `Too many failed sign-ins. Try again in ${Math.ceil(seconds / 60)} min.`,
      seconds,
    );
  }
  return tx
    .insert(loginFailures)
    .values({ at, ...keys })
    .returning({ id: loginFailures.id })
    .get().id;
}

/**
 * Forgets the failures of a username from the address it just signed in from. Only those: a
 * sign-in must not wipe what other addresses tried, or a guesser could start afresh after it.
 */
export function clearLoginFailures(tx: Tx, keys: Keys): void {
  tx.delete(loginFailures).where(pairOf(keys)).run();
}

function pairOf(keys: Keys): SQL {
  return and(
    eq(loginFailures.accountKey, keys.accountKey),
    eq(loginFailures.addressKey, keys.addressKey),
  )!;
}

/** 0 while under the limit; else how long until the limit-th newest failure leaves the window. */
function waitMsFor(tx: Tx, filter: SQL, limit: number, at: number): number {
  const row = tx
    .select({ at: loginFailures.at })
    .from(loginFailures)
    .where(and(filter, gt(loginFailures.at, at - THROTTLE_WINDOW_MS)))
    .orderBy(desc(loginFailures.at))
    .limit(1)
    .offset(limit - 1)
    .get();
  return row === undefined ? 0 : row.at + THROTTLE_WINDOW_MS - at;
}

/**
 * The key a client address is throttled under: IPv4 as is (also when IPv4-mapped), IPv6 as
 * its /64, since one subscriber usually holds a whole /64; `unknown` when there is none.
 */
export function addressKey(address: string | undefined): string {
  const a = (address ?? '').trim().toLowerCase().split('%')[0]!;
  if (a === '') return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!isIPv6(a)) return a.slice(0, 100);
  return `${hextets(a).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, without leading zeros. */
function hextets(address: string): string[] {
  let s = address;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const start = head === '' ? [] : head.split(':');
  const end = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - start.length - end.length).fill('0');
  return [...start, ...zeros, ...end].map((h) => parseInt(h, 16).toString(16));
}
