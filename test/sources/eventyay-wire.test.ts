import { describe, expect, it } from 'vitest';
import {
  eventyayBody,
  eventyaySignature,
  pythonIsoFormat,
} from '../../src/sources/eventyay-wire.ts';
import { eventyayFixtures } from '../helpers/eventyay.ts';

describe('eventyayBody', () => {
  it.each(eventyayFixtures.deliveries.map((d) => [d.name, d] as const))(
    'writes the %s fixture byte for byte, and signs it as Eventyay did',
    (_, fixture) => {
      const body = eventyayBody(JSON.parse(fixture.body));
      expect(body).toBe(fixture.body);
      expect(eventyaySignature(body, eventyayFixtures.secret)).toBe(fixture.signature);
    },
  );

  // Each expected string is what Python 3 prints for
  // json.dumps(value, separators=(",", ":"), sort_keys=True).
  it.each([
    [
      'keys sorted at every level',
      { b: 1, a: { d: [2, { z: 0, y: 1 }], c: null } },
      '{"a":{"c":null,"d":[2,{"y":1,"z":0}]},"b":1}',
    ],
    [
      'non-ASCII as lowercase \\u escapes',
      { m: 'Zoë 田中 Ł' },
      '{"m":"Zo\\u00eb \\u7530\\u4e2d \\u0141"}',
    ],
    ['emoji as surrogate pairs', { m: '👍❤️' }, '{"m":"\\ud83d\\udc4d\\u2764\\ufe0f"}'],
    [
      'DEL escaped, like every character outside printable ASCII',
      { m: '\u007f' },
      '{"m":"\\u007f"}',
    ],
    [
      'control characters short where JSON has a short form',
      { m: '\n\t\u0001"\\/' },
      '{"m":"\\n\\t\\u0001\\"\\\\/"}',
    ],
    [
      'keys by code point: U+E000 before an emoji',
      { '\u{1F44D}': 1, '\uE000': 2 },
      '{"\\ue000":2,"\\ud83d\\udc4d":1}',
    ],
    ['integer-like keys as strings, not first', { b: 1, '10': 2, '9': 3 }, '{"10":2,"9":3,"b":1}'],
    ['empty object and array compact', { a: {}, b: [] }, '{"a":{},"b":[]}'],
  ])('writes %s', (_, value, expected) => {
    expect(eventyayBody(value)).toBe(expected);
  });

  it('is pure ASCII whatever the text', () => {
    expect(eventyayBody({ m: 'مرحبا 🚩 Ω' })).toMatch(/^[\x20-\x7e]*$/);
  });
});

describe('pythonIsoFormat', () => {
  it.each([
    [Date.UTC(2026, 4, 1, 12, 34, 56, 123), 456, '2026-05-01T12:34:56.123456+00:00'],
    [Date.UTC(2026, 4, 1, 12, 34, 56, 0), 42, '2026-05-01T12:34:56.000042+00:00'],
    [Date.UTC(2026, 4, 1, 12, 36, 0, 0), 0, '2026-05-01T12:36:00+00:00'],
    [Date.UTC(2026, 11, 31, 23, 59, 59, 999), 999, '2026-12-31T23:59:59.999999+00:00'],
  ])('writes %d ms + %d µs as %s', (ms, micros, expected) => {
    expect(pythonIsoFormat(ms, micros)).toBe(expected);
  });
});
