import { describe, expect, it } from 'vitest';
import { formatShare, parseShare, shareOfFields } from '../../src/http/queue-share-cookie.ts';

describe('queue share cookie', () => {
  it.each([
    [{}, '7.0.0.'],
    [{ band: { index: 1, of: 2 } }, '7.1.2.'],
    [{ language: 'de' }, '7.0.0.de'],
    [{ band: { index: 3, of: 4 }, language: 'und' }, '7.3.4.und'],
  ])('round-trips %o as %s', (share, value) => {
    expect(formatShare(7, share)).toBe(value);
    expect(parseShare(value, 7)).toEqual(share);
  });

  it.each<[string | undefined, string]>([
    ['8.1.2.de', 'another account'],
    ['7.3.2.', 'a band past its count'],
    ['7.0.2.', 'band 0'],
    ['7.1.11.', 'more bands than offered'],
    ['7.1.2.DE', 'a language not in lower case'],
    ['7.1.2.<b>', 'markup'],
    ['', 'nothing'],
    [undefined, 'no cookie'],
  ])('reads %s (%s) as the whole queue', (value) => {
    expect(parseShare(value, 7)).toEqual({});
  });

  it.each([
    ['', '', {}],
    ['1/2', '', { band: { index: 1, of: 2 } }],
    ['', 'fr', { language: 'fr' }],
    ['2/3', 'de', { band: { index: 2, of: 3 }, language: 'de' }],
    ['3/2', '', null],
    ['0/2', '', null],
    ['1/1', '', null],
    ['1/2', 'german', null],
    ['x', '', null],
  ])('takes band %j and language %j as %o', (band, language, expected) => {
    expect(shareOfFields(band, language)).toEqual(expected);
  });
});
