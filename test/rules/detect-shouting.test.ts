import { describe, expect, it } from 'vitest';
import { measureShouting } from '../../src/rules/detect-shouting.ts';

describe('measureShouting', () => {
  it.each<[behaviour: string, text: string, letters: number, capitals: number, share: number]>([
    ['counts a shouted word as all capitals', 'HELLO', 5, 5, 1],
    ['counts one capital in a normal word', 'Hello', 5, 1, 0.2],
    ['answers 0 for empty text', '', 0, 0, 0],
    ['does not count digits, punctuation or spaces', '1234 !!! ?', 0, 0, 0],
    ['ignores digits between letters', 'ABC123def', 6, 3, 0.5],
    ['counts accented Latin letters', 'ÄÖÜ äöü', 6, 3, 0.5],
    ['counts Cyrillic letters', 'ПРИВЕТ мир', 9, 6, 6 / 9],
    ['counts Greek letters', 'ΑΒΓ δ', 4, 3, 0.75],
    ['counts ß as a lowercase letter', 'STRAßE', 6, 5, 5 / 6],
    ['does not count letters without case', 'STOP 你好 こんにちは', 4, 4, 1],
    ['answers 0 when no letter has case', '你好 مرحبا', 0, 0, 0],
    ['does not count emoji', '😀😀 HI 🚩', 2, 2, 1],
    ['counts a letter outside the BMP once', '𝐀𝐁 cd', 4, 2, 0.5],
    ['does not count titlecase digraphs', 'ǅ', 0, 0, 0],
  ])('%s', (_, text, letters, capitals, share) => {
    expect(measureShouting(text)).toEqual({ letters, capitals, share });
  });

  it('measures a long message', () => {
    expect(measureShouting('SHOUT quiet '.repeat(100))).toEqual({
      letters: 1000,
      capitals: 500,
      share: 0.5,
    });
  });
});
