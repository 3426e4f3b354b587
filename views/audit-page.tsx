import type { AuditSender } from '../src/audit/audit-senders.ts';
import type { AuditFilters, AuditRow } from '../src/audit/read-audit.ts';
import { DateRangeInputs, linkWith, NewerOlderPager } from './components/list-controls.tsx';
import { When } from './components/when.tsx';
import { UserText } from './components/user-text.tsx';

/** Where a target of each type is shown; a type without a page (setup, log…) is not linked. */
const TARGET_PAGES: Record<string, (id: string) => string> = {
  message: (id) => `/messages/${encodeURIComponent(id)}`,
  rule: (id) => `/rules/${encodeURIComponent(id)}`,
  source: (id) => `/sources/${encodeURIComponent(id)}`,
  account: (id) => `/accounts#account-${encodeURIComponent(id)}`,
  channel: (id) => `/channels/${encodeURIComponent(id)}`,
  display: (id) => `/displays/${encodeURIComponent(id)}`,
};

/** Detail keys that name another target, linked like one (`ruleId: 4` goes to the rule). */
const DETAIL_TARGETS: Record<string, string> = {
  messageId: 'message',
  ruleId: 'rule',
  sourceId: 'source',
  accountId: 'account',
  channelId: 'channel',
  displayId: 'display',
};

type Detail = { key: string; label: string; value: string };

/** `basisDecisionId` and `target_type` as words: "basis decision id", "target type". */
function words(key: string): string {
  return key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) {
    return value.length === 0 ? '(none)' : value.map((v) => valueText(v)).join(', ');
  }
  return JSON.stringify(value);
}

/**
 * An entry's details as key/value pairs: one level of nesting becomes `outer › inner`; anything
 * deeper, or details that are not a JSON object, stay as their JSON text.
 */
export function auditDetails(json: string): Detail[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [{ key: '', label: 'details', value: json }];
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return [{ key: '', label: 'details', value: json }];
  }
  const pairs: Detail[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const inner = Object.entries(value);
      if (inner.length === 0) pairs.push({ key, label: words(key), value: '(none)' });
      for (const [k, v] of inner) {
        pairs.push({ key: k, label: `${words(key)} › ${words(k)}`, value: valueText(v) });
      }
    } else {
      pairs.push({ key, label: words(key), value: valueText(value) });
    }
  }
  return pairs;
}

function DetailValue(props: { detail: Detail }) {
  const { key, value } = props.detail;
  const page = TARGET_PAGES[DETAIL_TARGETS[key] ?? ''];
  if (page && /^[A-Za-z0-9_-]{1,100}$/.test(value)) {
    return <a href={page(value)}>{value}</a>;
  }
  return <UserText text={value} />;
}

function Target(props: { row: AuditRow; senders: Map<string, AuditSender> }) {
  const { targetType: type, targetId: id } = props.row;
  const sender = type === 'sender' ? props.senders.get(id) : undefined;
  const page = TARGET_PAGES[type];
  const label = <UserText text={id} />;
  return (
    <>
      <span class="target-type">{words(type)}</span>{' '}
      {sender ? (
        <a
          href={`/messages?${new URLSearchParams({ sender: sender.externalId, source: sender.sourceId })}`}
          title="This sender's messages"
        >
          <UserText text={sender.screenName || sender.externalId} />
        </a>
      ) : page ? (
        <a href={page(id)}>{label}</a>
      ) : (
        label
      )}
    </>
  );
}

/** The audit log: who did what to what, newest first; details are shown as text. */
export function AuditPageView(props: {
  rows: AuditRow[];
  senders: Map<string, AuditSender>;
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
        <a href="/audit">Clear</a>
        <a class="export" href={linkWith('/export/audit.csv', props.query)} download>
          Export CSV
        </a>
      </form>
      {props.rows.length === 0 ? <p class="empty">No entries match.</p> : null}
      <table class="messages audit">
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
            <tr class="audit-entry" data-audit-id={r.id}>
              <td data-label="When" class="when">
                <When at={r.at} />
              </td>
              <td data-label="Actor">
                <a href={linkWith('/audit', '', { actor: r.actor })} title="Only this actor">
                  <UserText text={r.actor} />
                </a>
              </td>
              <td data-label="Action">
                <a href={linkWith('/audit', '', { action: r.action })} title="Only this action">
                  <code>{r.action}</code>
                </a>
              </td>
              <td data-label="Target" class="target">
                <Target row={r} senders={props.senders} />
              </td>
              <td data-label="Details">
                {r.details === '{}' ? (
                  <span class="muted">none</span>
                ) : (
                  <dl class="details">
                    {auditDetails(r.details).map((d) => (
                      <div>
                        <dt>{d.label}</dt>
                        <dd>
                          <DetailValue detail={d} />
                        </dd>
                      </div>
                    ))}
                  </dl>
                )}
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
