import type { MessageFilters, MessageRow } from '../src/moderation/browse-messages.ts';
import { NewerOlderPager } from './components/list-controls.tsx';
import { ExportLinks } from './components/export-links.tsx';
import { When } from './components/when.tsx';
import { UserText } from './components/user-text.tsx';

/** Every message, searchable; with a channel filter, that channel's timeline. */
export function MessagesPageView(props: {
  rows: MessageRow[];
  filters: MessageFilters;
  page: number;
  hasMore: boolean;
  query: string;
}) {
  const f = props.filters;
  return (
    <section class="messages-page" data-page="messages">
      <p>
        <a href="/">← Queue</a>
      </p>
      <h1>{f.channel ? 'Channel timeline' : 'All messages'}</h1>
      <form class="filters" method="get" action="/messages">
        <input
          type="search"
          name="q"
          value={f.q ?? ''}
          placeholder="Search text"
          aria-label="Search text"
        />
        <input
          type="text"
          name="sender"
          value={f.sender ?? ''}
          placeholder="Sender"
          aria-label="Sender"
        />
        <input
          type="text"
          name="channel"
          value={f.channel ?? ''}
          placeholder="Channel id"
          aria-label="Channel"
        />
        <select name="state" aria-label="State">
          {['', 'unreviewed', 'approved', 'highlighted', 'rejected'].map((s) => (
            <option value={s} selected={(f.state ?? '') === s}>
              {s === '' ? 'Any state' : s}
            </option>
          ))}
        </select>
        <button type="submit">Filter</button>
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
                <a href={`/messages?channel=${encodeURIComponent(r.channelExternalId)}`}>
                  <UserText text={r.channelExternalId} />
                </a>
              </td>
              <td data-label="State">
                {r.state}
                {r.openFlags > 0 ? ` · ${r.openFlags} open flags` : ''}
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
