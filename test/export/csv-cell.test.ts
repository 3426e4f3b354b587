import { describe, expect, it } from 'vitest';
import { csvCell, isoTime } from '../../src/export/csv-cell.ts';

describe('csvCell (formula-injection guard)', () => {
  it.each([
    ['=HYPERLINK("http://evil")', `'=HYPERLINK("http://evil")`],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tindented', "'\tindented"],
    ['\rreturn', "'\rreturn"],
    ['\nnewline', "'\nnewline"],
    ['-5', '-5'],
    ['+12', '+12'],
    ['-3.25', '-3.25'],
    ['-1e5', '-1e5'],
    ['plain text', 'plain text'],
    ['a=b', 'a=b'],
    ['', ''],
    ['مرحبا', 'مرحبا'],
  ])('turns %j into %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('leaves numbers as numbers, and empties null', () => {
    expect(csvCell(-5)).toBe(-5);
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(true)).toBe('true');
  });
});

describe('isoTime', () => {
  it.each([0, 1, 999, 1_777_638_896_123, Date.UTC(2026, 11, 31, 23, 59, 59, 999), -1, -86_400_001])(
    'matches Date.toISOString for %d',
    (ms) => {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    },
  );

  it.each([8.64e15, -8.64e15, 253_402_300_800_000, -62_167_219_200_001])(
    'matches Date.toISOString for %d, past year 9999 or before year 0 too',
    (ms) => {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    },
  );

  it('cuts a fraction of a millisecond off, as Date does', () => {
    expect(isoTime(1_777_638_896_123.9)).toBe('2026-05-01T12:34:56.123Z');
    expect(isoTime(-1.5)).toBe('1969-12-31T23:59:59.999Z');
  });

  it.each([
    [1.7e18, 'invalid time: 1700000000000000000'],
    [8.64e15 + 1, 'invalid time: 8640000000000001'],
    [-8.64e15 - 1, 'invalid time: -8640000000000001'],
    [Number.NaN, 'invalid time: NaN'],
    [Number.POSITIVE_INFINITY, 'invalid time: Infinity'],
    ['2026-05-01', 'invalid time: 2026-05-01'],
    [Buffer.from('x'), 'invalid time: object'],
  ])('marks %s, which no date can show, without throwing', (value, marker) => {
    expect(isoTime(value)).toBe(marker);
  });

  it('is empty for no time', () => {
    expect(isoTime(null)).toBe('');
  });
});
