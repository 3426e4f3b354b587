import { linkWith } from './list-controls.tsx';

/** The filters the flags and decisions exports honour (src/export/export-queries.ts). */
const LOG_FILTERS = ['since', 'until', 'source', 'channel'];

/** `query` with only the filters the flags and decisions exports understand. */
function logQuery(query: string): string {
  const all = new URLSearchParams(query);
  const kept = new URLSearchParams();
  for (const name of LOG_FILTERS) {
    const value = all.get(name);
    if (value) kept.set(name, value);
  }
  const text = kept.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * "Export CSV: messages · flags · decisions" for what a screen lists: the messages with every
 * filter of `query`, their flags and decisions with the time, source and channel filters (the
 * only ones those exports take).
 */
export function ExportLinks(props: {
  query: string;
  kinds?: readonly ('messages' | 'flags' | 'decisions')[];
}) {
  const kinds = props.kinds ?? ['messages', 'flags', 'decisions'];
  return (
    <span class="exports">
      <span>Export CSV:</span>
      {kinds.map((kind) => (
        <a
          class={`export export-${kind}`}
          href={
            kind === 'messages'
              ? linkWith('/export/messages.csv', props.query)
              : `/export/${kind}.csv${logQuery(props.query)}`
          }
          download
        >
          {kind}
        </a>
      ))}
    </span>
  );
}
