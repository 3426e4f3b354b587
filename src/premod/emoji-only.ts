// Pictographs, skin-tone modifiers, flags (regional indicators), joiners, variation selectors,
// keycap marks and tag characters (subdivision flags); whitespace between them.
const EMOJI_PART =
  /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200D|\uFE0E|\uFE0F|\u20E3|\s|\uDB40[\uDC20-\uDC7F])+$/u;
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

/** True when the text is emoji only (at least one pictograph, nothing but emoji and spaces). */
export function isEmojiOnly(text: string): boolean {
  return text.length <= 200 && PICTOGRAPH.test(text) && EMOJI_PART.test(text);
}
