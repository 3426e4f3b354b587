import { describe, expect, it } from 'vitest';
import {
  findPersonalData,
  type FoundPersonalData,
  type PersonalDataKind,
} from '../../src/rules/detect-personal-data.ts';

const ALL: PersonalDataKind[] = ['email', 'phone', 'card', 'iban'];

/** `⟦…⟧` marks where the findings must be; returns the text without the marks and the findings. */
function marked(source: string, kinds: PersonalDataKind[]): [string, FoundPersonalData[]] {
  const expected: FoundPersonalData[] = [];
  let text = '';
  let start = 0;
  for (const part of source.split(/([⟦⟧])/u)) {
    if (part === '⟦') start = text.length;
    else if (part === '⟧') {
      const kind = kinds[expected.length];
      if (kind === undefined) throw new Error(`more marks than kinds in ${source}`);
      expected.push({ kind, start, end: text.length, value: text.slice(start) });
    } else text += part;
  }
  if (expected.length !== kinds.length) throw new Error(`fewer marks than kinds in ${source}`);
  return [text, expected];
}

type Case = [behaviour: string, source: string, kinds: PersonalDataKind[]];

const emails: Case[] = [
  ['finds a plain address', 'write to ⟦bob@example.com⟧ please', ['email']],
  ['finds an address with a +tag and dots', 'cc ⟦bob.smith+chat@mail.example.co.uk⟧', ['email']],
  ['finds an address in angle brackets', 'Bob <⟦bob@example.com⟧>', ['email']],
  ['leaves out brackets and a full stop', '(⟦bob@example.com⟧).', ['email']],
  ['leaves out quotes and a comma', '"⟦bob@example.com⟧", then', ['email']],
  ['leaves out a mailto: scheme', 'mailto:⟦bob@example.com⟧', ['email']],
  ['finds an upper-case address', '⟦BOB@EXAMPLE.COM⟧', ['email']],
  ['finds an address with digits and hyphens', '⟦a-1_b%c@mail-2.example.org⟧', ['email']],
  ['finds an address with a Unicode domain', '⟦jörg@bücher.de⟧', ['email']],
];

const phones: Case[] = [
  ['finds an international number with spaces', 'call ⟦+49 30 1234567⟧ now', ['phone']],
  ['finds an international number with an area code in brackets', '⟦+1 (555) 123-4567⟧', ['phone']],
  ['finds an international number with a bracketed trunk zero', '⟦+49 (0)30 1234567⟧', ['phone']],
  ['finds an international number without separators', 'ring ⟦+4930123456⟧', ['phone']],
  ['finds an international number as long as a card', 'ring ⟦+4917012345678⟧', ['phone']],
  ['finds a national number with a trunk prefix', 'ring ⟦030 1234 5678⟧', ['phone']],
  ['finds a mobile number with a trunk prefix', '⟦0171 1234567⟧', ['phone']],
  ['finds a number written with a slash', '⟦030/1234567⟧', ['phone']],
  ['finds a number in pairs', '⟦06 12 34 56 78⟧', ['phone']],
  ['finds a North American number with dashes', '⟦555-123-4567⟧', ['phone']],
  ['finds a North American number with dots', '⟦555.123.4567⟧', ['phone']],
  ['finds a North American number with an area code in brackets', '⟦(555) 123-4567⟧', ['phone']],
  ['finds a North American number with a leading 1', '⟦1-555-123-4567⟧', ['phone']],
  ['leaves out brackets around the whole number', '(⟦555-123-4567⟧)', ['phone']],
  ['stops before a count that follows the number', 'call ⟦555-123-4567⟧ 5 times', ['phone']],
  ['finds a number after a year in the same run', 'since 2026 ⟦555-123-4567⟧', ['phone']],
];

const cards: Case[] = [
  ['finds a card in groups of four', 'card ⟦4111 1111 1111 1111⟧ ok', ['card']],
  ['finds a card grouped with dashes', '⟦4111-1111-1111-1111⟧', ['card']],
  ['finds a card written as one run', '⟦4111111111111111⟧', ['card']],
  ['finds a 13-digit card', '⟦4222222222222⟧', ['card']],
  ['finds an Amex card grouped 4-6-5', '⟦3782 822463 10005⟧', ['card']],
  ['finds an Amex card written as one run', '⟦378282246310005⟧', ['card']],
  ['finds a card followed by its expiry date', '⟦4111 1111 1111 1111⟧ 05/27', ['card']],
  ['finds a card followed by its security code', '⟦4111 1111 1111 1111⟧ 123', ['card']],
  ['finds a card after a number in the same run', 'ref 12 ⟦4111 1111 1111 1111⟧', ['card']],
];

const ibans: Case[] = [
  ['finds an IBAN in groups of four', 'pay to ⟦DE89 3704 0044 0532 0130 00⟧ today', ['iban']],
  ['finds a compact IBAN', '⟦DE89370400440532013000⟧', ['iban']],
  ['finds a lower-case IBAN', '⟦de89 3704 0044 0532 0130 00⟧', ['iban']],
  ['finds an IBAN with letters in its account part', '⟦GB82 WEST 1234 5698 7654 32⟧', ['iban']],
  ['finds an IBAN with a letter near the end', '⟦FR1420041010050500013M02606⟧', ['iban']],
  ['finds the shortest IBANs', '⟦NO93 8601 1117 947⟧', ['iban']],
  ['finds an IBAN with check digits 98', '⟦DE98370400440532013032⟧', ['iban']],
  ['leaves out a full stop after an IBAN', 'IBAN: ⟦DE89 3704 0044 0532 0130 00⟧.', ['iban']],
];

const mixed: Case[] = [
  [
    'finds several items, each with its own span',
    'mail ⟦a@example.com⟧, call ⟦+49 30 1234567⟧, pay ⟦DE89 3704 0044 0532 0130 00⟧ or ⟦4111 1111 1111 1111⟧',
    ['email', 'phone', 'iban', 'card'],
  ],
  [
    'counts UTF-16 units after emoji and surrogate pairs',
    '😀👍🏽 ⟦bob@example.com⟧ 🚩⟦555-123-4567⟧ 𝒳 ⟦4111111111111111⟧',
    ['email', 'phone', 'card'],
  ],
  ['finds two numbers in one sentence', '⟦555-123-4567⟧ or ⟦030 1234 5678⟧', ['phone', 'phone']],
];

const nothing: [behaviour: string, text: string][] = [
  ['a mention', 'thanks @bob!'],
  ['an address without a top-level domain', 'bob@localhost'],
  ['an address with a one-letter top-level domain', 'bob@example.c'],
  ['an address whose domain label starts with a hyphen', 'bob@-example.com'],
  ['a year', 'back in 2026'],
  ['a time', 'starts at 12:30'],
  ['a time with seconds', 'at 12:30:45 sharp'],
  ['an ISO date', 'on 2026-05-01'],
  ['a European date', 'on 01.05.2026'],
  ['an American date', 'on 05/01/2026'],
  ['a range of years', 'from 2020-2024'],
  ['a version number', 'update to 1.2.3'],
  ['a long version number', 'build 10.0.19041.1234'],
  ['an IPv4 address', 'ping 192.168.100.200'],
  ['a short number', 'room 555-12'],
  ['a short international number', 'dial +49 123'],
  ['a bare run of digits without a plus', 'order 5551234567'],
  ['a number glued to a word', 'id555-123-4567 and 555-123-4567abc'],
  ['a number with a country code that starts with 0', 'dial +0 30 1234567'],
  ['scores in a row', 'scores 10 20 30 40 50 60 70'],
  ['prices in a row', 'prices 0.50 0.75 1.25 2.50'],
  ['a card number failing the Luhn check', 'card 4111 1111 1111 1112'],
  ['a card number failing Luhn that starts with 0', 'card 0111 1111 1111 1112'],
  ['a card number with mixed separators', 'card 4111 1111-1111 1111'],
  ['a run of digits too long for a card', 'tx 41111111111111111111111'],
  ['a card number glued to a word', 'x4111111111111111'],
  ['an IBAN with one digit changed', 'pay DE89 3704 0044 0532 0130 01'],
  ['an IBAN with its check digits changed', 'pay DE88 3704 0044 0532 0130 00'],
  // Both pass mod-97 (as DE98… and DE97… do), but ISO 13616 check digits run from 02 to 98.
  ['an IBAN with check digits 01', 'pay DE01370400440532013032'],
  ['an IBAN with check digits 00', 'pay DE00370400440532013050'],
  ['an IBAN glued to a word', 'xDE89370400440532013000'],
  [
    'a long message of prose and numbers',
    'Great talk, v2.3 at 12:30 in room 4, 3.5x faster. '.repeat(100),
  ],
];

describe('findPersonalData', () => {
  it.each([...emails, ...phones, ...cards, ...ibans, ...mixed])('%s', (_, source, kinds) => {
    const [text, expected] = marked(source, kinds);
    expect(findPersonalData(text, ALL)).toEqual(expected);
  });

  it.each(nothing)('finds nothing in %s', (_, text) => {
    expect(findPersonalData(text, ALL)).toEqual([]);
  });

  it.each<
    [behaviour: string, source: string, kinds: PersonalDataKind[], asked: PersonalDataKind[]]
  >([
    [
      'returns only the kinds asked for',
      'mail ⟦a@example.com⟧, call +49 30 1234567, card 4111 1111 1111 1111',
      ['email'],
      ['email'],
    ],
    [
      'returns the kinds asked for in text order',
      '⟦+49 30 1234567⟧ then ⟦a@example.com⟧',
      ['phone', 'email'],
      ['email', 'phone'],
    ],
    ['returns nothing when no kind is asked for', 'a@example.com', [], []],
    ['does not report a card as a phone number', 'card 4111-1111-1111-1111', [], ['phone']],
    [
      'does not report the digits of an IBAN as a phone number',
      'DE12 0301 2345 0123 4567 89',
      [],
      ['phone'],
    ],
    [
      'does not report the digits of a mistyped IBAN as a card or phone number',
      'DE89 3704 0044 0532 0130 01',
      [],
      ['card', 'phone'],
    ],
  ])('%s', (_, source, kinds, asked) => {
    const [text, expected] = marked(source, kinds);
    expect(findPersonalData(text, asked)).toEqual(expected);
  });

  it('reports the IBAN whose digits also read as a phone number', () => {
    expect(findPersonalData('DE12 0301 2345 0123 4567 89', ALL)).toEqual([
      { kind: 'iban', start: 0, end: 27, value: 'DE12 0301 2345 0123 4567 89' },
    ]);
  });
});
