import { describe, expect, it } from 'vitest';
import { EXPORTS, type Lookups } from '../../src/export/export-queries.ts';

const lookups: Lookups = {
  channels: new Map([[1, 'main']]),
  channelNames: new Map([[1, 'Main hall']]),
  senders: new Map([[2, 'user-2']]),
  flags: new Map([[7, { open: 1, all: 3 }]]),
};
const at = Date.UTC(2026, 4, 1, 12, 0, 5, 42);
/** A messages row as the query reads it (raw mode): id … reactions_json. */
const row = (reactions: string | null, text = 'hi', id = 7) =>
  [id, 'src', 'ext', 1, 2, 'Ana', text, null, at, at + 1, 'pending', reactions] as never;
const cells = (reactions: string | null, text?: string, id?: number) =>
  EXPORTS.messages.cells(row(reactions, text, id), lookups);

describe('messages export cells', () => {
  it('maps ids through the lookups, times as ISO, flag counts, in column order', () => {
    expect(cells('{}')).toEqual([
      '7',
      'src',
      'ext',
      'main',
      'Main hall',
      'user-2',
      'Ana',
      'hi',
      '',
      '2026-05-01T12:00:05.042Z',
      '2026-05-01T12:00:05.043Z',
      'pending',
      '',
      '1',
      '3',
    ]);
    expect(cells('{}', 'hi', 8).slice(-2)).toEqual(['0', '0']);
  });

  it.each([
    ['{}', ''],
    [null, ''],
    ['{"👍":["a","b"]}', '👍 2'],
    ['{"👍":["a"],"🚩":[],"❤️":["a","b","c"]}', '👍 1; ❤️ 3'],
    ['{"__proto__":["a"],"x":["b"]}', '__proto__ 1; x 1'],
    ['{"=":["b"]}', "'= 1"],
    ['{"👍":null,"🚩":"a","❤️":["a"]}', '❤️ 1'],
    ['not json', 'invalid reactions: not json'],
    ['null', 'invalid reactions: null'],
    ['[1,2]', 'invalid reactions: [1,2]'],
  ])('summarises reactions %j as %j', (snapshot, summary) => {
    expect(cells(snapshot)[12]).toBe(summary);
  });

  it('guards formula text', () => {
    expect(cells('{}', '=1+1')[7]).toBe("'=1+1");
    expect(cells('{}', '-12')[7]).toBe('-12');
  });
});
