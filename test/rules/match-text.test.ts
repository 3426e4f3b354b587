import { describe, expect, it } from 'vitest';
import { compileTextCheck, createTextView } from '../../src/rules/match-text.ts';
import { TextCheck } from '../../src/rules/rule-kinds.ts';

/** Compiles a check from its input form (defaults applied as the rule store would). */
function matcher(check: unknown) {
  return compileTextCheck(TextCheck.parse(check));
}
const run = (check: unknown, text: string) => matcher(check)(createTextView(text));

describe('keyword', () => {
  const spam = { kind: 'keyword', settings: { words: ['spam'] } };
  it.each([
    ['plain', 'this is spam', 'spam'],
    ['capitals', 'this is SPAM', 'SPAM'],
    ['Cyrillic look-alikes', 'this is ѕрам', 'ѕрам'],
    ['zero-width joiners', 'this is s\u200Dp\u200Da\u200Dm', 's\u200Dp\u200Da\u200Dm'],
    ['spaced letters', 'this is s p a m', 's p a m'],
    ['dotted letters', 'this is s.p.a.m', 's.p.a.m'],
    ['fullwidth', 'this is ｓｐａｍ', 'ｓｐａｍ'],
    ['strike-through marks', 'this is s\u0336pam', 's\u0336pam'],
  ])('matches a whole word through %s and reports the original span', (_, text, matched) => {
    const hit = run(spam, text);
    expect(hit?.span?.matched).toBe(matched);
    expect(text.slice(hit!.span!.start, hit!.span!.end)).toBe(matched);
  });

  it.each(['spammer', 'antispam', 'sp am', 'nothing here'])(
    'does not match %s as a whole word',
    (text) => {
      expect(run(spam, text)).toBeNull();
    },
  );

  it('matches prefixes and anywhere when asked', () => {
    expect(
      run({ kind: 'keyword', settings: { words: ['spam'], match: 'prefix' } }, 'spammer')?.span
        ?.matched,
    ).toBe('spam');
    expect(
      run({ kind: 'keyword', settings: { words: ['spam'], match: 'prefix' } }, 'antispam'),
    ).toBeNull();
    expect(
      run({ kind: 'keyword', settings: { words: ['spam'], match: 'anywhere' } }, 'antispam')?.span
        ?.matched,
    ).toBe('spam');
  });

  it('supports * wildcards inside a word', () => {
    const check = { kind: 'keyword', settings: { words: ['sp*m'] } };
    expect(run(check, 'such spaaam')?.span?.matched).toBe('spaaam');
    expect(run(check, 'such spm')?.span?.matched).toBe('spm');
    expect(run(check, 'such sp m')).toBeNull();
  });

  it('skips words on the allow list and finds a later real match', () => {
    const check = {
      kind: 'keyword',
      settings: { words: ['ass'], match: 'anywhere', allow: ['class', 'assist'] },
    };
    expect(run(check, 'the class will assist you')).toBeNull();
    const hit = run(check, 'the class is an ass');
    expect(hit?.span?.start).toBe('the class is an '.length);
  });

  it('reads leetspeak only when the rule asks for it', () => {
    expect(run(spam, 'this is 5p4m')).toBeNull();
    const hit = run({ kind: 'keyword', settings: { words: ['spam'], leet: true } }, 'this is 5p4m');
    expect(hit?.span?.matched).toBe('5p4m');
    expect(hit?.span?.transformations).toEqual(['leet_fold']);
  });

  describe('spaced letters next to one-letter words', () => {
    const insult = { kind: 'keyword', settings: { words: ['moron', 'stupid'], leet: true } };
    it.each([
      ['you m o r o n', 'm o r o n'],
      ['you are a m o r o n', 'm o r o n'],
      ['u r a s t u p i d', 's t u p i d'],
      ['u r a s-t-u-p-i-d !!', 's-t-u-p-i-d'],
      ['m o r o n u r', 'm o r o n'],
      ['i think u r a M.O.R.O.N', 'M.O.R.O.N'],
    ])('matches %s and reports only the spaced word', (text, matched) => {
      expect(run(insult, text)?.span?.matched).toBe(matched);
    });

    it.each([
      // Letters that are not words of their own stay part of the word, as they would unspaced.
      ['m o r o n s', 'as "morons" is not the word "moron"'],
      ['s m o r o n', 'as "smoron" is not'],
      ['a m o r o n i c x', 'an x after the word is not a one-letter word'],
      // Ordinary text with a few single letters.
      ['I am a b c fan', 'no keyword there'],
      ['plan a b c or d', 'no keyword there'],
      ['a moron-ic plan', 'not spaced: "moron-ic" is two words, and moron one of them'],
    ])('%s: %s', (text, why) => {
      const hit = run(insult, text);
      if (why.startsWith('not spaced')) expect(hit?.span?.matched).toBe('moron');
      else expect(hit).toBeNull();
    });

    it('prefix rules start after leading one-letter words too, and never mid-word', () => {
      const prefix = { kind: 'keyword', settings: { words: ['stup'], match: 'prefix' } };
      expect(run(prefix, 'u r a s t u p i d')?.span?.matched).toBe('s t u p');
      expect(run(prefix, 'u r x s t u p i d')).toBeNull();
    });

    it('keeps a leading one-letter word a possible first letter of the word', () => {
      const ass = { kind: 'keyword', settings: { words: ['ass'] } };
      expect(run(ass, 'what a a s s')?.span?.matched).toBe('a s s');
      expect(run(ass, 'you a s s')?.span?.matched).toBe('a s s');
    });

    it('honours the allow list in joined runs', () => {
      const check = { kind: 'keyword', settings: { words: ['moron'], allow: ['amoron'] } };
      expect(run(check, 'you are a m o r o n')).toBeNull();
    });
  });

  it('folds the rule words the same way as the text', () => {
    expect(run({ kind: 'keyword', settings: { words: ['SPAM'] } }, 'spam')).not.toBeNull();
    expect(run({ kind: 'keyword', settings: { words: ['café'] } }, 'Cafe')).not.toBeNull();
  });

  it('escapes regular-expression characters in words', () => {
    expect(run({ kind: 'keyword', settings: { words: ['a.b'] } }, 'axb')).toBeNull();
    expect(
      run({ kind: 'keyword', settings: { words: ['c++'], match: 'anywhere' } }, 'I like c++'),
    ).not.toBeNull();
  });
});

describe('regex', () => {
  it('matches on normalized text by default, case-insensitively', () => {
    const hit = run(
      { kind: 'regex', settings: { patterns: ['fr[e3]{2} money'] } },
      'FREE ｍｏｎｅｙ now',
    );
    expect(hit?.span?.matched).toBe('FREE ｍｏｎｅｙ');
  });

  it('matches the raw text with on: original and honours caseSensitive', () => {
    const check = {
      kind: 'regex',
      settings: { patterns: ['Secret'], on: 'original', caseSensitive: true },
    };
    expect(run(check, 'a Secret')?.span).toMatchObject({ start: 2, end: 8 });
    expect(run(check, 'a secret')).toBeNull();
  });

  it.each([
    ['spam(?=mer)', /^uses lookahead "\(\?=…\)": patterns run on a linear-time engine \(RE2\)/],
    ['(?<!anti)spam', /^uses lookbehind "\(\?<!…\)"/],
    ['(\\w)\\1', /^uses a backreference "\\1"/],
    ['(?<w>a)\\k<w>', /^uses a backreference "\\k"/],
    ['[^]', /write "\[\\s\\S\]" instead/],
    ['([a-z]', /^is not a valid regular expression: missing \)/],
    ['a{2,1001}', /^repeats too often/],
    ['a'.repeat(301), /at most 300/],
  ])('refuses %s, which the linear-time engine cannot run, with why', (pattern, message) => {
    const parsed = TextCheck.safeParse({ kind: 'regex', settings: { patterns: [pattern] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(message);
  });

  it('accepts nested repetition, which RE2 runs without backtracking', () => {
    for (const pattern of ['(a+)+$', '(x+x+)+y', '(\\w|\\d)+$', '.*.*.*=']) {
      expect(
        TextCheck.safeParse({ kind: 'regex', settings: { patterns: [pattern] } }).success,
      ).toBe(true);
    }
    expect(run({ kind: 'regex', settings: { patterns: ['(a+)+$'] } }, 'baaa')?.span).toMatchObject({
      start: 1,
      end: 4,
    });
  });

  it('refuses counted repetitions that expand a rule past its cost bound, naming the total', () => {
    const parsed = TextCheck.safeParse({
      kind: 'regex',
      settings: { patterns: ['(?:\\w+\\s*){1,100}!', '[ab]{1,150}c'] },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['settings', 'patterns']);
    expect(parsed.error?.issues[0]?.message).toMatch(/expand these patterns to 350 repeated parts/);
    const fine = ['\\d{3}[- ]?\\d{3}[- ]?\\d{4}', '[a-z]{2,63}', '(?:ab){1,20}'];
    expect(TextCheck.safeParse({ kind: 'regex', settings: { patterns: fine } }).success).toBe(true);
  });

  it('reports spans in UTF-16 offsets of the text, after characters of two units', () => {
    const check = { kind: 'regex', settings: { patterns: ['b+'], on: 'original' } };
    expect(run(check, '😀😀abbbc')?.span).toMatchObject({ start: 5, end: 8, matched: 'bbb' });
  });

  it('refuses more than 20 patterns', () => {
    const parsed = TextCheck.safeParse({
      kind: 'regex',
      settings: { patterns: Array(21).fill('x') },
    });
    expect(parsed.success).toBe(false);
  });
});

describe('personal data', () => {
  it.each([
    ['e-mail address', 'mail jane@example.org now', 'jane@example.org'],
    ['phone number', 'call +49 30 1234567', '+49 30 1234567'],
    ['payment card number', 'card 4111 1111 1111 1111', '4111 1111 1111 1111'],
    ['IBAN', 'iban DE89 3704 0044 0532 0130 00', 'DE89 3704 0044 0532 0130 00'],
    [
      'e-mail address',
      'fullwidth ｊａｎｅ＠ｅｘａｍｐｌｅ．ｏｒｇ',
      'ｊａｎｅ＠ｅｘａｍｐｌｅ．ｏｒｇ',
    ],
  ])('flags a %s with its span', (reason, text, matched) => {
    const hit = run({ kind: 'personal_data', settings: {} }, text);
    expect(hit).toMatchObject({ reason, span: { matched } });
  });

  it('flags only the kinds asked for', () => {
    expect(
      run({ kind: 'personal_data', settings: { kinds: ['iban'] } }, 'mail jane@example.org'),
    ).toBeNull();
  });

  it('does not flag a card number that fails the Luhn check', () => {
    expect(
      run({ kind: 'personal_data', settings: { kinds: ['card'] } }, '4111 1111 1111 1112'),
    ).toBeNull();
  });
});

describe('links', () => {
  it.each([
    ['any link', { mode: 'any' }, 'see https://example.com/x', 'example.com'],
    [
      'a blocked domain',
      { mode: 'block', domains: ['evil.com'] },
      'go to http://a.b.evil.com/path',
      'a.b.evil.com',
    ],
    [
      'a percent-encoded blocked domain',
      { mode: 'block', domains: ['evil.com'] },
      'http://%65vil.com/x',
      'evil.com',
    ],
    [
      'a domain not on the allow list',
      { mode: 'allow', domains: ['eventyay.com'] },
      'https://eventyay.com and https://other.org',
      'other.org',
    ],
  ])('flags %s', (_, settings, text, host) => {
    const hit = run({ kind: 'link', settings }, text);
    expect(hit?.reason).toContain(host);
  });

  it.each([
    [
      'an unlisted domain in block mode',
      { mode: 'block', domains: ['evil.com'] },
      'see https://notevil.com',
    ],
    [
      'an allowed subdomain in allow mode',
      { mode: 'allow', domains: ['eventyay.com'] },
      'https://talks.eventyay.com/x',
    ],
    ['text without links', { mode: 'any' }, 'no links here, e.g. none'],
  ])('does not flag %s', (_, settings, text) => {
    expect(run({ kind: 'link', settings }, text)).toBeNull();
  });

  it('needs domains for block and allow', () => {
    expect(TextCheck.safeParse({ kind: 'link', settings: { mode: 'block' } }).success).toBe(false);
  });
});

describe('shouting', () => {
  it.each([
    ['THIS IS ALL SHOUTING TODAY', true],
    ['THIS IS mostly shouting today', false],
    ['SHORT!', false],
    ['这是中文文本没有大小写字母可言的', false],
  ])('%s → %s', (text, flagged) => {
    expect(run({ kind: 'shouting', settings: {} }, text) !== null).toBe(flagged);
  });
});
