import { describe, expect, it } from 'vitest';
import type { FeedItem } from '../../src/display/display-feed.ts';
import {
  followFeed,
  POLL_MS,
  STREAM_RETRY_MS,
  type FeedAnswer,
  type FeedStream,
} from '../../views/assets/overlay.js';

const OPEN = 1;
const CONNECTING = 0;
const CLOSED = 2;

const item = (id: number, text = `message ${id}`): FeedItem => ({
  id,
  text,
  screenName: null,
  highlighted: false,
  sentAt: '2026-05-01T12:00:00.000Z',
  channel: null,
});

/** An EventSource stand-in the test drives. */
class FakeStream implements FeedStream {
  readyState = CONNECTING;
  closed = false;
  private listeners = new Map<string, ((event: { data: string }) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: { data: string }) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = CLOSED;
  }
  emit(type: string, data: unknown = {}) {
    if (type !== 'error') this.readyState = OPEN;
    for (const l of this.listeners.get(type) ?? []) l({ data: JSON.stringify(data) });
  }
  /** The browser's answer to a 503 (or any non-200): the stream is closed for good. */
  refuse() {
    this.readyState = CLOSED;
    this.emit('error');
  }
}

/** Timers on a clock the test moves. */
function fakeClock() {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    setTimer: (run: () => void, ms: number) => {
      const id = next++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimer: (id: number) => void timers.delete(id),
    pending: () => timers.size,
    /** Moves the clock by `ms`, running due timers in order, with their promises settled. */
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at);
        if (due.length === 0) break;
        const [id, timer] = due[0]!;
        timers.delete(id);
        now = timer.at;
        timer.run();
        await settle();
      }
      now = end;
      await settle();
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

function harness(answer: (url: string) => Promise<FeedAnswer>) {
  const clock = fakeClock();
  const streams: FakeStream[] = [];
  const fetched: string[] = [];
  const seen: { items: FeedItem[][]; upserts: FeedItem[]; removed: number[]; gone: number } = {
    items: [],
    upserts: [],
    removed: [],
    gone: 0,
  };
  const stop = followFeed({
    eventsUrl: '/display/t/events',
    feedUrl: '/display/t/feed.json',
    on: {
      items: (items) => seen.items.push(items),
      upsert: (i) => seen.upserts.push(i),
      remove: (id) => seen.removed.push(id),
      gone: () => (seen.gone += 1),
    },
    openStream: (url) => {
      const s = new FakeStream(url);
      streams.push(s);
      return s;
    },
    fetchFeed: (url) => {
      fetched.push(url);
      return answer(url);
    },
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    random: () => 0.5,
  });
  return { clock, streams, fetched, seen, stop, last: () => streams.at(-1)! };
}

const feedAnswer = (items: FeedItem[]): FeedAnswer => ({
  status: 200,
  ok: true,
  json: async () => ({ items }),
});

describe('the overlay following its display', () => {
  it('uses the event stream alone while it works', async () => {
    const t = harness(async () => feedAnswer([]));
    expect(t.streams.map((s) => s.url)).toEqual(['/display/t/events']);
    t.last().emit('snapshot', { items: [item(1)] });
    t.last().emit('upsert', item(2));
    t.last().emit('remove', { id: 1 });
    // A dropped connection: the browser reconnects by itself; no polling.
    t.last().readyState = CONNECTING;
    t.last().emit('error');
    await t.clock.advance(10 * STREAM_RETRY_MS);
    expect(t.seen).toEqual({ items: [[item(1)]], upserts: [item(2)], removed: [1], gone: 0 });
    expect(t.fetched).toEqual([]);
    expect(t.streams).toHaveLength(1);
    t.stop();
  });

  it('polls the JSON feed while the stream is refused, and goes back to the stream later', async () => {
    let items = [item(1)];
    const t = harness(async () => feedAnswer(items));
    t.last().refuse();
    await t.clock.advance(0);
    expect(t.last().closed).toBe(true);
    expect(t.fetched).toEqual(['/display/t/feed.json']);
    expect(t.seen.items).toEqual([[item(1)]]);

    // A message approved meanwhile shows at the next poll.
    items = [item(2), item(1)];
    await t.clock.advance(POLL_MS);
    expect(t.fetched).toHaveLength(2);
    expect(t.seen.items.at(-1)).toEqual([item(2), item(1)]);

    // Still refused at the first retry (after 60 s, given random() = 0.5): polling goes on.
    await t.clock.advance(STREAM_RETRY_MS - POLL_MS);
    expect(t.streams).toHaveLength(2);
    t.last().refuse();
    const polls = t.fetched.length;
    await t.clock.advance(POLL_MS);
    expect(t.fetched.length).toBe(polls + 1);

    // Accepted at the next retry: its snapshot ends the polling.
    await t.clock.advance(STREAM_RETRY_MS - POLL_MS);
    expect(t.streams).toHaveLength(3);
    t.last().emit('snapshot', { items: [item(3)] });
    const before = t.fetched.length;
    await t.clock.advance(10 * STREAM_RETRY_MS);
    expect(t.fetched.length).toBe(before);
    expect(t.streams).toHaveLength(3);
    expect(t.clock.pending()).toBe(0);
    expect(t.seen.items.at(-1)).toEqual([item(3)]);
    t.last().emit('upsert', item(4));
    expect(t.seen.upserts).toEqual([item(4)]);
    t.stop();
  });

  it('drops a poll answer that arrives after the stream came back', async () => {
    let release: (a: FeedAnswer) => void = () => {};
    const t = harness(() => new Promise((r) => (release = r)));
    t.last().refuse();
    await t.clock.advance(STREAM_RETRY_MS * 1.5);
    // The first poll is still waiting when the stream's snapshot arrives.
    t.last().emit('snapshot', { items: [item(2)] });
    release(feedAnswer([item(1)]));
    await t.clock.advance(0);
    expect(t.seen.items).toEqual([[item(2)]]);
    t.stop();
  });

  it('keeps polling through network errors', async () => {
    let fail = true;
    const t = harness(async () => {
      if (fail) throw new Error('offline');
      return feedAnswer([item(1)]);
    });
    t.last().refuse();
    await t.clock.advance(POLL_MS);
    expect(t.seen.items).toEqual([]);
    fail = false;
    await t.clock.advance(POLL_MS);
    expect(t.seen.items).toEqual([[item(1)]]);
    t.stop();
  });

  it('stops at `gone` or a 404 from the feed, and empties the overlay', async () => {
    const streamed = harness(async () => feedAnswer([]));
    streamed.last().emit('snapshot', { items: [item(1)] });
    streamed.last().emit('gone');
    expect(streamed.seen.gone).toBe(1);
    expect(streamed.last().closed).toBe(true);
    await streamed.clock.advance(10 * STREAM_RETRY_MS);
    expect(streamed.streams).toHaveLength(1);

    const polled = harness(async () => ({
      status: 404,
      ok: false,
      json: async () => ({ items: [] }),
    }));
    polled.last().refuse();
    await polled.clock.advance(0);
    expect(polled.seen.gone).toBe(1);
    expect(polled.clock.pending()).toBe(0);
    await polled.clock.advance(10 * STREAM_RETRY_MS);
    expect(polled.fetched).toHaveLength(1);
    expect(polled.streams).toHaveLength(1);
  });
});
