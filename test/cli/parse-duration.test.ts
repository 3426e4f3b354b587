import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/cli/parse-duration.ts';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['00', 0],
    ['0s', 0],
    ['0d', 0],
    ['1s', 1_000],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    [' 24h ', 86_400_000],
    ['999999s', 999_999_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['an empty string', ''],
    ['only white space', '   '],
    ['a number without a unit', '10'],
    ['a unit without a number', 'h'],
    ['a fraction', '1.5h'],
    ['a negative amount', '-1h'],
    ['a plus sign', '+5m'],
    ['an upper-case unit', '24H'],
    ['a space before the unit', '24 h'],
    ['an unknown unit', '2w'],
    ['a spelled-out unit', '24hours'],
    ['two units', '1h30m'],
    ['a hex amount', '0x10s'],
    ['more than six digits', '1000000s'],
  ])('throws a readable error for %s (%j)', (_, text) => {
    expect(() => parseDuration(text)).toThrow(`"${text}" is not a duration`);
  });
});
