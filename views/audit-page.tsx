import type { AuditFilters, AuditRow } from '../src/audit/read-audit.ts';
import { DateRangeInputs, linkWith, NewerOlderPager } from './components/list-controls.tsx';
import { When } from './components/when.tsx';
import { UserText } from './components/user-text.tsx';

/** The audit log: who did what to what, newest first; details are shown as text. */
export function AuditPageView(props: {
  rows: AuditRow[];
  filters: AuditFilters;
  page: number;
  hasMore: boolean;
  query: string;
}) {
  const f = props.filters;
  return (
    <section class="audit-page" data-page="audit">
      <h1>Audit log</h1>
      <form class="filters" method="get" action="/audit">
        <input
          type="text"
          name="actor"
          value={f.actor ?? ''}
          placeholder="Actor (account:ana, cli, system)"
          aria-label="Actor"
        />
        <input
          type="text"
          name="action"
          value={f.action ?? ''}
          placeholder="Action (decision.reject)"
          aria-label="Action"
        />
        <input
          type="text"
          name="target_type"
          value={f.targetType ?? ''}
          placeholder="Target type"
          aria-label="Target type"
        />
        <input
          type="text"
          name="target"
          value={f.targetId ?? ''}
          placeholder="Target id"
          aria-label="Target id"
        />
        <DateRangeInputs since={f.since} until={f.until} />
        <button type="submit">Filter</button>
        <a class="export" href={linkWith('/export/audit.csv', props.query)} download>
          Export CSV
        </a>
      </form>
      {props.rows.length === 0 ? <p class="empty">No entries match.</p> : null}
      <table class="messages">
        <thead>
          <tr>
            <th>When</th>
            <th>Actor</th>
            <th>Action</th>
            <th>Target</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td>
                <When at={r.at} />
              </td>
              <td>{r.actor}</td>
              <td>{r.action}</td>
              <td>
                {r.targetType} <UserText text={r.targetId} />
              </td>
              <td>
                <code>
                  <UserText text={r.details} />
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <NewerOlderPager
        path="/audit"
        query={props.query}
        page={props.page}
        hasMore={props.hasMore}
      />
    </section>
  );
}
