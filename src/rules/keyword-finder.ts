import { compileLinearRegex } from './linear-regex.ts';
import { normalizeText } from './normalize.ts';

/** A keyword found in a text, as UTF-16 offsets into it. */
export type KeywordMatch = { start: number; end: number };
/**
 * The first of a keyword list's matches in a text (leftmost first, not overlapping) that
 * `accept` takes, or null. A callback rather than an iterator: it runs for every rule on every
 * message, and a generator per call cost ~10% of rule evaluation.
 */
export type KeywordFinder = (
  text: string,
  accept?: (start: number, end: number) => boolean,
) => KeywordMatch | null;
export type KeywordMatchMode = 'word' | 'prefix' | 'anywhere';

/** A keyword rule's words hold at most this many `*` in all: each is a repetition RE2 compiles
 * into its automaton (measured: 1,000 of them compile in ~0.3 s, 10,000 in ~1 s). */
export const MAX_KEYWORD_WILDCARDS = 1000;

export type KeywordList = { words: string[]; leet: boolean; match: KeywordMatchMode };

/**
 * Finds a keyword rule's words in a text folded as the words are (with leetspeak or not),
 * longest word first where several match at one place; `*` stands for any letters or digits;
 * `word` needs no letter or digit on either side, `prefix` none before. Words without a
 * wildcard are searched with V8's RegExp, the others with RE2. Throws a SyntaxError when RE2
 * cannot compile the words (keywordListProblem says so first).
 */
export function keywordFinder(list: KeywordList): KeywordFinder {
  const words = [...new Set(list.words.map((w) => foldKeyword(w.replace(/\*+/g, '*'), list.leet)))]
    .filter((w) => w.replace(/\*/g, '') !== '')
    .sort((a, b) => b.length - a.length);
  // An empty alternation would match nothing everywhere, forever (stored before this was refused).
  if (words.length === 0) return () => null;
  return words.some((w) => w.includes('*'))
    ? wildcardFinder(words, list.match)
    : literalFinder(words, list.match);
}

/** A keyword or an allowed word as the folded text spells it. */
export function foldKeyword(word: string, leet: boolean): string {
  return normalizeText(word, { leet }).text;
}

/** Why a keyword list cannot run, for whoever wrote it; null when it can. */
export function keywordListProblem(list: KeywordList): string | null {
  const onlyWildcards = list.words.find((w) => /^\*+$/.test(w.trim()));
  if (onlyWildcards !== undefined) {
    return `"${onlyWildcards}" is only wildcards; a word needs at least one letter, digit or symbol`;
  }
  const wildcards = list.words.reduce((n, w) => n + (w.match(/\*+/g)?.length ?? 0), 0);
  if (wildcards > MAX_KEYWORD_WILDCARDS) {
    return `has ${wildcards} wildcards (*); at most ${MAX_KEYWORD_WILDCARDS} in one rule: split the list into several rules`;
  }
  try {
    keywordFinder(list);
    return null;
  } catch (error) {
    return `cannot run on the linear-time engine (RE2): ${(error as Error).message}; split the list into several rules`;
  }
}

/** Outside a class only these need a backslash; `\-` would be an error with the `u` flag. */
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Words without wildcards stay on V8's RegExp, which is several times faster here than RE2
 * (measured on 500 characters: 0.2 against 1.2 µs a rule). It cannot backtrack far: escaped
 * literals have no repetition, so each position costs at most the words' length, and the whole
 * search is linear in the text.
 */
function literalFinder(words: string[], match: KeywordMatchMode): KeywordFinder {
  const before = match === 'anywhere' ? '' : '(?<![\\p{L}\\p{N}])';
  const after = match === 'word' ? '(?![\\p{L}\\p{N}])' : '';
  const pattern = new RegExp(`${before}(?:${words.map(escapeRegex).join('|')})${after}`, 'gu');
  return (text, accept) => {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      const end = m.index + m[0].length;
      // Past a whole character: inside a surrogate pair, a /u search steps back to its start.
      if (end === m.index)
        pattern.lastIndex = end + ((text.codePointAt(end) ?? 0) > 0xffff ? 2 : 1);
      else if (accept === undefined || accept(m.index, end)) return { start: m.index, end };
    }
    return null;
  };
}

/** Stand-ins, in the text RE2 searches, for a letter or digit, and for any other character,
 * that no keyword spells. */
const OTHER_WORD = 0xe000;
const OTHER_NON_WORD = 0xe001;

/**
 * Words with wildcards (`sp*m`) run on RE2: each `*` is a repetition, and several in one word
 * backtrack polynomially on V8 (`a*b*c*d` on 3,000 characters took 4.5 s).
 *
 * Two things make RE2 fast here. Its Unicode classes are large automata (`[\p{L}\p{N}]` in 1,000
 * words did not compile; 10 words took 80 ms on 60,000 characters), so the text it searches is
 * a stand-in of the same length: characters the words spell stay, every other letter or digit
 * becomes OTHER_WORD and everything else OTHER_NON_WORD, and "a letter or digit" is a small class.
 * And RE2 has no lookaround, so a word edge is matched as a character around a group (the text
 * gets one in front, and `$` stands for the end). The matches are those of the lookaround
 * pattern on the real text.
 */
function wildcardFinder(words: string[], match: KeywordMatchMode): KeywordFinder {
  const spelled = new Set<number>();
  for (const word of words) {
    for (const ch of word.replace(/\*/g, '')) spelled.add(ch.codePointAt(0)!);
  }
  spelled.delete(OTHER_WORD);
  spelled.delete(OTHER_NON_WORD);
  const charClass = (codes: number[]) => `[${codes.map(hexEscape).join('')}]`;
  const wordClass = charClass([...[...spelled].filter(isWordCode), OTHER_WORD]);
  const nonWordClass = charClass([...[...spelled].filter((c) => !isWordCode(c)), OTHER_NON_WORD]);
  const literal = (part: string) => [...part].map((ch) => hexEscape(ch.codePointAt(0)!)).join('');
  const alternatives = words.map((w) => w.split('*').map(literal).join(`${wordClass}*`));
  // With an edge, the text is searched with a non-letter in front: the edge before a word at
  // the start is then a character too.
  const edged = match !== 'anywhere';
  const before = edged ? `(${nonWordClass})` : '()';
  const after = match === 'word' ? `(?:${nonWordClass}|$)` : '';
  const pattern = compileLinearRegex(`${before}(${alternatives.join('|')})${after}`, 'g');
  const lead = edged ? String.fromCharCode(OTHER_NON_WORD) : '';
  return (text, accept) => {
    const searched = lead + standInText(text, spelled);
    pattern.lastIndex = 0;
    for (let m = pattern.exec(searched); m !== null; m = pattern.exec(searched)) {
      const start = m.index + m[1]!.length;
      const end = start + m[2]!.length;
      // The next word may start right after this one, its edge being this one's last character
      // (`c++ c++`), as a lookbehind would read it: search again from that character.
      const last = end - start > 1 && isLowSurrogate(searched.charCodeAt(end - 1)) ? 2 : 1;
      pattern.lastIndex = Math.max(edged ? end - last : end, m.index + 1);
      const found = { start: start - lead.length, end: end - lead.length };
      if (end > start && (accept === undefined || accept(found.start, found.end))) return found;
    }
    return null;
  };
}

const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

const hexEscape = (code: number) => `\\x{${code.toString(16)}}`;

const UTF16 = new TextDecoder('utf-16le');

/** The text with every character the words do not spell replaced by its stand-in; a character
 * of two UTF-16 units by two stand-ins, so offsets stay those of the text. */
function standInText(text: string, spelled: ReadonlySet<number>): string {
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length;) {
    const code = text.codePointAt(i)!;
    const width = code > 0xffff ? 2 : 1;
    if (spelled.has(code)) {
      units[i] = text.charCodeAt(i);
      if (width === 2) units[i + 1] = text.charCodeAt(i + 1);
    } else {
      units.fill(isWordCode(code) ? OTHER_WORD : OTHER_NON_WORD, i, i + width);
    }
    i += width;
  }
  return UTF16.decode(units);
}

const WORD_CODE = /^[\p{L}\p{N}]$/u;
const UNKNOWN = 2;
/** Whether each BMP code point is a letter or digit, worked out on first use. */
const WORD_OF_UNIT = new Uint8Array(0x10000).fill(UNKNOWN);

/** Whether a code point is a letter or a digit (a lone surrogate is neither). */
export function isWordCode(code: number): boolean {
  if (code > 0xffff) return WORD_CODE.test(String.fromCodePoint(code));
  let known = WORD_OF_UNIT[code]!;
  if (known === UNKNOWN) {
    known = WORD_CODE.test(String.fromCharCode(code)) ? 1 : 0;
    WORD_OF_UNIT[code] = known;
  }
  return known === 1;
}

/**
 * For allow-list exceptions: the bounds of the whole word (letters and digits, by UTF-16 unit)
 * around each match. The word edges of the text are found once, so many matches inside one long
 * word cost one walk over it, not one each.
 */
export function enclosingWords(text: string): (start: number, end: number) => KeywordMatch {
  let starts: Int32Array | undefined;
  let ends: Int32Array | undefined;
  return (start, end) => {
    if (starts === undefined || ends === undefined) {
      const n = text.length;
      starts = new Int32Array(n + 1);
      ends = new Int32Array(n + 1);
      for (let i = 1; i <= n; i++) {
        starts[i] = isWordCode(text.charCodeAt(i - 1)) ? starts[i - 1]! : i;
      }
      ends[n] = n;
      for (let i = n - 1; i >= 0; i--) {
        ends[i] = isWordCode(text.charCodeAt(i)) ? ends[i + 1]! : i;
      }
    }
    return { start: starts[start]!, end: ends[end]! };
  };
}
