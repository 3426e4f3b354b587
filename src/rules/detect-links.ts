import { parse } from 'tldts';

export type FoundLink = { start: number; end: number; url: string; host: string };

// Emoji end a link: chat writes them right after it (`https://evil.org🚩`), and the URL parser
// would otherwise take them into the host.
const URL_TAIL = String.raw`[^\s<>"\x60\p{Extended_Pictographic}]`;
const LABEL = String.raw`(?:[\p{L}\p{N}-]|%[0-9a-f]{2})+`;
// Three readings, tried in this order at each position: a URL with its scheme, a `www.` link,
// a bare domain. The last two never start inside a word, an e-mail address or a longer host.
const LINK = new RegExp(
  [
    String.raw`(?<![\p{L}\p{N}_])(https?:\/\/${URL_TAIL}+)`,
    String.raw`(?<![\p{L}\p{N}_.@%-])(www\.${URL_TAIL}+)`,
    String.raw`(?<![\p{L}\p{N}_.@%-])${LABEL}(?:\.${LABEL})+(?::\d{1,5})?(?:[/?#]${URL_TAIL}*)?`,
  ].join('|'),
  'giu',
);
const TRAILING = new Set(['.', ',', ':', ';', '!', '?', "'", '"', '*']);
const CLOSING: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const HOST_END = /[:/?#]/;
const NON_ASCII = /[\u0080-\uffff]/;
const WRITTEN_TLD = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

/**
 * Finds http(s) URLs, `www.` links and bare domains whose top-level domain is real (ICANN) in
 * already normalized text. A bare dotted-quad IPv4 address counts only with a port or a path
 * (`1.2.3.4/x`), a version number never does. `url` is the link as written, without trailing
 * sentence punctuation; `host` is lowercase ASCII as a browser would resolve it (punycode,
 * percent-decoded, user info and port removed). Spans are UTF-16 indices into `text`.
 */
export function findLinks(text: string): FoundLink[] {
  const found: FoundLink[] = [];
  LINK.lastIndex = 0;
  for (let m = LINK.exec(text); m !== null; m = LINK.exec(text)) {
    const url = trimTrailing(m[0]);
    const end = m.index + url.length;
    // `name.surname@example.com` is an e-mail address, not a link to name.surname.
    if (text.charAt(end) === '@') continue;
    // `www...` is an ellipsis, not a link to the host www.
    if (m[2] !== undefined && url.length <= 4) continue;
    const bare = m[1] === undefined && m[2] === undefined;
    // Most bare candidates in chat are abbreviations and numbers (e.g., 3.5x, v2.3): they are
    // turned away on the text as written, before the costly URL parser runs.
    if (bare && !mayBeBareLink(url)) continue;
    const host = m[1] !== undefined ? hostOf(url) : hostOf(`http://${url}`);
    if (host === null || (bare && !isBareLink(url, host))) continue;
    found.push({ start: m.index, end, url, host });
  }
  return found;
}

/**
 * True when `host` is `domain` or one of its subdomains (`a.b.evil.com` and `evil.com`, not
 * `notevil.com`), ignoring case; a leading `*.` or `.` on `domain` means the same. Unicode names
 * compare by their punycode form. An IP address matches only itself.
 */
export function hostMatchesDomain(host: string, domain: string): boolean {
  const h = canonicalHost(host);
  const d = canonicalHost(domain.replace(/^\*?\./, ''));
  if (h === '' || d === '') return false;
  if (h === d) return true;
  if (DOTTED_QUAD.test(h) || h.startsWith('[')) return false;
  return h.endsWith(`.${d}`);
}

/** Drops sentence punctuation and closing brackets that the link did not open. */
function trimTrailing(url: string): string {
  let end = url.length;
  while (end > 0) {
    const last = url.charAt(end - 1);
    const opening = CLOSING[last];
    if (TRAILING.has(last)) end--;
    else if (opening !== undefined && count(url, opening, end) < count(url, last, end)) end--;
    else break;
  }
  return url.slice(0, end);
}

function count(text: string, char: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1 && i < end; i = text.indexOf(char, i + 1)) n++;
  return n;
}

/** The WHATWG URL parser decides the host, exactly as the browser of whoever clicks the link. */
function hostOf(url: string): string | null {
  try {
    const host = new URL(url).hostname.replace(/\.$/, '');
    return host === '' ? null : host;
  } catch {
    return null;
  }
}

function mayBeBareLink(url: string): boolean {
  const hostEnd = url.search(HOST_END);
  const written = hostEnd === -1 ? url : url.slice(0, hostEnd);
  if (DOTTED_QUAD.test(written)) return true;
  const tld = written.slice(written.lastIndexOf('.') + 1);
  return tld.includes('%') || (WRITTEN_TLD.test(tld) && isIcann(tld.toLowerCase()));
}

function isBareLink(url: string, host: string): boolean {
  // Without a path or port a dotted quad is more likely a version number (1.2.3.4).
  return DOTTED_QUAD.test(host) ? HOST_END.test(url) : isIcann(host);
}

function isIcann(host: string): boolean {
  return parse(host, { extractHostname: false }).isIcann === true;
}

function canonicalHost(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  if (!NON_ASCII.test(lower)) return lower;
  return hostOf(`http://${lower}`) ?? '';
}
