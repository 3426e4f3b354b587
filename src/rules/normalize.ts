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
};

// Zero-width, bidi controls, soft hyphen, word joiners, BOM, Mongolian vowel separator, tags.
// Tested one code point at a time, so combining members of the class are what we want.
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class
  /^[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]$|^\uDB40[\uDC00-\uDDEF]$/;
const COMBINING_MARK = /^\p{M}$/u;
const LEET: Record<string, string> = {
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
};
const SPACER = /^[ .\-_*·•]$/;
const LEET_ANYWHERE = /[0-9@$!|+]/;
const SPACED_ANYWHERE = /(?<!\p{L})\p{L}[ .\-_*·•]\p{L}[ .\-_*·•]\p{L}(?!\p{L})/u;

const OTHER = 0;
const LETTER = 1;
const NUMBER = 2;
const LEET_SYMBOL = 3;
const classes = new Map<string, number>();
/** Letter, number, leet symbol or other; cached because regex tests per unit are the cost. */
function classOf(unit: string): number {
  let c = classes.get(unit);
  if (c === undefined) {
    c = /\p{L}/u.test(unit)
      ? LETTER
      : /\p{N}/u.test(unit)
        ? NUMBER
        : /[@$!|+]/.test(unit)
          ? LEET_SYMBOL
          : OTHER;
    if (classes.size < 50_000) classes.set(unit, c);
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

/**
 * Normalizes chat text for matching: Unicode NFKC, removal of invisible (zero-width, bidi) and
 * combining characters, and by default case and confusable folding; optionally leetspeak and
 * spaced-out letters. Pure; every output unit keeps the original range it came from.
 */
export function normalizeText(original: string, options: NormalizeOptions = {}): NormalizedText {
  const fold = options.fold ?? true;
  const units: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const marks: number[] = [];
  let pending = 0; // marks of removed characters, given to the next kept one

  const length = original.length;
  for (let index = 0; index < length;) {
    const start = index;
    const code = original.charCodeAt(index);
    let folded: Folded;
    if (code < 0x80) {
      // Fast path: most chat text is ASCII, whose folding is a table lookup.
      index++;
      folded = (fold ? ASCII_FOLDED : ASCII_PLAIN)[code]!;
    } else {
      const ch = String.fromCodePoint(original.codePointAt(index)!);
      index += ch.length;
      if (INVISIBLE.test(ch)) {
        pending |= BIT.invisible_removed;
        continue;
      }
      folded = foldCodePoint(ch, fold);
    }
    const { out, bits } = folded;
    if (out === '') {
      // A removed combining mark belongs to the character before it: the span grows over it.
      if (units.length > 0 && (bits & BIT.combining_marks_removed) !== 0) {
        ends[ends.length - 1] = index;
        marks[marks.length - 1]! |= bits;
      } else pending |= bits;
      continue;
    }
    for (let i = 0; i < out.length; i++) {
      units.push(out[i]!);
      starts.push(start);
      ends.push(index);
      marks.push(bits | pending);
      pending = 0;
    }
  }

  // Cheap whole-text checks first: most messages need neither pass.
  if (options.leet && LEET_ANYWHERE.test(original)) applyLeet(units, marks);
  let result = { units, starts, ends, marks };
  if (options.joinSpaced && SPACED_ANYWHERE.test(units.join(''))) {
    result = joinSpacedLetters(result);
  }
  return {
    original,
    text: result.units.join(''),
    starts: Uint32Array.from(result.starts),
    ends: Uint32Array.from(result.ends),
    marks: Uint8Array.from(result.marks),
  };
}

/** Leet characters count only inside a word that has a letter, so `2026` stays a number. */
function applyLeet(units: string[], marks: number[]): void {
  let i = 0;
  while (i < units.length) {
    if (classOf(units[i]!) === OTHER) {
      i++;
      continue;
    }
    let end = i;
    let hasLetter = false;
    while (end < units.length && classOf(units[end]!) !== OTHER) {
      if (classOf(units[end]!) === LETTER) hasLetter = true;
      end++;
    }
    if (hasLetter) {
      for (let k = i; k < end; k++) {
        const letter = LEET[units[k]!];
        if (letter !== undefined) {
          units[k] = letter;
          marks[k]! |= BIT.leet_fold;
        }
      }
    }
    i = end;
  }
}

type Units = { units: string[]; starts: number[]; ends: number[]; marks: number[] };

/** `s p a m`, `s.p.a.m`: three or more single letters with one spacer between each. */
function joinSpacedLetters(input: Units): Units {
  const { units } = input;
  const isLetterAt = (i: number) => i >= 0 && i < units.length && classOf(units[i]!) === LETTER;
  const isSingle = (i: number) => isLetterAt(i) && !isLetterAt(i - 1) && !isLetterAt(i + 1);
  const drop = new Set<number>();
  const joined = new Set<number>();
  let i = 0;
  while (i < units.length) {
    if (!isSingle(i)) {
      i++;
      continue;
    }
    const run = [i];
    let j = i;
    while (j + 2 < units.length && SPACER.test(units[j + 1]!) && isSingle(j + 2)) {
      j += 2;
      run.push(j);
    }
    if (run.length >= 3) {
      for (const k of run) joined.add(k);
      for (let k = run[0]! + 1; k < run[run.length - 1]!; k += 2) drop.add(k);
    }
    i = j + 1;
  }
  if (drop.size === 0) return input;
  const out: Units = { units: [], starts: [], ends: [], marks: [] };
  for (let k = 0; k < units.length; k++) {
    if (drop.has(k)) continue;
    out.units.push(units[k]!);
    out.starts.push(input.starts[k]!);
    out.ends.push(input.ends[k]!);
    out.marks.push(input.marks[k]! | (joined.has(k) ? BIT.spaced_letters_joined : 0));
  }
  return out;
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
