import { describe, expect, it } from 'vitest';
import {
  eventyayJson,
  eventyaySignature,
  pythonIsoformat,
} from '../../src/sources/eventyay-wire.ts';
import { eventyayFixtures } from '../helpers/eventyay.ts';

describe('serialising and signing as Eventyay does', () => {
  it.each(eventyayFixtures.deliveries.map((d) => [d.name, d] as const))(
    'reproduces the fixture %s byte for byte, with its signature',
    (_, d) => {
      const body = eventyayJson(JSON.parse(d.body));
      expect(body).toBe(d.body);
      expect(eventyaySignature(body, eventyayFixtures.secret)).toBe(d.signature);
    },
  );

  it.each([
    ['DEL', '\u007f', '\\u007f'],
    ['é', 'é', '\\u00e9'],
    ['an emoji as a surrogate pair', '👍', '\\ud83d\\udc4d'],
    ['a newline', '\n', '\\n'],
    ['a control character', '\u0001', '\\u0001'],
    ['a quote', '"', '\\"'],
  ])('escapes %s as Python ensure_ascii does', (_, text, escaped) => {
    expect(eventyayJson({ b: text, a: { d: 1, c: 2 } })).toBe(
      `{"a":{"c":2,"d":1},"b":"${escaped}"}`,
    );
  });

  it('writes times as Python isoformat() with microseconds and +00:00', () => {
    expect(pythonIsoformat(Date.UTC(2026, 4, 1, 12, 34, 56, 123))).toBe(
      '2026-05-01T12:34:56.123000+00:00',
    );
  });
});
