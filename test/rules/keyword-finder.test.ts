import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  foldKeyword,
  keywordFinder,
  keywordListProblem,
  MAX_KEYWORD_WILDCARDS,
  type KeywordMatchMode,
} from '../../src/rules/keyword-finder.ts';
import { compileTextCheck, createTextView } from '../../src/rules/match-text.ts';
import { TextCheck } from '../../src/rules/rule-kinds.ts';

/** The matches of the lookaround pattern keywords ran on before RE2 (V8, backtracking). */
function lookaroundMatches(list: { words: string[]; match: KeywordMatchMode }, text: string) {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const alternatives = [
    ...new Set(list.words.map((w) => foldKeyword(w.replace(/\*+/g, '*'), false))),
  ]
    .filter((w) => w.replace(/\*/g, '') !== '')
    .sort((a, b) => b.length - a.length)
    .map((w) => w.split('*').map(escape).join('[\\p{L}\\p{N}]*'));
  const before = list.match === 'anywhere' ? '' : '(?<![\\p{L}\\p{N}])';
  const after = list.match === 'word' ? '(?![\\p{L}\\p{N}])' : '';
  const pattern = new RegExp(`${before}(?:${alternatives.join('|')})${after}`, 'gu');
  return [...text.matchAll(pattern)]
    .filter((m) => m[0] !== '')
    .map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

const wordChars = fc.constantFrom('a', 'b', 'c', '1', 'ж', '-', ' ', '*');
const textChars = fc.constantFrom('a', 'b', 'c', '1', 'ж', 'é', '-', ' ', '.', '😀', '𝐚');

describe('keyword search', () => {
  it('finds what the lookaround pattern found, with and without wildcards, in every mode', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(wordChars, { minLength: 1, maxLength: 6 }).map((cs) => cs.join('')),
          { minLength: 1, maxLength: 4 },
        ),
        fc.constantFrom<KeywordMatchMode>('word', 'prefix', 'anywhere'),
        fc.array(textChars, { maxLength: 40 }).map((cs) => cs.join('')),
        (words, match, text) => {
          const found: { start: number; end: number }[] = [];
          keywordFinder({ words, leet: false, match })(text, (start, end) => {
            found.push({ start, end });
            return false;
          });
          expect(found).toEqual(lookaroundMatches({ words, match }, text));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('runs wildcards in time linear in the text: a*b*c*d on 6,000 characters', () => {
    const check = compileTextCheck(
      TextCheck.parse({ kind: 'keyword', settings: { words: ['a*b*c*d'] } }),
    );
    const view = createTextView('abc'.repeat(2000));
    view.folded();
    const started = performance.now();
    expect(check(view)).toBeNull();
    // Took 4.5 s for 3,000 characters on V8 (cubic); well under a millisecond on RE2.
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('skips an allowed word however many matches lie in it', () => {
    const check = compileTextCheck(
      TextCheck.parse({
        kind: 'keyword',
        settings: { words: ['ab'], match: 'anywhere', allow: ['abab'] },
      }),
    );
    const view = createTextView('ab'.repeat(30_000));
    view.folded();
    const started = performance.now();
    expect(check(view)).toMatchObject({ reason: 'keyword "ab"', span: { start: 0, end: 2 } });
    expect(check(createTextView('abab ab'))?.span).toMatchObject({ start: 5, end: 7 });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it(`refuses more than ${MAX_KEYWORD_WILDCARDS} wildcards in one rule`, () => {
    const words = Array.from({ length: 501 }, (_, i) => `w${i}*x*`);
    expect(keywordListProblem({ words, leet: false, match: 'word' })).toMatch(
      /has 1002 wildcards \(\*\); at most 1000 in one rule/,
    );
    const parsed = TextCheck.safeParse({ kind: 'keyword', settings: { words } });
    expect(parsed.error?.issues[0]?.path).toEqual(['settings', 'words']);
  });

  it('refuses a word of wildcards only, and a stored list of them matches nothing and ends', () => {
    expect(keywordListProblem({ words: ['spam', ' ** '], leet: false, match: 'word' })).toBe(
      '" ** " is only wildcards; a word needs at least one letter, digit or symbol',
    );
    expect(TextCheck.safeParse({ kind: 'keyword', settings: { words: ['*'] } }).success).toBe(
      false,
    );
    // Such a list once became an empty pattern, which looped forever on any emoji.
    for (const match of ['word', 'prefix', 'anywhere'] as const) {
      const find = keywordFinder({ words: ['*', '**'], leet: false, match });
      expect(find('😀 a 😀')).toBeNull();
    }
  });
});
