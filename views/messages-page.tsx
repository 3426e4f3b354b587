import type {
  MessageFilterChoices,
  MessageListFilters,
  MessageListRow,
} from '../src/messages/list-messages.ts';
import { MESSAGE_STATES } from '../src/messages/list-messages.ts';
import { countOf } from './components/count-of.ts';
import { ExportLinks } from './components/export-links.tsx';
import { NewerOlderPager } from './components/list-controls.tsx';
import { isoTime, When } from './components/when.tsx';
import { UserText } from './components/user-text.tsx';

const dateOf = (ms: number | undefined) =>
  ms === undefined ? '' : (isoTime(ms)?.slice(0, 10) ?? '');

/**
 * Every message, searchable; with a channel filter, that channel's timeline. The filters are a
 * GET form, so their state is the URL (bookmarkable, and what "Export CSV" exports).
 */
export function MessageListView(props: {
  rows: MessageListRow[];
  filters: MessageListFilters;
  choices: MessageFilterChoices;
  page: number;
  hasMore: boolean;
  query: string;
}) {
  const f = props.filters;
  const channel = props.choices.channels.find((c) => c.externalId === f.channel);
  const manySources = props.choices.sources.length > 1;
  return (
    <section class="messages-page" data-page="messages">
      <p>
        <a href="/">← Queue</a>
      </p>
      <h1>
        {f.channel === undefined ? (
          'All messages'
        ) : (
          <>
            Channel timeline: <UserText text={channel?.name ?? f.channel} />
          </>
        )}
      </h1>
      <form class="filters" method="get" action="/messages">
        <label>
          Text <input type="search" name="q" value={f.q ?? ''} placeholder="Search text" />
        </label>
        <label>
          Sender <input type="text" name="sender" value={f.sender ?? ''} placeholder="Name or id" />
        </label>
        <label>
          Channel{' '}
          <select name="channel">
            <option value="" selected={f.channel === undefined}>
              All channels
            </option>
            {props.choices.channels.map((c) => (
              <option value={c.externalId} selected={c.externalId === f.channel}>
                {manySources ? `${c.name} (${c.sourceName})` : c.name}
              </option>
            ))}
            {f.channel !== undefined && channel === undefined ? (
              <option value={f.channel} selected>
                {f.channel}
              </option>
            ) : null}
          </select>
        </label>
        {manySources || f.sourceId !== undefined ? (
          <label>
            Source{' '}
            <select name="source">
              <option value="" selected={f.sourceId === undefined}>
                All sources
              </option>
              {props.choices.sources.map((s) => (
                <option value={s.id} selected={s.id === f.sourceId}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          State{' '}
          <select name="state">
            {['', ...MESSAGE_STATES].map((s) => (
              <option value={s} selected={(f.state ?? '') === s}>
                {s === '' ? 'Any state' : s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sent from <input type="date" name="since" value={dateOf(f.since)} />
        </label>
        <label>
          to{' '}
          <input
            type="date"
            name="until"
            value={dateOf(f.until === undefined ? undefined : f.until - 1)}
          />
        </label>
        <button type="submit">Filter</button>
        {props.query === '' ? null : <a href="/messages">Clear filters</a>}
        <ExportLinks query={props.query} />
      </form>
      {props.rows.length === 0 ? <p class="empty">No messages match.</p> : null}
      <table class="messages">
        <thead>
          <tr>
            <th>Sent</th>
            <th>Sender</th>
            <th>Message</th>
            <th>Channel</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td data-label="Sent">
                <When at={r.sentAt} />
              </td>
              <td data-label="Sender" class="screen-name">
                <UserText text={r.screenName} />
              </td>
              <td data-label="Message">
                <a href={`/messages/${r.id}`} class="chat-text">
                  <UserText text={r.text || '(empty message)'} />
                </a>
              </td>
              <td data-label="Channel">
                <a
                  href={`/messages?channel=${encodeURIComponent(r.channelExternalId)}`}
                  title={r.channelExternalId}
                >
                  <UserText text={r.channelName} />
                </a>
                {manySources ? (
                  <div class="muted">
                    <UserText text={r.sourceName} />
                  </div>
                ) : null}
              </td>
              <td data-label="State">
                {r.state}
                {r.openFlags > 0 ? ` · ${countOf(r.openFlags, 'open flag')}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <NewerOlderPager
        path="/messages"
        query={props.query}
        page={props.page}
        hasMore={props.hasMore}
      />
    </section>
  );
}
