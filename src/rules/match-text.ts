import { findLinks, hostMatchesDomain, type FoundLink } from './detect-links.ts';
import {
  findPersonalData,
  type FoundPersonalData,
  type PersonalDataKind,
} from './detect-personal-data.ts';
import { measureShouting } from './detect-shouting.ts';
import {
  enclosingWords,
  foldKeyword,
  isWordCode,
  keywordFinder,
  type KeywordFinder,
} from './keyword-finder.ts';
import { compileLinearRegex, firstMatch, utf8Text, type Utf8Text } from './linear-regex.ts';
import {
  normalizeText,
  SOFT_END,
  SOFT_START,
  toOriginalSpan,
  type NormalizedText,
  type OriginalSpan,
} from './normalize.ts';
import type { RuleSettings, TextCheck } from './rule-kinds.ts';

/**
 * One message's text, normalized lazily and at most once per view, shared by every rule:
 * `folded` (case, confusables, invisible characters, spaced letters) for words and patterns,
 * `leet` (folded plus leetspeak), `plain` (NFKC and invisible characters only) for detectors
 * that need real letters and digits (addresses, links, capitals).
 */
export type TextView = {
  original: string;
  folded: () => NormalizedText;
  leet: () => NormalizedText;
  plain: () => NormalizedText;
  /** Detector results on `plain`, computed once however many rules ask. */
  personalData: () => FoundPersonalData[];
  links: () => FoundLink[];
  shouting: () => ReturnType<typeof measureShouting>;
};

const ALL_PERSONAL_DATA: PersonalDataKind[] = ['email', 'phone', 'card', 'iban'];

export function createTextView(original: string): TextView {
  const memo = <T>(make: () => T) => {
    let value: T | undefined;
    return () => (value ??= make());
  };
  const plain = memo(() => normalizeText(original, { fold: false }));
  return {
    original,
    folded: memo(() => normalizeText(original, { joinSpaced: true })),
    leet: memo(() => normalizeText(original, { joinSpaced: true, leet: true })),
    plain,
    personalData: memo(() => findPersonalData(plain().text, ALL_PERSONAL_DATA)),
    links: memo(() => findLinks(plain().text)),
    shouting: memo(() => measureShouting(plain().text)),
  };
}

/**
 * Why a rule matched: a reason for people and the span of the original text, if any; `mask`
 * replaces the span when a `scrub` rule rewrites the text (default `[removed]`).
 */
export type TextHit = { reason: string; span: OriginalSpan | null; mask?: string };
export type TextMatcher = (view: TextView) => TextHit | null;

/** Regular expressions look at no more than this much of a message (a bound on their cost). */
export const MAX_REGEX_INPUT = 4000;

/** Compiles a text check once into a matcher that is pure and cheap to run per message. */
export function compileTextCheck(check: TextCheck): TextMatcher {
  switch (check.kind) {
    case 'keyword':
      return compileKeyword(check.settings);
    case 'regex':
      return compileRegex(check.settings);
    case 'personal_data':
      return compilePersonalData(check.settings.kinds);
    case 'link':
      return compileLink(check.settings);
    case 'shouting':
      return compileShouting(check.settings);
  }
}

function compileKeyword(settings: RuleSettings<'keyword'>): TextMatcher {
  const find = keywordFinder(settings);
  // For spaced letters joined with one-letter words around them (normalize.ts softEdges).
  let findInside: KeywordFinder | undefined;
  const fold = (word: string) => foldKeyword(word, settings.leet);
  const allowed = new Set(settings.allow.map(fold));
  const longestAllowed = Math.max(0, ...[...allowed].map((w) => w.length));
  return (view) => {
    const n = settings.leet ? view.leet() : view.folded();
    let notAllowed: ((start: number, end: number) => boolean) | undefined;
    if (allowed.size > 0) {
      const wordAround = enclosingWords(n.text);
      notAllowed = (start, end) => {
        // A word longer than every allowed one is not allowed: no need to read it.
        const word = wordAround(start, end);
        if (word.end - word.start > longestAllowed) return true;
        return !allowed.has(n.text.slice(word.start, word.end));
      };
    }
    let found = find(n.text, notAllowed);
    if (found === null && n.softEdges !== undefined && settings.match !== 'anywhere') {
      // Rare (a run of spaced letters began or ended with one-letter words): a second search,
      // anywhere, that takes a match whose edges are word edges or soft edges. Still linear.
      findInside ??= keywordFinder({ ...settings, match: 'anywhere' });
      const { text, softEdges } = n;
      const startsWord = (i: number) =>
        (softEdges[i]! & SOFT_START) !== 0 || i === 0 || !isWordCode(text.charCodeAt(i - 1));
      const endsWord = (i: number) =>
        (softEdges[i]! & SOFT_END) !== 0 || i === text.length || !isWordCode(text.charCodeAt(i));
      found = findInside(
        text,
        (start, end) =>
          startsWord(start) &&
          (settings.match === 'prefix' || endsWord(end)) &&
          (notAllowed === undefined || notAllowed(start, end)),
      );
    }
    if (found === null) return null;
    return {
      reason: `keyword "${n.text.slice(found.start, found.end)}"`,
      span: toOriginalSpan(n, found.start, found.end),
    };
  };
}

/** The text regex rules see (at most MAX_REGEX_INPUT of it), converted once per message. */
const regexInputs = new WeakMap<TextView, { folded?: Utf8Text; original?: Utf8Text }>();

function regexInput(view: TextView, on: 'folded' | 'original'): Utf8Text {
  let inputs = regexInputs.get(view);
  if (inputs === undefined) regexInputs.set(view, (inputs = {}));
  const text = on === 'original' ? view.original : view.folded().text;
  return (inputs[on] ??= utf8Text(text.slice(0, MAX_REGEX_INPUT)));
}

/** User-written patterns run on RE2 only: their cost stays linear in the text whatever they are. */
function compileRegex(settings: RuleSettings<'regex'>): TextMatcher {
  const flags = settings.caseSensitive ? '' : 'i';
  const patterns = settings.patterns.map((p) => ({
    source: p,
    regex: compileLinearRegex(p, flags),
  }));
  return (view) => {
    if (settings.on === 'original') {
      const input = regexInput(view, 'original');
      for (const { source, regex } of patterns) {
        const m = firstMatch(regex, input);
        if (m === null) continue;
        return {
          reason: `pattern /${source}/`,
          span: { ...m, normalized: m.matched, transformations: [] },
        };
      }
      return null;
    }
    const input = regexInput(view, 'folded');
    for (const { source, regex } of patterns) {
      const m = firstMatch(regex, input);
      if (m === null) continue;
      return { reason: `pattern /${source}/`, span: toOriginalSpan(view.folded(), m.start, m.end) };
    }
    return null;
  };
}

const PERSONAL_DATA_NAMES: Record<PersonalDataKind, string> = {
  email: 'e-mail address',
  phone: 'phone number',
  card: 'payment card number',
  iban: 'IBAN',
};

const PERSONAL_DATA_MASKS: Record<PersonalDataKind, string> = {
  email: '[email removed]',
  phone: '[phone removed]',
  card: '[card removed]',
  iban: '[IBAN removed]',
};

function compilePersonalData(kinds: readonly PersonalDataKind[]): TextMatcher {
  return (view) => {
    const n = view.plain();
    const found = view.personalData().find((f) => kinds.includes(f.kind));
    if (found === undefined) return null;
    return {
      reason: PERSONAL_DATA_NAMES[found.kind],
      span: toOriginalSpan(n, found.start, found.end),
      mask: PERSONAL_DATA_MASKS[found.kind],
    };
  };
}

function compileLink(settings: RuleSettings<'link'>): TextMatcher {
  const listed = (host: string) => settings.domains.some((d) => hostMatchesDomain(host, d));
  const counts = (host: string) =>
    settings.mode === 'any' || (settings.mode === 'block' ? listed(host) : !listed(host));
  return (view) => {
    const n = view.plain();
    const link = view.links().find((l) => counts(l.host));
    if (link === undefined) return null;
    const why =
      settings.mode === 'block'
        ? 'blocked link'
        : settings.mode === 'allow'
          ? 'link not on the allow list'
          : 'link';
    return { reason: `${why} to ${link.host}`, span: toOriginalSpan(n, link.start, link.end) };
  };
}

function compileShouting(settings: RuleSettings<'shouting'>): TextMatcher {
  return (view) => {
    const { letters, share } = view.shouting();
    if (letters < settings.minLetters || share < settings.share) return null;
    return { reason: `${Math.round(share * 100)}% capital letters`, span: null };
  };
}
