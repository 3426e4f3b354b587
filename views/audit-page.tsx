import type { AuditFilters, AuditRow } from '../src/audit/read-audit.ts';
import { When } from './components/when.tsx';

/** The audit log: who did what to what, newest first; details are shown as text. */
export function AuditPageView(props: {
  rows: AuditRow[];
  filters: AuditFilters;
  page: number;
  hasMore: boolean;
  query: string;
}) {
  const f = props.filters;
  const params = (page?: number) => {
    const p = new URLSearchParams(props.query);
    p.delete('page');
    if (page !== undefined) p.set('page', String(page));
    return p.toString();
  };
  const exportParams = new URLSearchParams(props.query);
  exportParams.delete('page');
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
        <input
          type="date"
          name="since"
          value={f.since === undefined ? '' : new Date(f.since).toISOString().slice(0, 10)}
          aria-label="From date"
        />
        <input
          type="date"
          name="until"
          value={f.until === undefined ? '' : new Date(f.until - 1).toISOString().slice(0, 10)}
          aria-label="To date"
        />
        <button type="submit">Filter</button>
        <a class="export" href={`/export/audit.csv?${exportParams}`} download>
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
                {r.targetType} {r.targetId}
              </td>
              <td>
                <code>{r.details}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager">
        {props.page > 1 ? <a href={`/audit?${params(props.page - 1)}`}>Newer</a> : null}
        {props.hasMore ? <a href={`/audit?${params(props.page + 1)}`}>Older</a> : null}
      </nav>
    </section>
  );
}
