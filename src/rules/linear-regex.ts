import RE2 from 're2';

/**
 * A regular expression on RE2: its run time grows linearly with the text, whatever the pattern
 * and the text (no backtracking), so hostile chat text cannot make a rule stall. The price is
 * what RE2 cannot run: lookaround and backreferences. On a string, indices are in UTF-16 units
 * as RegExp's; on UTF-8 bytes (see Utf8Text), in bytes.
 */
export type LinearRegex = RE2;

/**
 * A text as UTF-8 bytes, for RE2: it converts a string on every call of every pattern, which
 * made 40 patterns on a 500-character message cost ~200 µs instead of ~10 µs.
 */
export type Utf8Text = { text: string; bytes: Buffer };

export function utf8Text(text: string): Utf8Text {
  return { text, bytes: Buffer.from(text, 'utf8') };
}

/** The first match of `regex` in `input` as UTF-16 offsets into its text; null for none or an
 * empty match. */
export function firstMatch(
  regex: LinearRegex,
  input: Utf8Text,
): { start: number; end: number; matched: string } | null {
  regex.lastIndex = 0;
  const m = regex.exec(input.bytes);
  if (m === null || m[0].length === 0) return null;
  const start = input.bytes.toString('utf8', 0, m.index).length;
  const matched = m[0].toString('utf8');
  return { start, end: start + matched.length, matched };
}

/** Compiles a pattern for RE2 with RegExp-style flags (`i`, `g`; always `u`); throws the
 * message of linearPatternProblem for a pattern it cannot run. */
export function compileLinearRegex(pattern: string, flags: '' | 'i' | 'g' | 'gi'): LinearRegex {
  try {
    return new RE2(pattern, `${flags}u`);
  } catch (error) {
    throw new SyntaxError(explainRe2Error(pattern, error));
  }
}

/** Why RE2 cannot run a pattern, in words for whoever wrote it; null when it can. */
export function linearPatternProblem(pattern: string): string | null {
  try {
    new RE2(pattern, 'u');
    return null;
  } catch (error) {
    return explainRe2Error(pattern, error);
  }
}

const ENGINE = 'patterns run on a linear-time engine (RE2)';

function explainRe2Error(pattern: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const operator = /invalid perl operator: (\(\?<?[=!])/.exec(message)?.[1];
  if (operator !== undefined) {
    const what = operator.includes('<') ? 'lookbehind' : 'lookahead';
    return `uses ${what} "${operator}…)": ${ENGINE}, which has no lookaround; match the surrounding text itself instead`;
  }
  const escape = /invalid escape sequence: (\\[1-9k])/.exec(message)?.[1];
  if (escape !== undefined) {
    return `uses a backreference "${escape}": ${ENGINE}, which has no backreferences; spell out what it should match instead`;
  }
  if (/invalid repetition size/.test(message)) {
    return `repeats too often (${message}): a count is at most 1000, nested counts multiplied too`;
  }
  if (/pattern too large/.test(message)) {
    return 'is too large for the linear-time engine (RE2); make its repetition counts smaller';
  }
  if (pattern.includes('[^]')) {
    return 'uses "[^]" for any character, which RE2 reads differently; write "[\\s\\S]" instead';
  }
  // RE2's own words name the part it stopped at (e.g. "missing ]: [a-z").
  return `is not a valid regular expression: ${message}`;
}

/**
 * How much a pattern's counted repetitions (`{n}`, `{n,m}`) expand it: the size of what each
 * repeats (a character or class counts 1) times its count, nested counts multiplied, summed.
 * RE2 runs in time linear in the text, but proportional to this too: `(?:\w+\s*){1,1000}!`
 * took 0.7 s on 4,000 characters, `(?:[ab]{1,30}){1,30}c` 0.2 s, while most patterns take
 * microseconds. For a pattern RE2 accepts (the syntax is not checked again here).
 */
export function repetitionCost(pattern: string): number {
  const frames: number[] = [0];
  let cost = 0;
  let i = 0;
  const add = (size: number) => {
    const counted = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 16));
    if (counted !== null) {
      i += counted[0].length;
      const min = Number(counted[1]);
      const count = counted[3] ? Number(counted[3]) : counted[2] ? min + 1 : min;
      size *= count;
      cost += size;
    }
    frames[frames.length - 1]! += size;
  };
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '(') {
      i++;
      if (pattern[i] === '?') {
        while (i < pattern.length && !':>)'.includes(pattern[i]!)) i++;
        // A flag group such as (?i) holds nothing.
        if (pattern[i++] === ')') continue;
      }
      frames.push(0);
    } else if (ch === ')') {
      i++;
      const size = frames.length > 1 ? frames.pop()! : 0;
      add(size);
    } else if (ch === '[') {
      i = classEnd(pattern, i + 1);
      add(1);
    } else if (ch === '\\') {
      i = escapeEnd(pattern, i + 1);
      add(1);
    } else {
      i++;
      // Quantifiers and | change no size; anything else is one character.
      if (!'*+?|'.includes(ch) && ch !== '{') add(1);
    }
  }
  return cost;
}

/** The index after a character class whose `[` was just before `start`. */
function classEnd(pattern: string, start: number): number {
  let i = start;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length && pattern[i] !== ']') {
    if (pattern[i] === '\\') i = escapeEnd(pattern, i + 1);
    else if (pattern.startsWith('[:', i)) i = Math.max(pattern.indexOf(':]', i + 2) + 2, i + 2);
    else i++;
  }
  return i + 1;
}

/** The index after an escape whose `\` was just before `start` (`\p{L}`, `\x{41}`, `\Q…\E`). */
function escapeEnd(pattern: string, start: number): number {
  const ch = pattern[start];
  if (ch === 'Q') {
    const end = pattern.indexOf('\\E', start + 1);
    return end < 0 ? pattern.length : end + 2;
  }
  if ((ch === 'p' || ch === 'P' || ch === 'x') && pattern[start + 1] === '{') {
    const end = pattern.indexOf('}', start + 2);
    return end < 0 ? pattern.length : end + 1;
  }
  if (ch === 'p' || ch === 'P') return start + 2;
  return start + 1;
}
