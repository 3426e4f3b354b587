import { describe, expect, it } from 'vitest';
import { isSessionLive } from '../../src/auth/find-session.ts';
import { setAccountDisabled } from '../../src/auth/set-account-disabled.ts';
import { SESSION_IDLE_MS } from '../../src/auth/session-policy.ts';
import { EVENTS_SESSION_CHECK_MS } from '../../src/http/review-events.ts';
import { postForm, signedIn, type Browser } from '../helpers/dashboard.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';

/** Far above EVENTS_SESSION_CHECK_MS, far below the 20 s a stream used to ping. */
const BOUND_MS = 10_000;

type Stream = {
  /** Resolves true once the server ended the stream, false if it is still open after `ms`. */
  endsWithin: (ms: number) => Promise<boolean>;
  received: () => string;
  close: () => Promise<void>;
};

async function openEvents(h: Harness, b: Browser): Promise<Stream> {
  const controller = new AbortController();
  const res = await h.app.request('/events', {
    headers: { cookie: b.cookie, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ended = false;
  // One read loop for the stream's life; `endsWithin` only waits on it.
  const done = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    ended = true;
  })();
  return {
    endsWithin: async (ms) => {
      await Promise.race([done, new Promise((r) => setTimeout(r, ms))]);
      return ended;
    },
    received: () => text,
    close: async () => {
      controller.abort();
      await reader.cancel().catch(() => undefined);
    },
  };
}

async function waitForPing(stream: Stream) {
  const deadline = Date.now() + BOUND_MS;
  while (!stream.received().includes('event: ping') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(stream.received()).toContain('event: ping');
}

describe('GET /events ends with its session', () => {
  it('checks the session every few seconds', () => {
    expect(EVENTS_SESSION_CHECK_MS).toBeLessThanOrEqual(5_000);
  });

  it('ends the stream of a browser that signs out, and only that one', async () => {
    const h = createHarness();
    const ana = await signedIn(h, 'moderator', 'ana');
    const bob = await signedIn(h, 'moderator', 'bob');
    const [anas, bobs] = [await openEvents(h, ana), await openEvents(h, bob)];
    await waitForPing(anas);
    const started = Date.now();
    const out = await postForm(h, '/logout', { _csrf: ana.csrfToken }, { cookie: ana.cookie });
    expect(out.status).toBe(303);
    expect(await anas.endsWithin(BOUND_MS)).toBe(true);
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
    expect(await bobs.endsWithin(0)).toBe(false);
    await bobs.close();
  });

  it('ends the stream of an account that is disabled (here by the CLI)', async () => {
    const h = createHarness();
    const ana = await signedIn(h, 'moderator', 'ana');
    const stream = await openEvents(h, ana);
    await waitForPing(stream);
    setAccountDisabled(h.deps, { username: 'ana', disabled: true }, 'cli');
    expect(await stream.endsWithin(BOUND_MS)).toBe(true);
  });

  it('ends the stream when its session expires', async () => {
    const h = createHarness();
    const ana = await signedIn(h, 'moderator', 'ana');
    const stream = await openEvents(h, ana);
    await waitForPing(stream);
    h.advance(SESSION_IDLE_MS);
    expect(await stream.endsWithin(BOUND_MS)).toBe(true);
  });

  it('asks whether the session lives without marking it as seen, so a stream alone does not keep it', async () => {
    const h = createHarness();
    const ana = await signedIn(h, 'moderator', 'ana');
    const token = ana.cookie.split('=')[1]!;
    const lastSeen = () => h.count('sessions', `last_seen_at = ${h.deps.now()}`);
    h.advance(SESSION_IDLE_MS - 1);
    expect(isSessionLive(h.deps, token)).toBe(true);
    expect(lastSeen()).toBe(0);
    h.advance(1);
    expect(isSessionLive(h.deps, token)).toBe(false);
    expect(isSessionLive(h.deps, '')).toBe(false);
  });

  it('refuses to open a stream without a live session', async () => {
    const h = createHarness();
    const ana = await signedIn(h, 'moderator', 'ana');
    setAccountDisabled(h.deps, { username: 'ana', disabled: true }, 'cli');
    const res = await h.app.request('/events', {
      headers: { cookie: ana.cookie, accept: 'text/event-stream' },
    });
    expect(res.status).toBe(401);
  });
});
