// Detects the language of batches of chat texts off the main thread (plain JavaScript: workers
// load no TypeScript). Inside the ingest transaction detection cost ~60 µs of CPU per message
// (measured; ~18 µs in a tight loop, its tables falling out of cache between database work);
// here they cost the main thread nothing, and eld's tables stay out of its heap (the extra-small
// set: ~10 MB resident, ~25 µs per line; the small one told our test lines no better for 60 MB).
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { eld } from 'eld/extrasmall';

// Lowest CPU priority for this thread only (on Linux, a nice value is per thread): on a busy
// machine ingest keeps the cores and languages arrive later instead.
try {
  setPriority(19);
} catch {
  // Not allowed here: detection runs at normal priority.
}

/** A chat line's language shows in its first sentences; the cost grows with the length. */
const MAX_DETECT_CHARS = 400;

/** What detect answers for a text without a letter ("???", emoji, digits): no language at all
 * (ISO 639-2 "no linguistic content"); detect-language.ts stores it as none. */
const NO_LANGUAGE = 'zxx';
/**
 * Below these, eld's answer is a guess (measured on chat lines: "hellooooo" came out Danish,
 * "hahahaha" Tagalog, zalgo Portuguese or Romanian, "Danke" Dutch). Ideographs and kana carry
 * a word or more each, so they count MIN_LETTERS on their own.
 */
const MIN_LETTERS = 8;
/** Different letters ("hahahaha" has two). */
const MIN_DISTINCT_LETTERS = 4;
const MIN_SCORE = 0.6;
const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** Combining marks of the general blocks (what zalgo stacks; accents compose under NFC before),
 * not those of scripts that need them (Devanagari, Thai). */
// Marks alone (after the letters they stack on) are what this class is for.
// eslint-disable-next-line no-misleading-character-class
const STACKED_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/g;
/** A letter typed three or more times ("hellooooo") reads as twice. */
const STRETCHED = /(\p{L})\1{2,}/gu;

/**
 * An ISO 639-1 code; NO_LANGUAGE for a text without letters; null when the text is too short,
 * repetitive or mixed to tell ("ok", "hellooooo", a link): then the sender's language stays.
 */
function detect(text) {
  const cleaned = (text.length > MAX_DETECT_CHARS ? text.slice(0, MAX_DETECT_CHARS) : text)
    .normalize('NFC')
    .replace(STACKED_MARKS, '')
    .replace(STRETCHED, '$1$1');
  let letters = 0;
  let variety = 0;
  const seen = new Set();
  for (const ch of cleaned) {
    if (!/\p{L}/u.test(ch)) continue;
    const ideograph = IDEOGRAPHIC.test(ch);
    letters += ideograph ? MIN_LETTERS : 1;
    const lower = ch.toLowerCase();
    if (!seen.has(lower)) {
      seen.add(lower);
      variety += ideograph ? MIN_DISTINCT_LETTERS : 1;
    }
  }
  if (letters === 0) return NO_LANGUAGE;
  if (letters < MIN_LETTERS || variety < MIN_DISTINCT_LETTERS) return null;
  const result = eld.detect(cleaned);
  if (result.language === '' || !result.isReliable()) return null;
  const score = result.getScores()[result.language] ?? 0;
  return score >= MIN_SCORE ? result.language : null;
}

parentPort.on('message', ({ id, texts }) => {
  parentPort.postMessage({ id, languages: texts.map(detect) });
});
