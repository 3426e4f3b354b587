// Types of views/assets/overlay.js for its tests (the browser runs the plain script).
import type { FeedItem } from '../../src/display/display-feed.ts';

export const POLL_MS: number;
export const STREAM_RETRY_MS: number;

/** What followFeed needs of an EventSource. */
export type FeedStream = {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: { data: string }) => void): void;
  close(): void;
};

/** What followFeed needs of a fetch answer. */
export type FeedAnswer = { status: number; ok: boolean; json(): Promise<{ items: FeedItem[] }> };

export function followFeed<Timer>(options: {
  eventsUrl: string;
  feedUrl: string;
  on: {
    items: (items: FeedItem[]) => void;
    upsert: (item: FeedItem) => void;
    remove: (id: number) => void;
    gone: () => void;
  };
  openStream: ((url: string) => FeedStream) | null;
  fetchFeed: (url: string) => Promise<FeedAnswer>;
  setTimer?: (run: () => void, ms: number) => Timer;
  clearTimer?: (timer: Timer) => void;
  random?: () => number;
}): () => void;
