import type { DeliveryRowView } from '../src/sources/list-deliveries.ts';
import type { SourceSummary } from '../src/sources/list-sources.ts';
import { When } from './components/when.tsx';

/** Every source with its status, last delivery and counts; never a secret. */
export function SourcesPageView(props: { sources: SourceSummary[]; publicUrl: string }) {
  return (
    <section class="sources-page" data-page="sources">
      <h1>Sources</h1>
      <p class="muted">
        Add, rotate and disable sources with <code>npx modhook source …</code> (see README).
      </p>
      {props.sources.length === 0 ? <p class="empty">No sources yet.</p> : null}
      <table class="messages">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Status</th>
            <th>Webhook URL</th>
            <th>Last delivery</th>
            <th>Accepted</th>
            <th>Rejected</th>
          </tr>
        </thead>
        <tbody>
          {props.sources.map((s) => (
            <tr>
              <td>
                <a href={`/sources/${encodeURIComponent(s.id)}`}>{s.name}</a>
              </td>
              <td>{s.kind}</td>
              <td>{s.status}</td>
              <td>
                <code>{`${props.publicUrl}/hooks/${s.id}`}</code>
              </td>
              <td>{s.lastDeliveryAt === null ? 'never' : <When at={s.lastDeliveryAt} />}</td>
              <td>{s.acceptedDeliveries}</td>
              <td>{s.rejectedDeliveries}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** One source's recent requests: what came in, what happened and why. */
export function DeliveriesPageView(props: {
  source: SourceSummary;
  rows: DeliveryRowView[];
  outcome: string | undefined;
  page: number;
  hasMore: boolean;
  body: { id: number; text: string } | null;
}) {
  const link = (params: Record<string, string>) =>
    `/sources/${encodeURIComponent(props.source.id)}?${new URLSearchParams(params)}`;
  const base: Record<string, string> = props.outcome ? { outcome: props.outcome } : {};
  return (
    <section class="deliveries-page" data-page="deliveries">
      <p>
        <a href="/sources">← Sources</a>
      </p>
      <h1>Deliveries of {props.source.name}</h1>
      <form class="filters" method="get">
        <select name="outcome" aria-label="Outcome">
          {['', 'accepted', 'duplicate', 'rejected', 'ignored'].map((o) => (
            <option value={o} selected={(props.outcome ?? '') === o}>
              {o === '' ? 'Any outcome' : o}
            </option>
          ))}
        </select>
        <button type="submit">Filter</button>
      </form>
      {props.body ? (
        <div class="delivery-body">
          <h2>Body of delivery {props.body.id}</h2>
          <pre>{props.body.text}</pre>
        </div>
      ) : null}
      {props.rows.length === 0 ? <p class="empty">No deliveries yet.</p> : null}
      <table class="messages">
        <thead>
          <tr>
            <th>Time</th>
            <th>Kind</th>
            <th>Outcome</th>
            <th>Reason</th>
            <th>Status</th>
            <th>Size</th>
            <th>Latency</th>
            <th>Secret</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((d) => (
            <tr class={`delivery ${d.outcome}`}>
              <td>
                <When at={d.receivedAt} />
              </td>
              <td>{d.kind}</td>
              <td>
                {d.hasBody ? (
                  <a href={link({ ...base, body: String(d.id) })}>{d.outcome}</a>
                ) : (
                  d.outcome
                )}
              </td>
              <td>
                {d.reason ?? ''}
                {d.detail ? <div class="muted">{d.detail}</div> : null}
              </td>
              <td>{d.status}</td>
              <td>{d.size ?? ''}</td>
              <td>{`${d.latencyMs.toFixed(1)} ms`}</td>
              <td>{d.secretId === null ? '' : `#${d.secretId}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager">
        {props.page > 1 ? (
          <a href={link({ ...base, page: String(props.page - 1) })}>Newer</a>
        ) : null}
        {props.hasMore ? <a href={link({ ...base, page: String(props.page + 1) })}>Older</a> : null}
      </nav>
    </section>
  );
}
