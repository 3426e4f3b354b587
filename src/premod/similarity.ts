import { boundedDistance } from '../rules/bounded-edit-distance.ts';
import { normalizeText } from '../rules/normalize.ts';

/** Longer texts are compared on their first this many key characters (bounds the cost). */
const MAX_KEY_LENGTH = 500;
/** Only this much of a text is normalized into its key: enough for MAX_KEY_LENGTH key
 * characters unless most of it is spaces and punctuation, and a bound on the cost. */
const MAX_KEY_SOURCE = MAX_KEY_LENGTH * 8;
const SPACE_AND_PUNCTUATION = /[\s\p{P}]+/gu;

/** Punctuation at the edge of a word: `pills!!!` must not read as leetspeak `pillsiii`. */
const EDGE_PUNCTUATION = /(?<=^|\s)\p{P}+|\p{P}+(?=\s|$)/gu;

/**
 * The form look-alikes are compared in: normalized as the rules match text (case, confusables,
 * invisible characters, leetspeak, spaced-out letters), then without spaces and punctuation, so
 * `B U Y  cheap p1lls!!` and `buy cheap pills` are one text.
 */
export function similarityKey(text: string): string {
  const head = text.slice(0, MAX_KEY_SOURCE);
  const normalized = normalizeText(head.replace(EDGE_PUNCTUATION, ' '), {
    joinSpaced: true,
    leet: true,
  }).text;
  const key = normalized.replace(SPACE_AND_PUNCTUATION, '');
  // A text of punctuation only ("???") keeps its characters rather than becoming empty.
  return (key.length > 0 ? key : head.trim()).slice(0, MAX_KEY_LENGTH);
}

/**
 * The edit distance actually allowed against a key: k, but never more than a third of the key's
 * length, so a short text ("hi") only matches itself and does not swallow every short reply.
 */
export function allowedDistance(k: number, key: string): number {
  return Math.max(0, Math.min(k, Math.floor(key.length / 3)));
}

/**
 * The edit distance between two keys if it is within `allowed`, else null. Keys whose lengths
 * differ by more than `allowed` are not compared at all (the distance is at least that); the
 * others in time linear in the key (a banded, bounded distance).
 */
export function distanceWithin(a: string, b: string, allowed: number): number | null {
  return boundedDistance(a, b, allowed);
}
