import type { Child } from 'hono/jsx';

/**
 * The invisible characters that reorder text (embeddings, overrides, isolates, marks), by the
 * short name a moderator sees in their place. An override in a screen name makes "\u202Enimda"
 * read as "admin", and "\u202Egnp.exe" as "exe.png".
 */
const BIDI_CONTROLS = new Map<string, string>([
  ['\u202A', 'LRE'],
  ['\u202B', 'RLE'],
  ['\u202C', 'PDF'],
  ['\u202D', 'LRO'],
  ['\u202E', 'RLO'],
  ['\u2066', 'LRI'],
  ['\u2067', 'RLI'],
  ['\u2068', 'FSI'],
  ['\u2069', 'PDI'],
  ['\u200E', 'LRM'],
  ['\u200F', 'RLM'],
  ['\u061C', 'ALM'],
]);
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

const codePoint = (char: string) =>
  `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The text with every bidirectional control replaced by a visible marker (`⟨RLO⟩`), so the
 * text reads in its stored order and a moderator sees the trick. Text only, never HTML.
 */
export function showBidiControls(text: string): Child[] {
  const parts: Child[] = [];
  let at = 0;
  for (const match of text.matchAll(BIDI_CONTROL)) {
    if (match.index > at) parts.push(text.slice(at, match.index));
    const char = match[0];
    parts.push(
      <span class="bidi-control" title={`hidden direction control ${codePoint(char)}`}>
        {`⟨${BIDI_CONTROLS.get(char)}⟩`}
      </span>,
    );
    at = match.index + char.length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

/**
 * A screen name or text from chat (or anything else a sender chose): isolated from the text
 * around it (`<bdi>`, whose direction is its own), with its direction controls shown.
 */
export function UserText(props: { text: string; class?: string }) {
  return <bdi class={props.class}>{showBidiControls(props.text)}</bdi>;
}
