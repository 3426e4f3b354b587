/* global EventSource, fetch */
// The display overlay (views/overlay-page.tsx): keeps the list in step with the display, over
// its event stream, or by reading its JSON feed while the server refuses the stream (past its
// limit of open streams: 503). Chat text is hostile: it only ever goes into textContent, never
// into HTML. An ES module: the browser runs start(); tests import followFeed() alone.

/** How often the JSON feed is read while the stream is refused. */
export const POLL_MS = 5000;

/** How long the overlay polls before it tries the stream again (give or take a quarter). */
export const STREAM_RETRY_MS = 60_000;

/** EventSource.readyState once the browser has given up (a non-200 answer, e.g. 503). */
const CLOSED = 2;

/**
 * Follows a display's messages and tells `on` what changed: `items` (the whole feed, from the
 * stream's snapshot or a poll), `upsert`, `remove`, `gone` (the display no longer exists at this
 * URL; nothing more comes). While the stream works it alone is used. When the browser gives up
 * on it, the JSON feed is read every POLL_MS, and the stream is tried again after about
 * STREAM_RETRY_MS; its snapshot ends the polling. Timers, the stream and fetch are passed in.
 * Returns the function that stops everything.
 */
export function followFeed({
  eventsUrl,
  feedUrl,
  on,
  openStream,
  fetchFeed,
  setTimer = setTimeout,
  clearTimer = clearTimeout,
  random = Math.random,
}) {
  let source = null;
  let polling = false;
  let pollTimer = null;
  let retryTimer = null;
  let stopped = false;
  // Each poll's answer is used only if nothing newer (a snapshot, a later poll) came meanwhile.
  let generation = 0;

  const clear = () => {
    if (pollTimer !== null) clearTimer(pollTimer);
    if (retryTimer !== null) clearTimer(retryTimer);
    pollTimer = null;
    retryTimer = null;
  };

  const stop = () => {
    stopped = true;
    polling = false;
    clear();
    source?.close();
    source = null;
  };

  const gone = () => {
    stop();
    on.gone();
  };

  const connect = () => {
    if (stopped) return;
    const stream = openStream(eventsUrl);
    source = stream;
    const mine = (handler) => (event) => {
      if (source === stream && !stopped) handler(event);
    };
    stream.addEventListener(
      'snapshot',
      mine((event) => {
        polling = false;
        clear();
        generation += 1;
        on.items(JSON.parse(event.data).items);
      }),
    );
    stream.addEventListener(
      'upsert',
      mine((event) => on.upsert(JSON.parse(event.data))),
    );
    stream.addEventListener(
      'remove',
      mine((event) => on.remove(JSON.parse(event.data).id)),
    );
    stream.addEventListener('gone', mine(gone));
    stream.addEventListener(
      'error',
      mine(() => {
        // While connecting again after a dropped connection the browser retries by itself.
        if (stream.readyState !== CLOSED) return;
        stream.close();
        source = null;
        startPolling();
      }),
    );
  };

  const poll = async () => {
    pollTimer = null;
    const mine = ++generation;
    try {
      const res = await fetchFeed(feedUrl);
      if (stopped || !polling || mine !== generation) return;
      if (res.status === 404) return gone();
      if (res.ok) {
        const body = await res.json();
        if (stopped || !polling || mine !== generation) return;
        on.items(body.items);
      }
    } catch {
      // A network error: the next poll tries again.
    }
    if (!stopped && polling && pollTimer === null) pollTimer = setTimer(poll, POLL_MS);
  };

  function startPolling() {
    if (stopped) return;
    if (!polling) {
      polling = true;
      void poll();
    }
    if (retryTimer === null && openStream !== null) {
      const wait = STREAM_RETRY_MS * (0.75 + random() / 2);
      retryTimer = setTimer(() => {
        retryTimer = null;
        if (!stopped && source === null) connect();
      }, wait);
    }
  }

  if (openStream === null) startPolling();
  else connect();
  return stop;
}

/** Wires followFeed to the page: the list of items, EventSource and fetch. */
function start() {
  const list = document.getElementById('feed');
  const eventsUrl = document.body.dataset.events;
  const feedUrl = document.body.dataset.feed;
  const limit = Number(document.body.dataset.limit) || 10;
  if (!list || !eventsUrl || !feedUrl) return;

  /** id → item, as the server last said; the newest `limit` of them are shown. */
  const items = new Map();
  const newestFirst = (a, b) => b.sentAt.localeCompare(a.sentAt) || b.id - a.id;

  // <bdi>: a right-to-left override in a name or text cannot reorder what is around it.
  function build(item) {
    const li = document.createElement('li');
    li.dataset.id = String(item.id);
    if (item.screenName !== null) {
      const name = document.createElement('bdi');
      name.className = 'name';
      name.textContent = item.screenName;
      li.append(name);
    }
    const text = document.createElement('bdi');
    text.className = 'text';
    text.textContent = item.text;
    li.append(text);
    return li;
  }

  function style(li, item) {
    li.className = item.highlighted ? 'item highlighted' : 'item';
    li.dataset.sentAt = item.sentAt;
  }

  function leave(li) {
    if (li.classList.contains('leaving')) return;
    li.classList.add('leaving');
    delete li.dataset.id;
    const gone = () => li.remove();
    li.addEventListener('animationend', gone, { once: true });
    setTimeout(gone, 600);
  }

  /** Makes the list show the newest `limit` items in order, animating arrivals and leavers. */
  function render() {
    const shown = [...items.values()].sort(newestFirst).slice(0, limit);
    const keep = new Set(shown.map((i) => String(i.id)));
    const existing = new Map();
    for (const li of list.querySelectorAll('li[data-id]')) {
      if (keep.has(li.dataset.id)) existing.set(li.dataset.id, li);
      else leave(li);
    }
    let before = list.firstChild;
    for (const item of shown) {
      let li = existing.get(String(item.id));
      const fresh = li === undefined;
      const sameText =
        !fresh &&
        li.querySelector('.text')?.textContent === item.text &&
        (li.querySelector('.name')?.textContent ?? null) === item.screenName;
      if (!fresh && !sameText) {
        const rebuilt = build(item);
        li.replaceWith(rebuilt);
        li = rebuilt;
      }
      if (fresh) li = build(item);
      style(li, item);
      if (fresh) li.classList.add('entering');
      while (before && before.classList?.contains('leaving')) before = before.nextSibling;
      if (li !== before) list.insertBefore(li, before);
      before = li.nextSibling;
    }
  }

  // Items rendered with the page count as known until the first snapshot or poll.
  for (const li of list.querySelectorAll('li[data-id]')) {
    items.set(Number(li.dataset.id), {
      id: Number(li.dataset.id),
      text: li.querySelector('.text')?.textContent ?? '',
      screenName: li.querySelector('.name')?.textContent ?? null,
      highlighted: li.classList.contains('highlighted'),
      sentAt: li.dataset.sentAt ?? '',
    });
  }

  followFeed({
    eventsUrl,
    feedUrl,
    openStream: typeof EventSource === 'undefined' ? null : (url) => new EventSource(url),
    fetchFeed: (url) => fetch(url, { cache: 'no-store', credentials: 'omit' }),
    on: {
      items: (all) => {
        items.clear();
        for (const item of all) items.set(item.id, item);
        render();
      },
      upsert: (item) => {
        items.set(item.id, item);
        render();
      },
      remove: (id) => {
        items.delete(id);
        render();
      },
      // The display was deleted or its token rotated: this URL shows nothing any more.
      gone: () => {
        items.clear();
        render();
      },
    },
  });
}

if (typeof document !== 'undefined') start();
