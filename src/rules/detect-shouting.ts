const UPPER = /^\p{Lu}$/u;
const LOWER = /^\p{Ll}$/u;

/**
 * Counts the letters of `text` that have case (Unicode upper- and lowercase letters; digits and
 * letters without case, such as CJK, are not counted) and how many of them are capitals.
 * `share` is capitals / letters, 0 when there are no such letters.
 */
export function measureShouting(text: string): {
  letters: number;
  capitals: number;
  share: number;
} {
  let letters = 0;
  let capitals = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // ASCII without a regular expression: most chat text is, and this runs on every message.
    if (code < 0x80) {
      if (code >= 65 && code <= 90) capitals++;
      if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) letters++;
      continue;
    }
    const point = text.codePointAt(i) ?? code;
    if (point > 0xffff) i++;
    const char = String.fromCodePoint(point);
    const upper = UPPER.test(char);
    if (upper) capitals++;
    if (upper || LOWER.test(char)) letters++;
  }
  return { letters, capitals, share: letters === 0 ? 0 : capitals / letters };
}
