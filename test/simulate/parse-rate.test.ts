import { describe, expect, it } from 'vitest';
import { parseRate } from '../../src/simulate/parse-rate.ts';

describe('parseRate', () => {
  it.each([
    ['5/s', 5],
    ['20/s', 20],
    ['0.5/s', 0.5],
    ['300/min', 5],
    ['60/m', 1],
    ['1/min', 1 / 60],
    ['3600/h', 1],
    [' 5 / s ', 5],
    ['1000/s', 1000],
  ])('reads %j as %d deliveries per second', (text, perSecond) => {
    expect(parseRate(text)).toBeCloseTo(perSecond, 10);
  });

  it.each([
    ['an empty string', ''],
    ['a number without a unit', '5'],
    ['a unit without a number', '/s'],
    ['zero', '0/s'],
    ['a negative rate', '-5/s'],
    ['an unknown unit', '5/d'],
    ['a spelled-out unit', '5/second'],
    ['a per-second word', '5 per s'],
    ['more than 1000 per second', '1001/s'],
    ['an exponent', '1e3/s'],
  ])('throws a readable error for %s (%j)', (_, text) => {
    expect(() => parseRate(text)).toThrow(`"${text}" is not a rate`);
  });
});
