import { describe, expect, it } from 'vitest';
import type { ReactionSnapshot } from '../../src/ingest/incoming-event.ts';
import { inferReactor } from '../../src/ingest/infer-reactor.ts';

type Case = [
  behaviour: string,
  before: ReactionSnapshot | null,
  after: ReactionSnapshot,
  emoji: string,
  action: 'add' | 'remove',
  expected: string | null,
];

const UP = '👍';
const FLAG = '🚩';

const cases: Case[] = [
  // add, with a previous snapshot
  [
    'names the one user new under the emoji on add',
    { [UP]: ['u1'] },
    { [UP]: ['u1', 'u2'] },
    UP,
    'add',
    'u2',
  ],
  [
    'names the first reactor when the previous snapshot was empty',
    {},
    { [UP]: ['u1'] },
    UP,
    'add',
    'u1',
  ],
  [
    'ignores the order of the ids',
    { [UP]: ['u2', 'u1'] },
    { [UP]: ['u1', 'u3', 'u2'] },
    UP,
    'add',
    'u3',
  ],
  [
    'names the newcomer even when someone else left meanwhile',
    { [UP]: ['u1'] },
    { [UP]: ['u2'] },
    UP,
    'add',
    'u2',
  ],
  [
    'returns null when two users appear at once',
    { [UP]: ['u1'] },
    { [UP]: ['u1', 'u2', 'u3'] },
    UP,
    'add',
    null,
  ],
  [
    'returns null when an add changes nothing (a repeated delivery)',
    { [UP]: ['u1'] },
    { [UP]: ['u1'] },
    UP,
    'add',
    null,
  ],
  ['returns null when the emoji is missing after an add', { [UP]: ['u1'] }, {}, UP, 'add', null],
  // add, without a previous snapshot
  ['names the only user under the emoji on a first add', null, { [UP]: ['u1'] }, UP, 'add', 'u1'],
  [
    'returns null on a first add with two users under the emoji',
    null,
    { [UP]: ['u1', 'u2'] },
    UP,
    'add',
    null,
  ],
  ['returns null on a first add whose emoji has no users', null, { [UP]: [] }, UP, 'add', null],
  ['returns null on a first add whose emoji is absent', null, { [FLAG]: ['u1'] }, UP, 'add', null],
  // remove, with a previous snapshot
  [
    'names the one user who left the emoji on remove',
    { [UP]: ['u1', 'u2'] },
    { [UP]: ['u2'] },
    UP,
    'remove',
    'u1',
  ],
  ['names the last reactor when the emoji disappears', { [UP]: ['u1'] }, {}, UP, 'remove', 'u1'],
  [
    'names the last reactor when the emoji is left empty',
    { [UP]: ['u1'] },
    { [UP]: [] },
    UP,
    'remove',
    'u1',
  ],
  ['returns null when two users leave at once', { [UP]: ['u1', 'u2'] }, {}, UP, 'remove', null],
  [
    'returns null when a remove changes nothing',
    { [UP]: ['u1'] },
    { [UP]: ['u1'] },
    UP,
    'remove',
    null,
  ],
  [
    'returns null when the emoji was absent before a remove',
    { [FLAG]: ['u1'] },
    {},
    UP,
    'remove',
    null,
  ],
  // remove, without a previous snapshot
  ['returns null on a remove with no previous snapshot', null, {}, UP, 'remove', null],
  [
    'returns null on a remove with no previous snapshot even if one user remains',
    null,
    { [UP]: ['u1'] },
    UP,
    'remove',
    null,
  ],
  // other emojis
  [
    'ignores changes under other emojis on add',
    { [FLAG]: ['u1'] },
    { [FLAG]: ['u1', 'u7', 'u8'], [UP]: ['u5'] },
    UP,
    'add',
    'u5',
  ],
  [
    'ignores changes under other emojis on remove',
    { [FLAG]: ['u1'], [UP]: ['u2', 'u3'] },
    { [FLAG]: [], [UP]: ['u3'] },
    UP,
    'remove',
    'u2',
  ],
  [
    'ignores users under other emojis on a first add',
    null,
    { [FLAG]: ['u1', 'u2'], [UP]: ['u3'] },
    UP,
    'add',
    'u3',
  ],
  [
    'does not name a user who only reacted with another emoji',
    { [FLAG]: [] },
    { [FLAG]: ['u1'], [UP]: [] },
    UP,
    'add',
    null,
  ],
];

describe('inferReactor', () => {
  it.each(cases)('%s', (_, before, after, emoji, action, expected) => {
    expect(inferReactor(before, after, emoji, action)).toBe(expected);
  });

  it('does not modify the snapshots it compares', () => {
    const before = { [UP]: ['u1'] };
    const after = { [UP]: ['u1', 'u2'] };
    inferReactor(before, after, UP, 'add');
    expect({ before, after }).toEqual({ before: { [UP]: ['u1'] }, after: { [UP]: ['u1', 'u2'] } });
  });

  // BUG (src/ingest/infer-reactor.ts:15-16): `before?.[emoji] ?? []` reads inherited properties, so
  // an emoji string that names an Object.prototype member resolves to a function or object and
  // `new Set(...)` throws a TypeError, which aborts storing the whole reaction delivery.
  it.each<Case>([
    ['constructor', {}, { constructor: ['u1'] }, 'constructor', 'add', 'u1'],
    ['toString', { toString: ['u1'] }, {}, 'toString', 'remove', 'u1'],
    ['__proto__', null, {}, '__proto__', 'remove', null],
  ])(
    'infers the reactor without throwing when the emoji is named like Object.prototype.%s',
    (_, before, after, emoji, action, expected) => {
      expect(inferReactor(before, after, emoji, action)).toBe(expected);
    },
  );
});
