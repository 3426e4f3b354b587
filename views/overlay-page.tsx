import type { FeedItem } from '../src/display/display-feed.ts';

export type OverlayPageProps = {
  title: string;
  items: FeedItem[];
  /** The display's event stream (its URL carries the same token or public id). */
  eventsUrl: string;
  /** Its JSON feed, read every few seconds while the server refuses the stream. */
  feedUrl: string;
  transparent: boolean;
  limit: number;
};

/**
 * One message on the overlay; views/assets/overlay.js builds the same markup for live ones.
 * Name and text are isolated (`<bdi>`): a right-to-left override in one cannot reorder the other.
 */
export function OverlayItem(props: { item: FeedItem }) {
  const { item } = props;
  return (
    <li
      class={item.highlighted ? 'item highlighted' : 'item'}
      data-id={String(item.id)}
      data-sent-at={item.sentAt}
    >
      {item.screenName === null ? null : <bdi class="name">{item.screenName}</bdi>}
      <bdi class="text">{item.text}</bdi>
    </li>
  );
}

/**
 * The page a streaming tool shows as a browser source: no dashboard frame, no links, no
 * cookies; large text, newest on top. Live changes come over SSE, or by polling the JSON feed
 * while the server refuses the stream (views/assets/overlay.js).
 */
export function OverlayPage(props: OverlayPageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        {/* No favicon request: it would reach the dashboard and be handed a cookie. */}
        <link rel="icon" href="data:," />
        <title>{props.title}</title>
        <link rel="stylesheet" href="/static/overlay.css" />
        <script type="module" src="/static/overlay.js"></script>
      </head>
      <body
        class={props.transparent ? 'overlay transparent' : 'overlay'}
        data-events={props.eventsUrl}
        data-feed={props.feedUrl}
        data-limit={String(props.limit)}
      >
        <ol id="feed" class="feed" aria-live="polite">
          {props.items.slice(0, props.limit).map((item) => (
            <OverlayItem item={item} />
          ))}
        </ol>
      </body>
    </html>
  );
}
