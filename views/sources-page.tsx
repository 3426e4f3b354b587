import type { RejectionCount } from '../src/sources/list-deliveries.ts';
import type { SourceSummary } from '../src/sources/list-sources.ts';
import { countOf } from './components/count-of.ts';
import { CsrfField } from './components/csrf-field.tsx';
import { When } from './components/when.tsx';
import { CopyField, SetupSteps } from './source-setup.tsx';

/** What the "New source" form shows again after a refused attempt (never the secret). */
export type NewSourceFormProps = {
  csrfToken: string;
  kinds: readonly string[];
  values?: { kind?: string; name?: string; settings?: string };
  /** Field name (kind, name, secret, settings) → what is wrong with it. */
  errors?: Record<string, string>;
};

export type CreatedSourceProps = {
  id: string;
  kind: string;
  name: string;
  url: string;
  secret: string;
  publicUrl: string;
};

export const webhookUrl = (publicUrl: string, id: string) => `${publicUrl}/hooks/${id}`;

/** Every source with its status, last delivery and counts, and the form to add one. */
export function SourcesPageView(props: {
  sources: SourceSummary[];
  publicUrl: string;
  unknown: RejectionCount[];
  form: NewSourceFormProps;
  /** After a create without htmx: the new source, shown once in place of the form. */
  created?: CreatedSourceProps;
}) {
  const unknownTotal = props.unknown.reduce((n, r) => n + r.count, 0);
  return (
    <section class="sources-page" data-page="sources">
      <h1>Sources</h1>
      <p class="muted">
        A source is one sender endpoint (one Eventyay room, one Stream app…). Open a source to see
        its deliveries, rotate its secret, disable it or send a test delivery.
      </p>
      <SourceTable sources={props.sources} publicUrl={props.publicUrl} />
      {unknownTotal === 0 ? null : (
        <p class="muted unknown-sources">
          Requests to URLs with no source (unknown source): {unknownTotal}, the last at{' '}
          <When at={Math.max(...props.unknown.map((r) => r.lastAt))} />. A sender that gets 404 has
          an old or mistyped URL.
        </p>
      )}
      <h2>New source</h2>
      <script src="/static/sources.js" defer></script>
      {props.created ? <CreatedSource {...props.created} /> : <NewSourceForm {...props.form} />}
    </section>
  );
}

/** The list of sources; `oob` swaps it in place after a create (htmx out-of-band). */
export function SourceTable(props: { sources: SourceSummary[]; publicUrl: string; oob?: boolean }) {
  return (
    <div id="source-list" hx-swap-oob={props.oob ? 'true' : undefined}>
      {props.sources.length === 0 ? <p class="empty">No sources yet.</p> : null}
      <table class="messages">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Status</th>
            <th>Webhook URL</th>
            <th>Secrets</th>
            <th>Last delivery</th>
            <th>Accepted</th>
            <th>Rejected</th>
          </tr>
        </thead>
        <tbody>
          {props.sources.map((s) => (
            <tr class={`source ${s.status}`}>
              <td data-label="Name">
                <a href={`/sources/${encodeURIComponent(s.id)}`}>{s.name}</a>
              </td>
              <td data-label="Kind">{s.kind}</td>
              <td data-label="Status">
                <span class={`badge status-${s.status}`}>{s.status}</span>
              </td>
              <td data-label="Webhook URL">
                <code>{webhookUrl(props.publicUrl, s.id)}</code>
              </td>
              <td data-label="Secrets">
                {s.activeSecrets} active
                {s.nextSecretExpiry === null ? null : (
                  <div class="muted">
                    one expires <When at={s.nextSecretExpiry} />
                  </div>
                )}
              </td>
              <td data-label="Last delivery">
                {s.lastDeliveryAt === null ? 'never' : <When at={s.lastDeliveryAt} />}
              </td>
              <td data-label="Accepted">
                {s.acceptedDeliveries}
                <DeliveryExtras source={s} />
              </td>
              <td data-label="Rejected">{s.rejectedDeliveries}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Duplicates and URL checks, counted apart from the deliveries stored, and the stored ones with a
 * schema warning; nothing when none.
 */
export function DeliveryExtras(props: { source: SourceSummary }) {
  const { duplicateDeliveries, urlChecks, schemaWarnings } = props.source;
  const parts = [
    duplicateDeliveries > 0 ? countOf(duplicateDeliveries, 'duplicate') : null,
    urlChecks > 0 ? countOf(urlChecks, 'URL check') : null,
    schemaWarnings > 0 ? countOf(schemaWarnings, 'schema warning') : null,
  ].filter((p) => p !== null);
  return parts.length === 0 ? null : <div class="muted">{parts.join(' · ')}</div>;
}

function FieldError(props: { errors: Record<string, string> | undefined; name: string }) {
  const message = props.errors?.[props.name];
  return message === undefined ? null : (
    <span class="field-error error" id={`new-source-${props.name}-error`} role="alert">
      {message}
    </span>
  );
}

/**
 * Creates a source. With htmx the answer replaces this form: the new source (201), or this form
 * again with the problems next to their fields (422). Without JavaScript it is a plain POST.
 */
export function NewSourceForm(props: NewSourceFormProps) {
  const v = props.values ?? {};
  const e = props.errors;
  const invalid = (name: string) => (e?.[name] === undefined ? undefined : 'true');
  return (
    <form
      id="new-source"
      class="source-form"
      method="post"
      action="/sources"
      hx-post="/sources"
      hx-target="this"
      hx-swap="outerHTML"
      data-swap-invalid
    >
      <CsrfField token={props.csrfToken} />
      {e === undefined ? null : (
        <p class="error" role="alert">
          The source was not created: check the fields marked below.
        </p>
      )}
      <label>
        Kind
        <select name="kind" aria-invalid={invalid('kind')}>
          {props.kinds.map((k) => (
            <option value={k} selected={(v.kind ?? 'eventyay') === k}>
              {k}
            </option>
          ))}
        </select>
        <FieldError errors={e} name="kind" />
      </label>
      <label>
        Name (for people, e.g. the room)
        <input
          name="name"
          value={v.name ?? ''}
          maxlength={100}
          required
          aria-invalid={invalid('name')}
        />
        <FieldError errors={e} name="name" />
      </label>
      <label>
        Secret (leave empty to generate one; a Stream source needs the app's API secret)
        <input
          name="secret"
          type="password"
          autocomplete="off"
          maxlength={512}
          aria-invalid={invalid('secret')}
        />
        <FieldError errors={e} name="secret" />
      </label>
      <label>
        Settings as JSON (only for kinds that need them, e.g. the field mapping of hmac)
        <textarea name="settings" rows={3} spellcheck={false} aria-invalid={invalid('settings')}>
          {v.settings ?? ''}
        </textarea>
        <FieldError errors={e} name="settings" />
      </label>
      <button type="submit">Create source</button>
    </form>
  );
}

/** The new source: its URL and secret, shown this once, and how to give them to the sender. */
export function CreatedSource(props: CreatedSourceProps) {
  return (
    <div class="created-source" id="created-source">
      <p role="status" class="flash">
        Source “{props.name}” ({props.kind}) created.
      </p>
      <CopyField id="new-url" label="Webhook URL" value={props.url} />
      <CopyField id="new-secret" label="Secret" value={props.secret} />
      <p class="warning">
        Copy the secret now: it is shown only this once. If it is lost, rotate it on the source's
        page.
      </p>
      <SetupSteps kind={props.kind} publicUrl={props.publicUrl} />
      <p>
        <a href={`/sources/${encodeURIComponent(props.id)}`}>Open the source</a> ·{' '}
        <a href="/sources">Add another source</a>
      </p>
    </div>
  );
}
