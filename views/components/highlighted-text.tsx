import { showBidiControls } from './user-text.tsx';

/** A chat text with the given spans of it marked; everything is escaped text, never HTML. */
export function HighlightedText(props: { text: string; spans: { start: number; end: number }[] }) {
  const spans = props.spans
    .filter((s) => s.start >= 0 && s.end > s.start && s.end <= props.text.length)
    .sort((a, b) => a.start - b.start);
  const parts: (string | { marked: string })[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue; // overlapping spans: the first one wins
    if (span.start > at) parts.push(props.text.slice(at, span.start));
    parts.push({ marked: props.text.slice(span.start, span.end) });
    at = span.end;
  }
  if (at < props.text.length) parts.push(props.text.slice(at));
  if (props.text === '') return <span class="empty-text">(empty message)</span>;
  // Isolated, with direction controls shown, as every chat text (./user-text.tsx).
  return (
    <bdi class="chat-text">
      {parts.map((p) =>
        typeof p === 'string' ? showBidiControls(p) : <mark>{showBidiControls(p.marked)}</mark>,
      )}
    </bdi>
  );
}
