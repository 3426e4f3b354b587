import { confusablesMap } from 'confusables';

/** What normalization did to a piece of text; a flag lists the ones its match needed. */
export const TRANSFORMATIONS = [
  'nfkc',
  'case_fold',
  'invisible_removed',
  'combining_marks_removed',
  'confusable_fold',
  'leet_fold',
  'spaced_letters_joined',
] as const;
export type Transformation = (typeof TRANSFORMATIONS)[number];

const BIT: Record<Transformation, number> = Object.fromEntries(
  TRANSFORMATIONS.map((t, i) => [t, 1 << i]),
) as Record<Transformation, number>;

export type NormalizeOptions = {
  /** Fold case and confusables (homoglyphs); off for detectors that need the real characters. */
  fold?: boolean;
  /** Read digits and symbols as letters inside words (`h3ll0` → `hello`). */
  leet?: boolean;
  /** Join runs of three or more single letters split by spaces or dots (`s p a m` → `spam`). */
  joinSpaced?: boolean;
};

/**
 * A normalized text with, for each of its UTF-16 units, the range of the original text it came
 * from and the transformations that produced it, so a match maps back to an original span.
 */
export type NormalizedText = {
  original: string;
  text: string;
  starts: Uint32Array;
  ends: Uint32Array;
  marks: Uint8Array;
  /**
   * Where spaced letters were joined next to one-letter words (`u r a s t u p i d` →
   * `urastupid`): per position of `text` (length + 1), SOFT_START where a word may also start
   * and SOFT_END where one may also end, because every joined letter before (after) it there
   * is a one-letter word. Absent when no join needs it, which is nearly always.
   */
  softEdges?: Uint8Array;
};

/** Bits of NormalizedText.softEdges. */
export const SOFT_START = 1;
export const SOFT_END = 2;

/**
 * Letters that are words on their own in chat (English `a`, `i`, `u`, `r`, `y`, `n`, `c`, `k`;
 * Spanish, Italian, Portuguese and French `a`, `e`, `o`, `y`, `à`, `è`; Polish `w`, `z`, `i`,
 * `o`, `ó`; Nordic `i`, `å`, `ö`, `ø`), compared after folding. Joining spaced letters reads
 * them as their own words too at the edges of a run, so `a m o r o n` still holds `moron`.
 */
const ONE_LETTER_WORDS = new Set([...'aeiouyrnckwzàèóåöø'].map((c) => c.charCodeAt(0)));

// Zero-width, bidi controls, soft hyphen, word joiners, BOM, Mongolian vowel separator, tags.
// Tested one code point at a time, so combining members of the class are what we want.
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class
  /^[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]$|^\uDB40[\uDC00-\uDDEF]$/;
const COMBINING_MARK = /^\p{M}$/u;
/** Leetspeak characters and the letters they stand for, by char code. */
const LEET = new Map<number, number>(
  Object.entries({
    '0': 'o',
    '1': 'i',
    '3': 'e',
    '4': 'a',
    '5': 's',
    '7': 't',
    '8': 'b',
    '@': 'a',
    $: 's',
    '!': 'i',
    '|': 'l',
    '+': 't',
  }).map(([from, to]) => [from.charCodeAt(0), to.charCodeAt(0)]),
);
const SPACERS = new Set([...' .-_*·•'].map((c) => c.charCodeAt(0)));
const LEET_ANYWHERE = /[0-9@$!|+]/;
const SPACED_ANYWHERE = /(?<!\p{L})\p{L}[ .\-_*·•]\p{L}[ .\-_*·•]\p{L}(?!\p{L})/u;

const OTHER = 0;
const LETTER = 1;
const NUMBER = 2;
const LEET_SYMBOL = 3;
const UNKNOWN = 255;
/** Letter, number, leet symbol or other, per UTF-16 unit (surrogate halves count as other),
 * worked out on first use. */
const CLASS_OF_UNIT = new Uint8Array(0x10000).fill(UNKNOWN);
function classOf(code: number): number {
  let c = CLASS_OF_UNIT[code]!;
  if (c === UNKNOWN) {
    const unit = String.fromCharCode(code);
    c = /\p{L}/u.test(unit)
      ? LETTER
      : /\p{N}/u.test(unit)
        ? NUMBER
        : /[@$!|+]/.test(unit)
          ? LEET_SYMBOL
          : OTHER;
    CLASS_OF_UNIT[code] = c;
  }
  return c;
}

/** Per-character result of folding one code point (cached: chat text repeats characters). */
type Folded = { out: string; bits: number };
const foldCache = new Map<string, Folded>();
const plainCache = new Map<string, Folded>();

function foldCodePoint(ch: string, fold: boolean): Folded {
  const cache = fold ? foldCache : plainCache;
  const hit = cache.get(ch);
  if (hit !== undefined) return hit;
  let bits = 0;
  let out = ch.normalize('NFKC');
  if (out !== ch) bits |= BIT.nfkc;
  if (fold) {
    let mapped = '';
    for (const c of out) {
      const confusable = confusablesMap.get(c);
      const lower = c.toLowerCase();
      if (confusable !== undefined && confusable.toLowerCase() !== lower) {
        bits |= BIT.confusable_fold;
        mapped += confusable.toLowerCase();
      } else {
        if (lower !== c) bits |= BIT.case_fold;
        mapped += lower;
      }
    }
    out = mapped;
  }
  // Left-over combining marks (strike-through, zalgo) hide letters; keep only the base.
  let stripped = '';
  for (const c of out) {
    if (COMBINING_MARK.test(c)) bits |= BIT.combining_marks_removed;
    else stripped += c;
  }
  const result = { out: stripped, bits };
  if (cache.size < 50_000) cache.set(ch, result);
  return result;
}

const ASCII_FOLDED = Array.from({ length: 128 }, (_, c) =>
  foldCodePoint(String.fromCharCode(c), true),
);
const ASCII_PLAIN = Array.from({ length: 128 }, (_, c) =>
  foldCodePoint(String.fromCharCode(c), false),
);

/** Output being built: UTF-16 units with, for each, its original range and marks. */
class Builder {
  codes: Uint16Array;
  starts: Uint32Array;
  ends: Uint32Array;
  marks: Uint8Array;
  length = 0;

  constructor(capacity: number) {
    this.codes = new Uint16Array(capacity);
    this.starts = new Uint32Array(capacity);
    this.ends = new Uint32Array(capacity);
    this.marks = new Uint8Array(capacity);
  }

  push(code: number, start: number, end: number, marks: number): void {
    if (this.length === this.codes.length) this.grow();
    const i = this.length++;
    this.codes[i] = code;
    this.starts[i] = start;
    this.ends[i] = end;
    this.marks[i] = marks;
  }

  private grow(): void {
    const size = this.codes.length * 2 + 16;
    const copy = <T extends Uint16Array | Uint32Array | Uint8Array>(
      a: T,
      make: (n: number) => T,
    ) => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.codes = copy(this.codes, (n) => new Uint16Array(n));
    this.starts = copy(this.starts, (n) => new Uint32Array(n));
    this.ends = copy(this.ends, (n) => new Uint32Array(n));
    this.marks = copy(this.marks, (n) => new Uint8Array(n));
  }
}

const utf16 = new TextDecoder('utf-16le');

function finish(original: string, b: Builder): NormalizedText {
  const n = b.length;
  return {
    original,
    text: utf16.decode(b.codes.subarray(0, n)),
    starts: b.starts.subarray(0, n),
    ends: b.ends.subarray(0, n),
    marks: b.marks.subarray(0, n),
  };
}

/**
 * Normalizes chat text for matching: Unicode NFKC, removal of invisible (zero-width, bidi) and
 * combining characters, and by default case and confusable folding; optionally leetspeak and
 * spaced-out letters. Pure; every output unit keeps the original range it came from.
 */
export function normalizeText(original: string, options: NormalizeOptions = {}): NormalizedText {
  const fold = options.fold ?? true;
  const ascii = fold ? ASCII_FOLDED : ASCII_PLAIN;
  const out = new Builder(original.length + 8);
  let pending = 0; // marks of removed characters, given to the next kept one

  const length = original.length;
  for (let index = 0; index < length;) {
    const start = index;
    const code = original.charCodeAt(index);
    let folded: Folded;
    if (code < 0x80) {
      // Fast path: most chat text is ASCII, whose folding is a table lookup.
      index++;
      folded = ascii[code]!;
    } else {
      const ch = String.fromCodePoint(original.codePointAt(index)!);
      index += ch.length;
      if (INVISIBLE.test(ch)) {
        pending |= BIT.invisible_removed;
        continue;
      }
      folded = foldCodePoint(ch, fold);
    }
    const text = folded.out;
    if (text.length === 0) {
      // A removed combining mark belongs to the character before it: the span grows over it.
      if (out.length > 0 && (folded.bits & BIT.combining_marks_removed) !== 0) {
        out.ends[out.length - 1] = index;
        out.marks[out.length - 1]! |= folded.bits;
      } else pending |= folded.bits;
      continue;
    }
    for (let i = 0; i < text.length; i++) {
      out.push(text.charCodeAt(i), start, index, folded.bits | pending);
      pending = 0;
    }
  }

  // Cheap whole-text checks first: most messages need neither pass.
  if (options.leet && LEET_ANYWHERE.test(original)) applyLeet(out);
  const result = finish(original, out);
  return options.joinSpaced && SPACED_ANYWHERE.test(result.text)
    ? joinSpacedLetters(result)
    : result;
}

/** Leet characters count only inside a word that has a letter, so `2026` stays a number. */
function applyLeet(b: Builder): void {
  const { codes, marks, length } = b;
  let i = 0;
  while (i < length) {
    if (classOf(codes[i]!) === OTHER) {
      i++;
      continue;
    }
    let end = i;
    let hasLetter = false;
    for (; end < length && classOf(codes[end]!) !== OTHER; end++) {
      if (classOf(codes[end]!) === LETTER) hasLetter = true;
    }
    if (hasLetter) {
      for (let k = i; k < end; k++) {
        const letter = LEET.get(codes[k]!);
        if (letter !== undefined) {
          codes[k] = letter;
          marks[k]! |= BIT.leet_fold;
        }
      }
    }
    i = end;
  }
}

/**
 * `s p a m`, `s.p.a.m`: three or more single letters with one spacer between each are joined.
 * A run also holds the one-letter words typed around the spaced word (`you are a m o r o n`
 * joins `amoron`), so inside a run a word may also start after leading one-letter words and
 * end before trailing ones: softEdges says where. One pass, linear in the text.
 */
function joinSpacedLetters(n: NormalizedText): NormalizedText {
  const { text } = n;
  const length = text.length;
  const isLetterAt = (i: number) => i >= 0 && i < length && classOf(text.charCodeAt(i)) === LETTER;
  const isSingle = (i: number) => isLetterAt(i) && !isLetterAt(i - 1) && !isLetterAt(i + 1);
  const drop = new Uint8Array(length);
  const joined = new Uint8Array(length);
  // Per input position: a soft edge before this letter (SOFT_START) or after it (SOFT_END).
  const softBefore = new Uint8Array(length);
  const softAfter = new Uint8Array(length);
  let anySoft = false;
  let i = 0;
  while (i < length) {
    if (!isSingle(i)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 2 < length && SPACERS.has(text.charCodeAt(j + 1)) && isSingle(j + 2)) j += 2;
    if (j - i >= 4) {
      for (let k = i; k <= j; k += 2) joined[k] = 1;
      for (let k = i + 1; k < j; k += 2) drop[k] = 1;
      // After each leading one-letter word a word may start; before each trailing one, end.
      for (let k = i; k < j && ONE_LETTER_WORDS.has(text.charCodeAt(k)); k += 2) {
        softBefore[k + 2] = SOFT_START;
        anySoft = true;
      }
      for (let k = j; k > i && ONE_LETTER_WORDS.has(text.charCodeAt(k)); k -= 2) {
        softAfter[k - 2] = SOFT_END;
        anySoft = true;
      }
    }
    i = j + 1;
  }
  const out = new Builder(length);
  const soft = anySoft ? new Uint8Array(length + 1) : undefined;
  for (let k = 0; k < length; k++) {
    if (drop[k]) continue;
    const mark = n.marks[k]! | (joined[k] ? BIT.spaced_letters_joined : 0);
    if (soft !== undefined) {
      soft[out.length]! |= softBefore[k]!;
      soft[out.length + 1]! |= softAfter[k]!;
    }
    out.push(text.charCodeAt(k), n.starts[k]!, n.ends[k]!, mark);
  }
  const result = finish(n.original, out);
  if (soft !== undefined) result.softEdges = soft.subarray(0, out.length + 1);
  return result;
}

/** A match in the normalized text, mapped back to the original text. */
export type OriginalSpan = {
  start: number;
  end: number;
  /** The original text of the span. */
  matched: string;
  /** The normalized text of the span, as it was matched. */
  normalized: string;
  transformations: Transformation[];
};

/** Maps [start, end) of `n.text` back to the original text, with what was needed to match. */
export function toOriginalSpan(n: NormalizedText, start: number, end: number): OriginalSpan {
  const last = Math.max(start, end - 1);
  const originalStart = n.starts[start] ?? n.original.length;
  const originalEnd = end > start ? (n.ends[last] ?? n.original.length) : originalStart;
  let bits = 0;
  for (let i = start; i < end; i++) bits |= n.marks[i]!;
  return {
    start: originalStart,
    end: originalEnd,
    matched: n.original.slice(originalStart, originalEnd),
    normalized: n.text.slice(start, end),
    transformations: TRANSFORMATIONS.filter((t) => (bits & BIT[t]) !== 0),
  };
}
