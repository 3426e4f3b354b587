import type { Child } from 'hono/jsx';
import { channelDisplayName, channelNameHidesId } from '../src/channels/channel-name.ts';
import type { ChannelSettings, ChannelSummary } from '../src/channels/list-channels.ts';
import type { BlockedPatternSummary } from '../src/premod/list-blocked-patterns.ts';
import { CsrfField } from './components/csrf-field.tsx';
import { ExportLinks } from './components/export-links.tsx';
import { linkWith } from './components/list-controls.tsx';
import { notice, noticeText, type Notice } from './components/notice.tsx';
import { When } from './components/when.tsx';
import { UserText } from './components/user-text.tsx';
import { FieldError } from './components/field-error.tsx';
import { actorName } from './components/actor-name.ts';

/** What the form holds: a label as typed, numbers possibly NaN when not whole numbers. */
export type ChannelFormValues = Omit<ChannelSettings, 'label'> & { label: string };

const NAMES = { show: 'shown', short: 'shortened (Ada L.)', hide: 'hidden' } as const;

/** Every channel with its mode and fast lanes; each links to its settings. */
export function ChannelsPageView(props: { channels: ChannelSummary[] }) {
  return (
    <section class="channels-page" data-page="channels">
      <h1>Channels</h1>
      <p class="muted">
        Channels appear with their first message. Post-moderated: messages show on displays unless
        rejected. Pre-moderated: every message waits for approval and shows nowhere until then.
      </p>
      {props.channels.length === 0 ? <p class="empty">No channels yet.</p> : null}
      <table class="messages">
        <thead>
          <tr>
            <th>Channel</th>
            <th>Source</th>
            <th>Mode</th>
            <th>Waiting</th>
            <th>Fast lanes</th>
            <th>Screen names</th>
            <th>Last message</th>
          </tr>
        </thead>
        <tbody>
          {props.channels.map((ch) => (
            <tr data-channel-id={String(ch.id)}>
              <td data-label="Channel">
                <a href={`/channels/${ch.id}`}>
                  <UserText text={channelDisplayName(ch)} />
                </a>
                {channelNameHidesId(ch) ? (
                  <div class="muted">
                    <UserText text={ch.externalId} />
                  </div>
                ) : null}
              </td>
              <td data-label="Source">{ch.sourceName}</td>
              <td data-label="Mode" class={`mode ${ch.mode}`}>
                {ch.mode === 'pre' ? 'pre-moderated' : 'post'}
              </td>
              <td data-label="Waiting">{ch.pending}</td>
              <td data-label="Fast lanes" class={ch.mode === 'pre' ? undefined : 'muted'}>
                {ch.mode === 'pre' ? null : '(in pre mode) '}
                {[
                  ch.approveTrusted ? 'trusted approved' : null,
                  ch.rejectBlocked ? 'blocked rejected' : null,
                  ch.emojiRepeatSeconds > 0 ? `emoji repeats ${ch.emojiRepeatSeconds} s` : null,
                  `similar ≤ ${ch.similarDistance}`,
                ]
                  .filter((v) => v !== null)
                  .join(', ')}
              </td>
              <td data-label="Screen names">{NAMES[ch.screenNames]}</td>
              <td data-label="Last message">
                <When at={ch.lastSeenAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * A channel's settings form; admins save it (htmx swaps it in place, with 422 and every field's
 * error beside the field), others see it disabled.
 */
export function ChannelSettingsForm(props: {
  channel: ChannelSummary;
  csrfToken: string;
  canEdit: boolean;
  values?: ChannelFormValues | undefined;
  errors?: Record<string, string>;
  saved?: boolean;
}) {
  const ch = props.channel;
  const v: ChannelFormValues = props.values ?? { ...ch, label: ch.label ?? '' };
  const errors = props.errors ?? {};
  const action = `/channels/${ch.id}`;
  const number = (n: number) => (Number.isNaN(n) ? '' : String(n));
  return (
    <form
      class="channel-form"
      method="post"
      action={action}
      hx-post={action}
      hx-target="this"
      hx-swap="outerHTML"
    >
      <CsrfField token={props.csrfToken} />
      {props.saved ? (
        <p class="flash" role="status">
          {noticeText(notice('channel-saved'))}
        </p>
      ) : null}
      <fieldset disabled={!props.canEdit}>
        <label>
          Label
          <input name="label" maxlength={100} value={v.label} />
          <FieldError errors={errors} field="label" />
        </label>
        <label>
          Mode
          <select name="mode">
            <option value="post" selected={v.mode === 'post'}>
              post: show unless rejected
            </option>
            <option value="pre" selected={v.mode === 'pre'}>
              pre: show only once approved
            </option>
          </select>
          <FieldError errors={errors} field="mode" />
        </label>
        <label class="check">
          <input type="checkbox" name="approveTrusted" checked={v.approveTrusted} />
          Approve trusted senders' messages on arrival (pre-moderated channels)
        </label>
        <label class="check">
          <input type="checkbox" name="rejectBlocked" checked={v.rejectBlocked} />
          Reject blocked senders' messages on arrival (pre-moderated channels)
        </label>
        <label>
          Similar distance k (0–5 edits, for "reject similar" and "block similar")
          <input
            name="similarDistance"
            type="number"
            min="0"
            max="5"
            step="1"
            value={number(v.similarDistance)}
          />
          <FieldError errors={errors} field="similarDistance" />
        </label>
        <label>
          Approve a repeated emoji-only message within this many seconds (0 = off, at most 3600)
          <input
            name="emojiRepeatSeconds"
            type="number"
            min="0"
            max="3600"
            step="1"
            value={number(v.emojiRepeatSeconds)}
          />
          <FieldError errors={errors} field="emojiRepeatSeconds" />
        </label>
        <label>
          Screen names on displays
          <select name="screenNames">
            {(['show', 'short', 'hide'] as const).map((m) => (
              <option value={m} selected={v.screenNames === m}>
                {NAMES[m]}
              </option>
            ))}
          </select>
          <FieldError errors={errors} field="screenNames" />
        </label>
        {props.canEdit ? <button type="submit">Save</button> : null}
      </fieldset>
    </form>
  );
}

/** A channel page's heading; a saved label swaps it out of band (the form answers with it). */
export function ChannelHeading(props: { channel: ChannelSummary; oob?: boolean }) {
  return (
    <h1 id="channel-heading" hx-swap-oob={props.oob ? 'true' : undefined}>
      <UserText text={channelDisplayName(props.channel)} />
    </h1>
  );
}

/** One channel: where it comes from and its settings. */
export function ChannelPageView(props: {
  channel: ChannelSummary;
  csrfToken: string;
  canEdit: boolean;
  /** What the last change did (from the redirect's `done`): shown beside what it changed. */
  notice?: Notice;
  /** The form to show instead (with its errors). */
  form?: Child;
  patterns: BlockedPatternSummary[];
  /** Moderators and admins may lift a blocked pattern. */
  canLift: boolean;
}) {
  const ch = props.channel;
  const done = props.notice?.key;
  return (
    <section class="channels-page" data-page="channel">
      <p>
        <a href="/channels">← Channels</a>
      </p>
      <ChannelHeading channel={ch} />
      <p class="muted">
        {`${ch.sourceName} · `}
        <UserText text={ch.externalId} />
        {` · ${ch.pending} waiting for approval`}
      </p>
      <p class="channel-links">
        <a href={linkWith('/messages', '', { channel: ch.externalId, source: ch.sourceId })}>
          Timeline
        </a>{' '}
        <ExportLinks
          query={`?${new URLSearchParams({ channel: ch.externalId, source: ch.sourceId })}`}
        />
      </p>
      {props.form ?? (
        <ChannelSettingsForm
          channel={ch}
          csrfToken={props.csrfToken}
          canEdit={props.canEdit}
          saved={done === 'channel-saved'}
        />
      )}
      <BlockedPatterns
        channelId={ch.id}
        patterns={props.patterns}
        canLift={props.canLift}
        csrfToken={props.csrfToken}
        lifted={done === 'pattern-lifted'}
      />
    </section>
  );
}

/** "Block similar" patterns that reject look-alikes on arrival here, each with a way to lift it. */
function BlockedPatterns(props: {
  channelId: number;
  patterns: BlockedPatternSummary[];
  canLift: boolean;
  csrfToken: string;
  lifted: boolean;
}) {
  return (
    <section class="blocked-patterns">
      <h2>Blocked patterns</h2>
      {props.lifted ? (
        <p class="done" role="status">
          {noticeText(notice('pattern-lifted'))}
        </p>
      ) : null}
      {props.patterns.length === 0 ? (
        <p class="muted">
          None. "Block similar" on a message adds one: its look-alikes are then rejected on arrival.
        </p>
      ) : (
        <table class="messages">
          <thead>
            <tr>
              <th>Text (normalized)</th>
              <th>Edits allowed</th>
              <th>Where</th>
              <th>By</th>
              <th>Since</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {props.patterns.map((p) => (
              <tr>
                <td data-label="Text (normalized)">
                  {p.messageId === null ? (
                    <UserText text={p.normalizedText} />
                  ) : (
                    <a href={`/messages/${p.messageId}`}>
                      <UserText text={p.normalizedText} />
                    </a>
                  )}
                </td>
                <td data-label="Edits allowed">{p.maxDistance}</td>
                <td data-label="Where">
                  {p.channelId === null ? 'every channel' : 'this channel'}
                </td>
                <td data-label="By">{actorName(p.actor)}</td>
                <td data-label="Since">
                  <When at={p.createdAt} />
                </td>
                <td data-label="">
                  {props.canLift ? (
                    <form
                      method="post"
                      action={`/channels/${props.channelId}/blocked-patterns/${p.id}/lift`}
                    >
                      <CsrfField token={props.csrfToken} />
                      <button type="submit">Lift</button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
