import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { QueueShare } from '../moderation/review-queue.ts';
import type { AppEnv } from './app-env.ts';
import { isHttps } from './request-info.ts';

const SHARE_COOKIE = 'modhook_share';
/** Bands offered: 1 of 2 up to 4 of 4; the cookie accepts up to 10 for hand-made links. */
export const MAX_BANDS = 10;
const LANGUAGE = /^[a-z]{2,3}$/;

/**
 * A share as the cookie holds it: `account.index.of.language` ("7.1.2.de", "7.0.0.de" for a
 * language alone, "7.2.3." for a band alone). The account id keeps one moderator's share from
 * applying to another who signs in on the same browser.
 */
export function formatShare(accountId: number, share: QueueShare): string {
  const band = share.band ? `${share.band.index}.${share.band.of}` : '0.0';
  return `${accountId}.${band}.${share.language ?? ''}`;
}

/** The share in a cookie value, if it is well-formed and `accountId`'s; else the whole queue. */
export function parseShare(value: string | undefined, accountId: number): QueueShare {
  const match = /^(\d+)\.(\d+)\.(\d+)\.([a-z]*)$/.exec(value ?? '');
  if (match === null || Number(match[1]) !== accountId) return {};
  const [index, of, language] = [Number(match[2]), Number(match[3]), match[4] ?? ''];
  const share: QueueShare = {};
  if (of >= 2 && of <= MAX_BANDS && index >= 1 && index <= of) share.band = { index, of };
  if (LANGUAGE.test(language)) share.language = language;
  return share;
}

/** The signed-in moderator's share (the cookie is sent with the live list refreshes too). */
export function readShareCookie(c: Context<AppEnv>): QueueShare {
  const account = c.var.session?.account;
  return account ? parseShare(getCookie(c, SHARE_COOKIE), account.id) : {};
}

/** Remembered for a year on this browser; HttpOnly: no script needs it. */
export function writeShareCookie(c: Context<AppEnv>, share: QueueShare): void {
  setCookie(c, SHARE_COOKIE, formatShare(c.var.session!.account.id, share), {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c),
    path: '/',
    maxAge: 365 * 86_400,
  });
}

/** A band field ("" or "K/N") and a language field ("" or a code) as a share; null if invalid. */
export function shareOfFields(band: string, language: string): QueueShare | null {
  const share: QueueShare = {};
  if (band !== '') {
    const match = /^(\d{1,2})\/(\d{1,2})$/.exec(band);
    const [index, of] = [Number(match?.[1]), Number(match?.[2])];
    if (!(of >= 2 && of <= MAX_BANDS && index >= 1 && index <= of)) return null;
    share.band = { index, of };
  }
  if (language !== '') {
    if (!LANGUAGE.test(language)) return null;
    share.language = language;
  }
  return share;
}
