export type PersonalDataKind = 'email' | 'phone' | 'card' | 'iban';

export type FoundPersonalData = {
  kind: PersonalDataKind;
  start: number;
  end: number;
  value: string;
};

// Every pattern starts only where a word starts (the look-behind), so a failed attempt costs the
// length of one word, never the rest of the text; and no two quantifiers can split the same
// characters between them, so nothing backtracks exponentially.
const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}_%+-]+(?:\.[\p{L}\p{N}_%+-]+)*@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const EMAIL_TLD = /^\p{L}{2,63}$/u;

// Cards are written as one run of digits or in the issuers' groupings: 4-4-4-4(-3), 4-6-5 (Amex)
// and 4-6-4 (Diners), with one kind of separator throughout. After a plus it is a phone number.
const CARD =
  /(?<![\p{L}\p{N}_@+])(?:\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|\d{4}([ -])\d{6}\2\d{4,5}|\d{13,19})(?![\p{L}\p{N}_@])/gu;

// ISO 13616 allows a compact form or groups of four separated by single spaces (the last group
// may be shorter).
const IBAN =
  /(?<![\p{L}\p{N}_@])[a-z]{2}\d{2}(?:[a-z0-9]{11,30}|(?: [a-z0-9]{4}){2,7}(?: [a-z0-9]{1,4})?)(?![\p{L}\p{N}_@])/giu;

// A run of digit groups: `+49 (0)30 1234-567`, `(555) 123.4567`. Not after a digit and a
// punctuation mark, so the minutes of 12:30 or the month of 2026-05-01 never start a number.
const PHONE = /(?<![\p{L}\p{N}_+]|\d[.,:/-])(?:\+ ?)?\(?\d+(?:(?:[ ./-]|\)[ -]?| ?\()\d+){0,7}/gu;
const BAD_HYPHEN = /(?:^|\.)-|-(?:\.|$)/;
const SEPARATORS = /[ -]/g;
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Checked first where two findings overlap: the more specific pattern wins. */
const PRIORITY: readonly PersonalDataKind[] = ['iban', 'card', 'email', 'phone'];

type Span = { start: number; end: number };
/** What one detector found, and the text it saw in its shape that failed its checksum. */
type Detected = { found: FoundPersonalData[]; misses: Span[] };
const NOTHING: Detected = { found: [], misses: [] };

/**
 * Finds e-mail addresses, phone numbers, payment card numbers (Luhn-checked) and IBANs
 * (mod-97-checked) in already normalized text. Returns the findings of the given kinds, sorted by
 * start and never overlapping: where two kinds claim the same characters the more specific one
 * (IBAN, card, e-mail, phone) takes them, even when it was not asked for, so the digits of a card
 * are never reported as a phone number. Text shaped like an IBAN or a card whose checksum fails
 * is not reported, and its digits are not reported as anything else either (a mistyped IBAN is
 * not a card). Spans are UTF-16 indices into `text`, `[start, end)`.
 */
export function findPersonalData(
  text: string,
  kinds: readonly PersonalDataKind[],
): FoundPersonalData[] {
  if (kinds.length === 0) return [];
  const digits = countDigits(text);
  const byKind: Record<PersonalDataKind, Detected> = {
    iban: digits >= 2 ? findIbans(text) : NOTHING,
    card: digits >= 13 ? findCards(text) : NOTHING,
    email: text.includes('@') ? { found: findEmails(text), misses: [] } : NOTHING,
    phone: digits >= 7 ? { found: findPhones(text), misses: [] } : NOTHING,
  };
  const kept: FoundPersonalData[] = [];
  // One flag per UTF-16 unit, so that resolving overlaps stays linear in the text's length.
  const taken = new Uint8Array(text.length);
  for (const kind of PRIORITY) {
    const { found, misses } = byKind[kind];
    for (const f of found) {
      if (!isFree(taken, f)) continue;
      taken.fill(1, f.start, f.end);
      if (kinds.includes(kind)) kept.push(f);
    }
    for (const miss of misses) if (isFree(taken, miss)) taken.fill(1, miss.start, miss.end);
  }
  return kept.sort(byStart);
}

// Helpers are top-level functions, not closures: tsx (the production runner) wraps every closure
// it creates with a naming call, which is slow on a path that runs for every message.
function isFree(taken: Uint8Array, s: Span): boolean {
  for (let i = s.start; i < s.end; i++) if (taken[i] === 1) return false;
  return true;
}

function byStart(a: Span, b: Span): number {
  return a.start - b.start;
}

function findEmails(text: string): FoundPersonalData[] {
  const found: FoundPersonalData[] = [];
  for (const m of text.matchAll(EMAIL)) {
    const value = m[0];
    const domain = value.slice(value.indexOf('@') + 1);
    const tld = domain.slice(domain.lastIndexOf('.') + 1);
    if (EMAIL_TLD.test(tld) && !BAD_HYPHEN.test(domain)) {
      found.push(item('email', text, m.index, value.length));
    }
  }
  return found;
}

function findCards(text: string): Detected {
  const found: FoundPersonalData[] = [];
  const misses: Span[] = [];
  CARD.lastIndex = 0;
  for (let m = CARD.exec(text); m !== null; m = CARD.exec(text)) {
    // A grouped card followed by an expiry date or a code (`… 1111 05/27`) matches one group too
    // many; the shorter reading is tried before giving up.
    const length = longestValid(m[0], 13, 19, luhnValid);
    if (length === 0) {
      misses.push({ start: m.index, end: m.index + m[0].length });
      CARD.lastIndex = m.index + 1;
      continue;
    }
    found.push(item('card', text, m.index, length));
    CARD.lastIndex = m.index + length;
  }
  return { found, misses };
}

function findIbans(text: string): Detected {
  const found: FoundPersonalData[] = [];
  const misses: Span[] = [];
  IBAN.lastIndex = 0;
  for (let m = IBAN.exec(text); m !== null; m = IBAN.exec(text)) {
    const length = longestValid(m[0], 15, 34, ibanValid);
    if (length === 0) {
      misses.push({ start: m.index, end: m.index + m[0].length });
      IBAN.lastIndex = m.index + 1;
      continue;
    }
    found.push(item('iban', text, m.index, length));
    IBAN.lastIndex = m.index + length;
  }
  return { found, misses };
}

/**
 * The length of the longest prefix of `candidate` that ends at a group boundary, holds `min` to
 * `max` characters once the separators (space, dash) are removed, and passes `valid`; 0 when none
 * does.
 */
function longestValid(
  candidate: string,
  min: number,
  max: number,
  valid: (compact: string) => boolean,
): number {
  const compact = candidate.replace(SEPARATORS, '');
  let kept = compact.length;
  for (let end = candidate.length; end > 0 && kept >= min; end--) {
    const code = candidate.charCodeAt(end - 1);
    if (isSeparator(code)) continue;
    if (end === candidate.length || isSeparator(candidate.charCodeAt(end))) {
      if (kept <= max && valid(compact.slice(0, kept))) return end;
    }
    kept--;
  }
  return 0;
}

function isSeparator(code: number): boolean {
  return code === 32 || code === 45;
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616: the country code and check digits move to the end, letters count 10–35. */
function ibanValid(compact: string): boolean {
  const check = Number(compact.slice(2, 4));
  if (check < 2 || check > 98) return false;
  let rest = 0;
  for (let i = 0; i < compact.length; i++) {
    const code = compact.charCodeAt((i + 4) % compact.length);
    const value = code >= 97 ? code - 87 : code >= 65 ? code - 55 : code - 48;
    rest = (rest * (value >= 10 ? 100 : 10) + value) % 97;
  }
  return rest === 1;
}

function findPhones(text: string): FoundPersonalData[] {
  const found: FoundPersonalData[] = [];
  PHONE.lastIndex = 0;
  for (let m = PHONE.exec(text); m !== null; m = PHONE.exec(text)) {
    const candidate = m[0];
    const groups = digitGroups(candidate);
    const first = groups[0];
    const end = phoneEnd(candidate, groups, text.charAt(m.index + candidate.length));
    if (first === undefined || end === 0) {
      // `2026 555-123-4567`: the number may begin at a later group of the same run; groups that
      // cannot begin one are skipped, so a long run of numbers costs one pass.
      PHONE.lastIndex = m.index + nextStart(candidate, groups);
      continue;
    }
    // An opening parenthesis belongs to the number only when it closes right after the first group.
    const start = candidate.startsWith('(') && candidate.charAt(first.end) !== ')' ? 1 : 0;
    found.push(item('phone', text, m.index + start, end - start));
    PHONE.lastIndex = m.index + end;
  }
  return found;
}

type DigitGroup = { start: number; end: number };

function digitGroups(candidate: string): DigitGroup[] {
  const groups: DigitGroup[] = [];
  let start = -1;
  for (let i = 0; i <= candidate.length; i++) {
    const code = candidate.charCodeAt(i);
    const digit = code >= 48 && code <= 57;
    if (digit && start === -1) start = i;
    if (!digit && start !== -1) {
      groups.push({ start, end: i });
      start = -1;
    }
  }
  return groups;
}

/**
 * Where the longest leading run of the candidate's digit groups that is written like a phone
 * number ends, relative to the candidate; 0 when none is.
 */
function phoneEnd(candidate: string, groups: DigitGroup[], after: string): number {
  let digits = 0;
  for (const g of groups) digits += g.end - g.start;
  for (let count = groups.length; count >= 1 && digits >= 7; count--) {
    const last = groups[count - 1];
    if (last === undefined) break;
    // Glued to a word (`555-123-4567abc`) it is an identifier, not a number.
    const glued = count === groups.length && WORD_CHAR.test(after);
    if (!glued && digits <= 15 && looksLikePhone(candidate, groups, count)) return last.end;
    digits -= last.end - last.start;
  }
  return 0;
}

/** Whether the first `count` groups (7 to 15 digits) are written like a phone number. */
function looksLikePhone(candidate: string, groups: DigitGroup[], count: number): boolean {
  const first = groups[0];
  if (first === undefined) return false;
  const lead = candidate.charAt(first.start);
  // Country codes never start with 0.
  if (candidate.startsWith('+')) return lead !== '0';
  // Without a country code only separated national forms count: a bare run of digits is more
  // often an order number or a timestamp.
  if (count < 2) return false;
  if (count === 3 && looksLikeDate(candidate, groups)) return false;
  // A trunk prefix (030 1234 5678, 0171 1234567, 06 12 34 56 78); a lone 0 is a decimal (0.5).
  if (lead === '0') return first.end - first.start >= 2;
  // North American numbering: (555) 123-4567, 1-555-123-4567; area codes never start with 0 or 1.
  const k = count === 4 && first.end - first.start === 1 && lead === '1' ? 1 : 0;
  const exchange = groups[k + 1];
  const line = groups[k + 2];
  return (
    count - k === 3 &&
    isAreaCode(candidate, groups[k]) &&
    exchange !== undefined &&
    exchange.end - exchange.start === 3 &&
    line !== undefined &&
    line.end - line.start === 4
  );
}

/** Whether a phone number written without a country code can begin at group `k`. */
function canStartPhone(candidate: string, groups: DigitGroup[], k: number): boolean {
  const g = groups[k];
  if (g === undefined) return false;
  const lead = candidate.charAt(g.start);
  if (lead === '0') return g.end - g.start >= 2;
  if (lead === '1' && g.end - g.start === 1) return isAreaCode(candidate, groups[k + 1]);
  return isAreaCode(candidate, g);
}

function isAreaCode(candidate: string, g: DigitGroup | undefined): boolean {
  return g !== undefined && g.end - g.start === 3 && candidate.charAt(g.start) >= '2';
}

/** Where to look again after a candidate that holds no phone number, relative to it. */
function nextStart(candidate: string, groups: DigitGroup[]): number {
  for (let k = 1; k < groups.length; k++) {
    // The end of the group before, so that a parenthesis opening group k is seen again.
    if (canStartPhone(candidate, groups, k)) return groups[k - 1]?.end ?? candidate.length;
  }
  return candidate.length;
}

/** 2026-05-01, 01.05.2026, 05/01/26 with one kind of separator. */
function looksLikeDate(candidate: string, groups: DigitGroup[]): boolean {
  const [a, b, c] = groups;
  if (a === undefined || b === undefined || c === undefined) return false;
  if (candidate.slice(a.end, b.start) !== candidate.slice(b.end, c.start)) return false;
  if (a.end - a.start === 4) {
    return isYear(candidate, a) && isDayMonth(value(candidate, c), value(candidate, b));
  }
  return isYear(candidate, c) && isDayMonth(value(candidate, a), value(candidate, b));
}

function isYear(candidate: string, g: DigitGroup): boolean {
  const length = g.end - g.start;
  return (
    length === 2 || (length === 4 && value(candidate, g) >= 1900 && value(candidate, g) <= 2099)
  );
}

/** Either order: 01.05. and 05/01/ are both dates. */
function isDayMonth(x: number, y: number): boolean {
  return x >= 1 && y >= 1 && ((x <= 31 && y <= 12) || (x <= 12 && y <= 31));
}

function value(candidate: string, g: DigitGroup): number {
  return Number(candidate.slice(g.start, g.end));
}

function countDigits(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) count++;
  }
  return count;
}

function item(
  kind: PersonalDataKind,
  text: string,
  start: number,
  length: number,
): FoundPersonalData {
  return { kind, start, end: start + length, value: text.slice(start, start + length) };
}
