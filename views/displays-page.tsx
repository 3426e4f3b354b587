import type { Child } from 'hono/jsx';
import { channelDisplayName } from '../src/channels/channel-name.ts';
import type { ChannelSummary } from '../src/channels/list-channels.ts';
import type { DisplayRow, DisplaySummary } from '../src/display/list-displays.ts';
import { CsrfField } from './components/csrf-field.tsx';
import { NoticeLine, type Notice } from './components/notice.tsx';
import { UserText } from './components/user-text.tsx';
import { When } from './components/when.tsx';
import { CopyField } from './source-setup.tsx';
import { FieldError } from './components/field-error.tsx';

export type DisplayFormValues = { name: string; channelIds: number[]; isPublic: boolean };

export type DisplayUrls = {
  overlay: string;
  transparentOverlay: string;
  json: string;
  rss: string;
  events: string;
};

function urlsAt(base: string): DisplayUrls {
  return {
    overlay: `${base}/overlay`,
    transparentOverlay: `${base}/overlay?transparent=1`,
    json: `${base}/feed.json`,
    rss: `${base}/feed.rss`,
    events: `${base}/events`,
  };
}

/** A display's feed URLs: by token always; by id too when the display is public. */
export function displayUrls(
  publicUrl: string,
  display: DisplayRow,
): { token: DisplayUrls; public: DisplayUrls | null } {
  return {
    token: urlsAt(`${publicUrl}/display/${display.token}`),
    public: display.isPublic ? urlsAt(`${publicUrl}/display/public/${display.id}`) : null,
  };
}

/** Create or edit a display; re-rendered in place (htmx, 422) with the error at its field. */
export function DisplayForm(props: {
  csrfToken: string;
  channels: ChannelSummary[];
  displayId: number | null;
  values?: DisplayFormValues;
  errors?: Record<string, string>;
}) {
  const values = props.values ?? { name: '', channelIds: [], isPublic: false };
  const action = props.displayId === null ? '/displays' : `/displays/${props.displayId}`;
  return (
    <form
      class="display-form"
      method="post"
      action={action}
      hx-post={action}
      hx-target="this"
      hx-swap="outerHTML"
    >
      <CsrfField token={props.csrfToken} />
      <label>
        Name
        <input name="name" required maxlength={100} value={values.name} />
        <FieldError errors={props.errors} field="name" />
      </label>
      <fieldset>
        <legend>Channels to show</legend>
        {props.channels.length === 0 ? (
          <p class="muted">No channels yet: they appear with their first message.</p>
        ) : null}
        {props.channels.map((ch) => (
          <label class="check">
            <input
              type="checkbox"
              name="channel"
              value={String(ch.id)}
              checked={values.channelIds.includes(ch.id)}
            />
            <UserText text={channelDisplayName(ch)} />
            {` (${ch.sourceName}, ${ch.mode}-moderated)`}
          </label>
        ))}
        <FieldError errors={props.errors} field="channelIds" />
      </fieldset>
      <label class="check">
        <input type="checkbox" name="public" checked={values.isPublic} />
        Public: also reachable by its number, without the token
      </label>
      <FieldError errors={props.errors} field="isPublic" />
      <button type="submit">{props.displayId === null ? 'Create display' : 'Save'}</button>
    </form>
  );
}

/** Every display with its channels, and the form that creates one. */
export function DisplaysPageView(props: { displays: DisplaySummary[]; form: Child }) {
  return (
    <section class="displays-page" data-page="displays">
      <h1>Displays</h1>
      <p class="muted">
        A display shows the visible messages of its channels (approved and highlighted ones in
        pre-moderated channels; all but rejected ones otherwise) as an overlay for a streaming tool,
        JSON and RSS. Its token opens that feed and nothing else.
      </p>
      {props.displays.length === 0 ? <p class="empty">No displays yet.</p> : null}
      <table class="messages">
        <thead>
          <tr>
            <th>Name</th>
            <th>Channels</th>
            <th>Access</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {props.displays.map((d) => (
            <tr>
              <td data-label="Name">
                <a href={`/displays/${d.id}`}>{d.name}</a>
              </td>
              <td data-label="Channels">
                {d.channels.map((ch, i) => (
                  <>
                    {i === 0 ? '' : ', '}
                    <UserText text={ch.name} />
                  </>
                ))}
              </td>
              <td data-label="Access">{d.isPublic ? 'public' : 'token'}</td>
              <td data-label="Created">
                <When at={d.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>New display</h2>
      {props.form}
    </section>
  );
}

function UrlList(props: { urls: DisplayUrls; label: string; prefix: string }) {
  const rows: [string, string, string][] = [
    ['overlay', 'Overlay (browser source)', props.urls.overlay],
    ['transparent', 'Overlay, transparent background', props.urls.transparentOverlay],
    ['json', 'JSON', props.urls.json],
    ['rss', 'RSS 2.0', props.urls.rss],
    ['events', 'Live events (SSE)', props.urls.events],
  ];
  return (
    <div class="display-urls">
      <h3>{props.label}</h3>
      {rows.map(([id, name, url]) => (
        <CopyField id={`${props.prefix}-${id}`} label={name} value={url} />
      ))}
    </div>
  );
}

/** One display: its URLs to copy, its settings, a new token, deletion. */
export function DisplayPageView(props: {
  display: DisplaySummary;
  urls: ReturnType<typeof displayUrls>;
  csrfToken: string;
  channels: ChannelSummary[];
  /** What the last change did (from the redirect's `done`). */
  notice?: Notice;
}) {
  const d = props.display;
  return (
    <section class="displays-page" data-page="display">
      <p>
        <a href="/displays">← Displays</a>
      </p>
      <h1>{d.name}</h1>
      <NoticeLine notice={props.notice} />
      <p class="muted">
        {d.tokenRotatedAt === null ? (
          'Token never rotated.'
        ) : (
          <>
            Token rotated <When at={d.tokenRotatedAt} />.
          </>
        )}{' '}
        Anyone with these URLs sees this feed: keep the token ones private.
      </p>
      <UrlList urls={props.urls.token} label="With the token" prefix="token" />
      {props.urls.public === null ? null : (
        <UrlList urls={props.urls.public} label="Public (by number, no token)" prefix="public" />
      )}
      <form method="post" action={`/displays/${d.id}/rotate`}>
        <CsrfField token={props.csrfToken} />
        <button type="submit">New token (old URLs stop working)</button>
      </form>
      <h2>Settings</h2>
      <DisplayForm
        csrfToken={props.csrfToken}
        channels={props.channels}
        displayId={d.id}
        values={{ name: d.name, channelIds: d.channels.map((c) => c.id), isPublic: d.isPublic }}
      />
      <form method="post" action={`/displays/${d.id}/delete`}>
        <CsrfField token={props.csrfToken} />
        <button type="submit" class="danger">
          Delete this display
        </button>
      </form>
      {/* Runs the copy buttons of the URL fields (CopyField). */}
      <script src="/static/sources.js" defer></script>
    </section>
  );
}
