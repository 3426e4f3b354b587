import type { DeliveryRowView, RejectionCount } from '../src/sources/list-deliveries.ts';
import type { SourceSecretView } from '../src/sources/list-source-secrets.ts';
import type { SourceSummary } from '../src/sources/list-sources.ts';
import { countOf } from './components/count-of.ts';
import { CsrfField } from './components/csrf-field.tsx';
import { NoticeLine, type Notice } from './components/notice.tsx';
import { ExportLinks } from './components/export-links.tsx';
import { When } from './components/when.tsx';
import { UserText } from './components/user-text.tsx';
import { CopyField, SetupSteps } from './source-setup.tsx';
import { webhookUrl } from './sources-page.tsx';

/** How long the old secret keeps working after a rotation (src/http/source-routes.tsx). */
export const GRACE_CHOICES = [
  ['1h', '1 hour'],
  ['24h', '24 hours'],
  ['7d', '7 days'],
  ['now', 'stop it now'],
] as const;

/** The words an admin reads for each reason code a delivery row can carry. */
const REASON_TEXT: Record<string, string> = {
  unknown_source: 'unknown source',
  source_disabled: 'source disabled',
  body_too_large: 'too large',
  signature_missing: 'no signature',
  signature_malformed: 'malformed signature',
  signature_mismatch: 'bad signature',
  timestamp_out_of_tolerance: 'timestamp too far from now',
  unsupported_encoding: 'unsupported encoding',
  invalid_encoding: 'invalid gzip',
  body_incomplete: 'connection closed mid-body',
  duplicate: 'duplicate',
  not_before_send: 'not a before-send source',
  invalid_json: 'invalid JSON',
  invalid_payload: 'schema error',
  challenge_missing: 'challenge token missing',
  challenge_malformed: 'challenge token malformed',
  unsupported_type: 'not a chat message (ignored)',
  schema_warning: 'schema warning (stored, a field dropped)',
};

export function reasonText(reason: string): string {
  return Object.hasOwn(REASON_TEXT, reason) ? REASON_TEXT[reason]! : reason;
}

export type SecretsPanelProps = {
  sourceId: string;
  csrfToken: string;
  secrets: SourceSecretView[];
  now: number;
  /** The kind needs the sender's own secret typed in (Stream), so the form asks for it. */
  needsSecret: boolean;
  /** Right after a rotation: the new secret, shown this once. */
  rotated?: { secret: string; previousExpiresAt: number };
  error?: string;
};

export type SourcePageProps = {
  source: SourceSummary;
  publicUrl: string;
  csrfToken: string;
  /** What the last change did (from the redirect's `done`). */
  notice?: Notice;
  secrets: SecretsPanelProps;
  rejections: RejectionCount[];
  deliveries: {
    rows: DeliveryRowView[];
    outcome: string | undefined;
    page: number;
    hasMore: boolean;
    body: { id: number; text: string } | null;
  };
};

/** One source: how to connect it, its secrets, its actions, and its recent deliveries. */
export function SourcePageView(props: SourcePageProps) {
  const { source } = props;
  const path = `/sources/${encodeURIComponent(source.id)}`;
  return (
    <section class="deliveries-page source-page" data-page="deliveries">
      <script src="/static/sources.js" defer></script>
      <p>
        <a href="/sources">← Sources</a>
      </p>
      <h1>
        {source.name} <span class={`badge status-${source.status}`}>{source.status}</span>
      </h1>
      <NoticeLine notice={props.notice} />
      <p class="muted">
        Kind {source.kind} · created <When at={source.createdAt} /> · last delivery{' '}
        {source.lastDeliveryAt === null ? 'never' : <When at={source.lastDeliveryAt} />} ·{' '}
        {[
          `${source.acceptedDeliveries} accepted`,
          source.duplicateDeliveries > 0 ? countOf(source.duplicateDeliveries, 'duplicate') : null,
          source.urlChecks > 0 ? countOf(source.urlChecks, 'URL check') : null,
          `${source.rejectedDeliveries} rejected`,
          source.schemaWarnings > 0 ? countOf(source.schemaWarnings, 'schema warning') : null,
        ]
          .filter((part) => part !== null)
          .join(' · ')}
      </p>
      <p class="source-links">
        <a href={`/messages?${new URLSearchParams({ source: source.id })}`}>Its messages</a>{' '}
        <ExportLinks query={`?${new URLSearchParams({ source: source.id })}`} />
      </p>
      <CopyField
        id="source-url"
        label="Webhook URL"
        value={webhookUrl(props.publicUrl, source.id)}
      />
      <details class="setup">
        <summary>How to connect the sender</summary>
        <SetupSteps kind={source.kind} publicUrl={props.publicUrl} />
      </details>
      <div class="source-actions">
        {source.kind === 'eventyay' && source.status === 'active' ? (
          <form method="post" action={`${path}/test-delivery`}>
            <CsrfField token={props.csrfToken} />
            <button type="submit">Send test delivery</button>{' '}
            <span class="muted">
              a chat message signed as Eventyay signs it, through the real webhook path
            </span>
          </form>
        ) : null}
        <StatusForm path={path} status={source.status} csrfToken={props.csrfToken} />
      </div>
      <SecretsPanel {...props.secrets} />
      {props.rejections.length === 0 ? null : (
        <div class="rejection-counts">
          <h2>Rejected requests, all time</h2>
          <ul>
            {props.rejections.map((r) => (
              <li>
                {reasonText(r.reason)}: {r.count} (last <When at={r.lastAt} />)
              </li>
            ))}
          </ul>
        </div>
      )}
      <Deliveries path={path} {...props.deliveries} />
    </section>
  );
}

/** Disable asks again first (the sender's deliveries are refused from then on); enable does not. */
function StatusForm(props: { path: string; status: string; csrfToken: string }) {
  const form = (status: 'active' | 'disabled', label: string) => (
    <form method="post" action={`${props.path}/status`}>
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="status" value={status} />
      <button type="submit" class={status === 'disabled' ? 'danger' : undefined}>
        {label}
      </button>
    </form>
  );
  if (props.status === 'disabled') {
    return (
      <div class="status-form">
        <p>Disabled: the sender gets 404 and nothing is stored. Its data and secrets are kept.</p>
        {form('active', 'Enable source')}
      </div>
    );
  }
  return (
    <details class="status-form">
      <summary>Disable this source…</summary>
      <p>
        From now on the sender gets 404 for every delivery and its messages are lost (Eventyay does
        not retry). Data and secrets are kept; you can enable it again.
      </p>
      {form('disabled', 'Yes, disable it')}
    </details>
  );
}

/** The secrets (never their values) and the rotate form; htmx swaps this whole panel. */
export function SecretsPanel(props: SecretsPanelProps) {
  const path = `/sources/${encodeURIComponent(props.sourceId)}`;
  return (
    <div id="secrets" class="secrets-panel">
      <h2>Secrets</h2>
      {props.rotated ? (
        <div class="rotated">
          <p role="status" class="flash">
            New secret made. The previous one{' '}
            {props.rotated.previousExpiresAt <= props.now ? (
              'stopped working now.'
            ) : (
              <>
                keeps working until <When at={props.rotated.previousExpiresAt} />.
              </>
            )}
          </p>
          <CopyField id="rotated-secret" label="New secret" value={props.rotated.secret} />
          <p class="warning">
            Copy it now: it is shown only this once. Paste it into the sender (Eventyay: the room's{' '}
            <strong>webhook HMAC secret</strong>) before the previous one expires; “Last matched”
            below tells when the sender has switched.
          </p>
        </div>
      ) : null}
      <table class="messages secrets">
        <thead>
          <tr>
            <th>Secret</th>
            <th>Created</th>
            <th>Expires</th>
            <th>Last matched</th>
          </tr>
        </thead>
        <tbody>
          {props.secrets.map((k) => (
            <tr class={`secret ${k.active ? 'active' : 'expired'}`} data-secret-id={k.id}>
              <td data-label="Secret">{`#${k.id}`}</td>
              <td data-label="Created">
                <When at={k.createdAt} />
              </td>
              <td data-label="Expires">
                {k.expiresAt === null ? (
                  'never'
                ) : (
                  <>
                    {k.active ? '' : 'expired '}
                    <When at={k.expiresAt} />
                  </>
                )}
              </td>
              <td data-label="Last matched">
                {k.lastMatchedAt === null ? 'never' : <When at={k.lastMatchedAt} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        class="rotate-form"
        method="post"
        action={`${path}/rotate`}
        hx-post={`${path}/rotate`}
        hx-target="#secrets"
        hx-swap="outerHTML"
        data-swap-invalid
      >
        <CsrfField token={props.csrfToken} />
        {props.error ? (
          <p class="error" role="alert">
            {props.error}
          </p>
        ) : null}
        <label>
          Rotate: the current secret keeps working for{' '}
          <select name="grace">
            {GRACE_CHOICES.map(([value, label]) => (
              <option value={value} selected={value === '24h'}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {props.needsSecret ? (
          <label>
            New secret (the sender's own)
            <input name="secret" type="password" autocomplete="off" required maxlength={512} />
          </label>
        ) : null}
        <button type="submit">Rotate secret</button>
      </form>
    </div>
  );
}

function Deliveries(props: SourcePageProps['deliveries'] & { path: string }) {
  const link = (params: Record<string, string>) => `${props.path}?${new URLSearchParams(params)}`;
  const base: Record<string, string> = props.outcome ? { outcome: props.outcome } : {};
  return (
    <div class="deliveries" id="deliveries">
      <h2>Deliveries</h2>
      <form class="filters" method="get" action={props.path}>
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
          <h3>Body of delivery {props.body.id}</h3>
          <pre>
            <UserText text={props.body.text} />
          </pre>
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
            <tr class={`delivery ${d.outcome}`} data-delivery-id={d.id}>
              <td data-label="Time">
                <When at={d.receivedAt} />
              </td>
              <td data-label="Kind">{d.kind}</td>
              <td data-label="Outcome">
                {d.hasBody ? (
                  <a href={link({ ...base, body: String(d.id) })}>{d.outcome}</a>
                ) : (
                  d.outcome
                )}
              </td>
              <td data-label="Reason" class="reason">
                {d.reason === null ? (
                  d.outcome === 'duplicate' ? (
                    'duplicate'
                  ) : (
                    ''
                  )
                ) : (
                  <>
                    {reasonText(d.reason)} <code class="muted">{d.reason}</code>
                  </>
                )}
                {d.detail ? (
                  <div class="muted">
                    <UserText text={d.detail} />
                  </div>
                ) : null}
              </td>
              <td data-label="Status">{d.status}</td>
              <td data-label="Size">{d.size === null ? '' : `${d.size} B`}</td>
              <td data-label="Latency">{`${d.latencyMs.toFixed(1)} ms`}</td>
              <td data-label="Secret">{d.secretId === null ? '' : `#${d.secretId}`}</td>
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
    </div>
  );
}
