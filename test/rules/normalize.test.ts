import { describe, expect, it } from 'vitest';
import { normalizeText, toOriginalSpan, type Transformation } from '../../src/rules/normalize.ts';

describe('normalizeText', () => {
  it.each<[string, string, string, Transformation[]]>([
    ['plain lower-case text stays as it is', 'hello there', 'hello there', []],
    ['capitals are folded', 'HeLLo', 'hello', ['case_fold']],
    ['fullwidth letters go through NFKC', 'ＦＲＥＥ', 'free', ['nfkc', 'case_fold']],
    ['ligatures go through NFKC', 'ﬁne', 'fine', ['nfkc']],
    ['Cyrillic look-alikes fold to Latin', 'ѕрам', 'spam', ['confusable_fold']],
    ['Greek look-alikes fold to Latin', 'ΑΡΕ', 'ape', ['confusable_fold']],
    ['mathematical letters fold', '𝐬𝐩𝐚𝐦', 'spam', ['nfkc']],
    ['zero-width joiners are removed', 's\u200Dp\u200Ba\u2060m', 'spam', ['invisible_removed']],
    ['bidi controls are removed', '\u202Espam\u202C', 'spam', ['invisible_removed']],
    ['soft hyphens are removed', 'sp\u00ADam', 'spam', ['invisible_removed']],
    [
      'combining strike-through is removed',
      's\u0336p\u0336a\u0336m\u0336',
      'spam',
      ['combining_marks_removed'],
    ],
  ])('%s', (_, input, expected, transformations) => {
    const n = normalizeText(input);
    expect(n.text).toBe(expected);
    const span = toOriginalSpan(n, 0, n.text.length);
    expect(span.transformations).toEqual(transformations);
    expect(span.matched).toBe(input.replace(/^\u202E/, '').replace(/\u202C$/, ''));
  });

  it.each([
    ['s p a m', 'spam'],
    ['s.p.a.m', 'spam'],
    ['buy s-p-a-m now', 'buy spam now'],
    ['a b', 'a b'],
    ['I am a b', 'i am a b'],
  ])('joins spaced-out letters when asked: %s', (input, expected) => {
    expect(normalizeText(input, { joinSpaced: true }).text).toBe(expected);
  });

  it('leaves spaced letters alone unless asked', () => {
    expect(normalizeText('s p a m').text).toBe('s p a m');
  });

  it.each([
    ['h3ll0', 'hello'],
    ['fr33 $tuff', 'free stuff'],
    ['@dmin', 'admin'],
    ['in 2026 at 10:30', 'in 2026 at 10:30'],
    ['r00m 101', 'room 101'],
  ])('reads leetspeak inside words only, when asked: %s', (input, expected) => {
    expect(normalizeText(input, { leet: true }).text).toBe(expected);
  });

  it('does not fold case or confusables with fold: false', () => {
    const n = normalizeText('Mail ＭＥ at Ѕam', { fold: false });
    expect(n.text).toBe('Mail ME at Ѕam');
  });

  it('keeps emoji and accents readable for matching', () => {
    expect(normalizeText('Café 👍').text).toBe('cafe 👍');
  });
});

describe('toOriginalSpan', () => {
  it('maps a match in the middle back to the original text, over invisible characters', () => {
    const original = 'Hi 👋 buy ѕ\u200Bрам now';
    const n = normalizeText(original);
    const start = n.text.indexOf('spam');
    const span = toOriginalSpan(n, start, start + 4);
    expect(original.slice(span.start, span.end)).toBe('ѕ\u200Bрам');
    expect(span).toMatchObject({ matched: 'ѕ\u200Bрам', normalized: 'spam' });
    expect(span.transformations).toEqual(['invisible_removed', 'confusable_fold']);
  });

  it('maps a joined spaced word back to all of its letters', () => {
    const original = 'this is s p a m!';
    const n = normalizeText(original, { joinSpaced: true });
    const start = n.text.indexOf('spam');
    const span = toOriginalSpan(n, start, start + 4);
    expect(span.matched).toBe('s p a m');
    expect(span.transformations).toEqual(['spaced_letters_joined']);
  });

  it('covers a whole expanded character when NFKC made several of one', () => {
    const original = 'x ﬃ y';
    const n = normalizeText(original);
    expect(n.text).toBe('x ffi y');
    const span = toOriginalSpan(n, 2, 4);
    expect(span.matched).toBe('ﬃ');
  });

  it('includes only the transformations inside the span', () => {
    const n = normalizeText('SPAM and eggs');
    const start = n.text.indexOf('eggs');
    expect(toOriginalSpan(n, start, start + 4).transformations).toEqual([]);
    expect(toOriginalSpan(n, 0, 4).transformations).toEqual(['case_fold']);
  });
});
