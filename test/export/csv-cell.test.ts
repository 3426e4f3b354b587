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

  it('is empty for no time', () => {
    expect(isoTime(null)).toBe('');
  });
});
