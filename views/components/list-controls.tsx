import { isoTime } from './when.tsx';

/**
 * `path` with the current query string, less `page` unless set in `changes`, plus `changes`:
 * links that keep a screen's filters (paging, "Export CSV").
 */
export function linkWith(
  path: string,
  query: string,
  changes: Record<string, string> = {},
): string {
  const params = new URLSearchParams(query);
  params.delete('page');
  for (const [name, value] of Object.entries(changes)) params.set(name, value);
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

const dateOf = (ms: number | undefined) =>
  ms === undefined ? '' : (isoTime(ms)?.slice(0, 10) ?? '');

/** "From" and "to" date fields; `until` is exclusive, so the field shows the day before it. */
export function DateRangeInputs(props: { since?: number; until?: number }) {
  return (
    <>
      <input type="date" name="since" value={dateOf(props.since)} aria-label="From date" />
      <input
        type="date"
        name="until"
        value={dateOf(props.until === undefined ? undefined : props.until - 1)}
        aria-label="To date"
      />
    </>
  );
}

/** Newer / older links of a list ordered newest first. */
export function NewerOlderPager(props: {
  path: string;
  query: string;
  page: number;
  hasMore: boolean;
}) {
  const to = (page: number) => linkWith(props.path, props.query, { page: String(page) });
  return (
    <nav class="pager">
      {props.page > 1 ? <a href={to(props.page - 1)}>Newer</a> : null}
      {props.hasMore ? <a href={to(props.page + 1)}>Older</a> : null}
    </nav>
  );
}
