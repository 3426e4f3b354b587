import { describe, expect, it, onTestFinished } from 'vitest';
import type { Config } from '../../src/config.ts';
import { setChannelSettings } from '../../src/channels/set-channel-settings.ts';
import { createDisplay } from '../../src/display/create-display.ts';
import { rotateDisplayToken } from '../../src/display/rotate-display-token.ts';
import { decideMessage, type Verdict } from '../../src/moderation/decide-message.ts';
import { auditRows } from '../helpers/accounts.ts';
import { BROWSER, postForm, signedIn } from '../helpers/dashboard.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';
import { findAll, parseXml } from '../display/parse-xml.ts';

const SECRET = eventyayFixtures.secret;
const HOSTILE = '<img src=x onerror=alert(1)>';

type FeedJson = {
  name: string;
  items: {
    id: number;
    text: string;
    screenName: string | null;
    highlighted: boolean;
    sentAt: string;
  }[];
};

/** A source with one channel (made by its first message) and a display of that channel. */
async function setup(mode: 'post' | 'pre' = 'pre', isPublic = false, config: Partial<Config> = {}) {
  const h = createHarness(config);
  const { id: sourceId } = addFixtureSource(h);
  let next = 1;
  const post = async (overrides: Record<string, unknown> = {}) => {
    const externalId = next++;
    const res = await postSigned(
      h,
      sourceId,
      textPayload({
        message_id: externalId,
        timestamp: `2026-05-01T12:${String(10 + externalId).padStart(2, '0')}:00.000000+00:00`,
        ...overrides,
      }),
      SECRET,
    );
    expect(res.status).toBe(200);
    return idOf(h, externalId);
  };
  await post({ message: 'first' });
  const channelId = (h.db.$client.prepare('SELECT id FROM channels').get() as { id: number }).id;
  setChannelSettings(h.deps, { channelId, actor: 'test', mode });
  const display = createDisplay(
    h.deps,
    { name: 'Hall screen', channelIds: [channelId], isPublic },
    'test',
  );
  return { h, post, channelId, display, base: `/display/${display.token}` };
}

const idOf = (h: Harness, externalId: number) =>
  (
    h.db.$client
      .prepare('SELECT id FROM messages WHERE external_id = ?')
      .get(String(externalId)) as {
      id: number;
    }
  ).id;

const decide = (h: Harness, messageId: number, verdict: Verdict) => {
  const basis = h.db.$client
    .prepare('SELECT decision_id AS d FROM messages WHERE id = ?')
    .get(messageId) as { d: number | null };
  decideMessage(h.deps, { messageId, verdict, basisDecisionId: basis.d }, 'test');
};

const feed = async (h: Harness, base: string) => {
  const res = await h.app.request(`${base}/feed.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as FeedJson;
};
const texts = (f: FeedJson) => f.items.map((i) => i.text);

/**
 * Reads an event stream into `seen.text` until it contains `wanted`, the stream ends or 10 s
 * pass. A read still pending at a time-out is kept for the next call, so nothing is lost.
 */
const pendingReads = new WeakMap<
  ReadableStreamDefaultReader<Uint8Array>,
  ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']>
>();
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  seen: { text: string },
  wanted: string,
) {
  const decoder = new TextDecoder();
  const deadline = Date.now() + 10_000;
  while (!seen.text.includes(wanted) && Date.now() < deadline) {
    const read = pendingReads.get(reader) ?? reader.read();
    pendingReads.set(reader, read);
    const chunk = await Promise.race([
      read,
      new Promise<null>((r) => setTimeout(() => r(null), 400)),
    ]);
    if (chunk === null) continue;
    pendingReads.delete(reader);
    if (chunk.value) seen.text += decoder.decode(chunk.value, { stream: true });
    if (chunk.done) break;
  }
  return seen.text.includes(wanted);
}

describe('what a display shows', () => {
  it('shows only approved and highlighted messages of a pre-moderated channel, newest first', async () => {
    const { h, post, base } = await setup('pre');
    const a = await post({ message: 'approved one' });
    const b = await post({ message: 'highlighted one' });
    const c = await post({ message: 'rejected one' });
    await post({ message: 'still pending' });
    decide(h, a, 'approve');
    decide(h, b, 'highlight');
    decide(h, c, 'reject');
    const f = await feed(h, base);
    expect(texts(f)).toEqual(['highlighted one', 'approved one']);
    expect(f.items.map((i) => i.highlighted)).toEqual([true, false]);
    expect(f.name).toBe('Hall screen');
  });

  it('shows every message but rejected and deleted ones of a post-moderated channel', async () => {
    const { h, post, base } = await setup('post');
    await post({ message: 'unreviewed' });
    const r = await post({ message: 'rejected' });
    decide(h, r, 'reject');
    const d = await post({ message: 'deleted' });
    h.db.$client.prepare('UPDATE messages SET deleted_at = 1 WHERE id = ?').run(d);
    expect(texts(await feed(h, base))).toEqual(['unreviewed', 'first']);
  });

  it('removes a message rejected after approval', async () => {
    const { h, post, base } = await setup('pre');
    const a = await post({ message: 'oops' });
    decide(h, a, 'approve');
    expect(texts(await feed(h, base))).toEqual(['oops']);
    decide(h, a, 'reject');
    expect(texts(await feed(h, base))).toEqual([]);
  });

  it.each([
    ['show', 'Carol Danvers'],
    ['short', 'Carol D.'],
    ['hide', null],
  ] as const)('with screen names %s shows %j', async (screenNames, expected) => {
    const { h, post, base, channelId } = await setup('post');
    await post({ message: 'hi', screen_name: 'Carol Danvers' });
    setChannelSettings(h.deps, { channelId, actor: 'test', screenNames });
    const f = await feed(h, base);
    expect(f.items[0]!.screenName).toBe(expected);
    const overlay = await (await h.app.request(`${base}/overlay`)).text();
    if (expected === null) expect(overlay).not.toContain('class="name"');
    else expect(overlay).toContain(`<bdi class="name">${expected}</bdi>`);
    if (screenNames !== 'show') expect(overlay).not.toContain('Danvers');
  });
});

describe('display formats', () => {
  it('renders hostile text as text on the overlay, in JSON and in well-formed RSS', async () => {
    const { h, post, base } = await setup('pre');
    const id = await post({ message: HOSTILE, screen_name: '<b>Bob</b>' });
    decide(h, id, 'highlight');
    const overlay = await h.app.request(`${base}/overlay?transparent=1&limit=5`);
    expect(overlay.status).toBe(200);
    const html = await overlay.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;b&gt;Bob&lt;/b&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain('class="item highlighted"');
    expect(html).toContain('class="overlay transparent"');
    expect(html).toContain(`data-events="${base}/events"`);
    expect(html).not.toMatch(/href="\/(?!static\/)/);
    expect(overlay.headers.get('content-security-policy')).toContain("script-src 'self'");

    const json = await h.app.request(`${base}/feed.json`);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json.json()).toEqual({
      name: 'Hall screen',
      items: [
        {
          id,
          text: HOSTILE,
          screenName: '<b>Bob</b>',
          highlighted: true,
          sentAt: '2026-05-01T12:12:00.000Z',
          channel: null,
        },
      ],
    });

    const rss = await h.app.request(`${base}/feed.rss`);
    expect(rss.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    const xml = await rss.text();
    expect(xml).not.toContain('<img');
    const doc = parseXml(xml);
    const [item] = findAll(doc, 'item');
    expect(findAll(item!, 'description')[0]!.text).toBe(HOSTILE);
    expect(findAll(item!, 'category')[0]!.text).toBe('highlighted');
    expect(findAll(doc, 'link')[0]!.text).toBe(`http://127.0.0.1:8787${base}/overlay`);
  });

  it('answers a bad overlay option with 422', async () => {
    const { h, base } = await setup();
    expect((await h.app.request(`${base}/overlay?limit=500`)).status).toBe(422);
    expect((await h.app.request(`${base}/overlay?transparent=yes`)).status).toBe(422);
  });
});

describe('display access', () => {
  it('needs the token unless public, and answers a wrong one with 404', async () => {
    const { h, display } = await setup('pre', false);
    const wrong = 'A'.repeat(43);
    for (const path of [
      `/display/${wrong}/feed.json`,
      `/display/${wrong}/overlay`,
      '/display/short/feed.rss',
      `/display/public/${display.id}/feed.json`,
      `/display/public/${display.id}/overlay`,
      '/display/public/x/feed.json',
      `/display/${display.id}/feed.json`,
    ]) {
      const res = await h.app.request(path, { headers: BROWSER });
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('Hall screen');
    }
  });

  it('opens a public display by its number too', async () => {
    const { h, display } = await setup('post', true);
    const f = await feed(h, `/display/public/${display.id}`);
    expect(texts(f)).toEqual(['first']);
    expect(texts(await feed(h, `/display/${display.token}`))).toEqual(['first']);
    const html = await (await h.app.request(`/display/public/${display.id}/overlay`)).text();
    expect(html).toContain(`data-events="/display/public/${display.id}/events"`);
  });

  it('stops answering a rotated token at once', async () => {
    const { h, base, display } = await setup();
    const admin = await signedIn(h, 'admin');
    const res = await postForm(
      h,
      `/displays/${display.id}/rotate`,
      { _csrf: admin.csrfToken },
      { cookie: admin.cookie },
    );
    expect(res.status).toBe(303);
    expect((await h.app.request(`${base}/feed.json`)).status).toBe(404);
    expect((await h.app.request(`${base}/overlay`)).status).toBe(404);
    const token = (h.db.$client.prepare('SELECT token FROM displays').get() as { token: string })
      .token;
    expect(token).not.toBe(display.token);
    expect((await h.app.request(`/display/${token}/feed.json`)).status).toBe(200);
    const audit = auditRows(h).find((r) => r.action === 'display.rotate')!;
    expect(audit.details_json).not.toContain(token);
    expect(audit.details_json).not.toContain(display.token);
  });

  it('sets no cookie, reads none, and the token opens nothing in the dashboard', async () => {
    const { h, base, display } = await setup();
    const moderator = await signedIn(h, 'admin');
    for (const [path, cookie] of ['overlay', 'feed.json', 'feed.rss'].flatMap((p) => [
      [p, moderator.cookie],
      [p, undefined],
    ])) {
      const res = await h.app.request(`${base}/${path}`, {
        headers: { ...BROWSER, ...(cookie === undefined ? {} : { cookie }) },
      });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = await res.text();
      expect(body).not.toContain(moderator.csrfToken);
      expect(body).not.toContain('Sign out');
    }
    const missing = await h.app.request(`/display/${'B'.repeat(43)}/overlay`, { headers: BROWSER });
    expect(missing.headers.getSetCookie()).toEqual([]);
    for (const path of ['/', `/?token=${display.token}`, '/displays', `/displays/${display.id}`]) {
      const res = await h.app.request(path, {
        headers: { ...BROWSER, authorization: `Bearer ${display.token}` },
      });
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/login/);
    }
  });

  it('refuses POSTs to display URLs', async () => {
    const { h, base } = await setup();
    const res = await h.app.request(`${base}/feed.json`, { method: 'POST' });
    expect(res.status).toBe(404);
  });
});

describe('live display events', () => {
  it('streams a snapshot, then approvals, restyles and removals, and ends on rotation', async () => {
    const { h, post, base, display } = await setup('pre');
    const a = await post({ message: 'will be approved' });
    const controller = new AbortController();
    const res = await h.app.request(`${base}/events`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.getSetCookie()).toEqual([]);
    const reader = res.body!.getReader();
    const seen = { text: '' };
    try {
      expect(await readUntil(reader, seen, 'event: snapshot')).toBe(true);
      expect(seen.text).toContain('data: {"items":[]}');
      decide(h, a, 'approve');
      expect(await readUntil(reader, seen, 'event: upsert')).toBe(true);
      expect(seen.text).toContain(
        '"text":"will be approved","screenName":"Carol","highlighted":false',
      );
      seen.text = '';
      decide(h, a, 'highlight');
      expect(await readUntil(reader, seen, '"highlighted":true')).toBe(true);
      seen.text = '';
      decide(h, a, 'reject');
      expect(await readUntil(reader, seen, 'event: remove')).toBe(true);
      expect(seen.text).toContain(`data: {"id":${a}}`);
      seen.text = '';
      const admin = await signedIn(h, 'admin');
      await postForm(
        h,
        `/displays/${display.id}/rotate`,
        { _csrf: admin.csrfToken },
        { cookie: admin.cookie },
      );
      expect(await readUntil(reader, seen, 'event: gone')).toBe(true);
    } finally {
      controller.abort();
      await reader.cancel().catch(() => undefined);
    }
  });
});

describe('the displays screens', () => {
  const create = (
    h: Harness,
    b: Awaited<ReturnType<typeof signedIn>>,
    fields: [string, string][],
  ) =>
    h.app.request('/displays', {
      method: 'POST',
      headers: {
        ...BROWSER,
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://localhost',
        cookie: b.cookie,
        'hx-request': 'true',
      },
      body: new URLSearchParams([['_csrf', b.csrfToken], ...fields]),
    });

  it('lets an admin create a display of several channels and shows its URLs', async () => {
    const { h, post, channelId } = await setup('post');
    await post({ message: 'elsewhere', channel: 'second-channel' });
    const second = (
      h.db.$client.prepare('SELECT id FROM channels WHERE id <> ?').get(channelId) as { id: number }
    ).id;
    const admin = await signedIn(h, 'admin');
    const res = await create(h, admin, [
      ['name', 'Both rooms'],
      ['channel', String(channelId)],
      ['channel', String(second)],
      ['public', 'on'],
    ]);
    expect(res.status).toBe(204);
    const target = res.headers.get('hx-redirect')!;
    expect(target).toMatch(/^\/displays\/\d+\?done=display-created$/);
    const row = h.db.$client
      .prepare("SELECT id, token, is_public AS isPublic FROM displays WHERE name = 'Both rooms'")
      .get() as { id: number; token: string; isPublic: number };
    expect(row.isPublic).toBe(1);
    const page = await (
      await h.app.request(target, { headers: { ...BROWSER, cookie: admin.cookie } })
    ).text();
    expect(page).toContain(`http://127.0.0.1:8787/display/${row.token}/overlay`);
    expect(page).toContain(`http://127.0.0.1:8787/display/public/${row.id}/feed.rss`);
    expect(page).toContain('Display created.');
    expect(texts(await feed(h, `/display/${row.token}`))).toEqual(['elsewhere', 'first']);
    const audit = auditRows(h).findLast((r) => r.action === 'display.create')!;
    expect(audit.actor).toBe('account:admin1');
    expect(audit.details_json).not.toContain(row.token);
  });

  it('answers a bad display form with 422 and the error beside its field, in place', async () => {
    const { h, channelId } = await setup();
    const admin = await signedIn(h, 'admin');
    const noChannel = await create(h, admin, [['name', 'Screen']]);
    expect(noChannel.status).toBe(422);
    const html = await noChannel.text();
    expect(html).toMatch(/^<form class="display-form"/);
    expect(html).toContain('choose at least one channel');
    expect(html).toContain('value="Screen"');
    const noName = await create(h, admin, [
      ['name', ' '],
      ['channel', String(channelId)],
    ]);
    expect(noName.status).toBe(422);
    expect(await noName.text()).toContain('name must not be empty');
    const unknown = await create(h, admin, [
      ['name', 'x'],
      ['channel', '999'],
    ]);
    expect(unknown.status).toBe(422);
    expect(h.count('displays')).toBe(1);
  });

  it('edits and deletes a display, and its URLs follow', async () => {
    const { h, base, display } = await setup();
    const admin = await signedIn(h, 'admin');
    const edit = await postForm(
      h,
      `/displays/${display.id}`,
      { _csrf: admin.csrfToken, name: 'Renamed', channel: '1', public: 'on' },
      { cookie: admin.cookie },
    );
    expect(edit.status).toBe(303);
    expect((await feed(h, `/display/public/${display.id}`)).name).toBe('Renamed');
    const del = await postForm(
      h,
      `/displays/${display.id}/delete`,
      { _csrf: admin.csrfToken },
      { cookie: admin.cookie },
    );
    expect(del.status).toBe(303);
    expect((await h.app.request(`${base}/feed.json`)).status).toBe(404);
    expect(auditRows(h).map((r) => r.action)).toEqual(
      expect.arrayContaining(['display.update', 'display.delete']),
    );
  });

  it('is for admins only: moderators and auditors get 403, visitors the sign-in page', async () => {
    const { h, display } = await setup();
    for (const role of ['moderator', 'auditor'] as const) {
      const b = await signedIn(h, role);
      const page = await h.app.request('/displays', { headers: { ...BROWSER, cookie: b.cookie } });
      expect(page.status).toBe(403);
      expect(await page.text()).not.toContain(display.token);
      for (const path of ['/displays', `/displays/${display.id}/rotate`]) {
        const res = await postForm(
          h,
          path,
          { _csrf: b.csrfToken, name: 'x', channel: '1' },
          { cookie: b.cookie },
        );
        expect(res.status, path).toBe(403);
      }
      const nav = await (
        await h.app.request('/', { headers: { ...BROWSER, cookie: b.cookie } })
      ).text();
      expect(nav).not.toContain('href="/displays"');
    }
    expect((await h.app.request('/displays', { headers: BROWSER })).status).toBe(303);
    expect(h.count('displays')).toBe(1);
    expect(auditRows(h).filter((r) => r.action === 'display.rotate')).toEqual([]);
  });
});

/** Event streams a test opens; every one still open is closed when the test ends. */
function eventStreams(h: Harness) {
  const open: (() => Promise<void>)[] = [];
  onTestFinished(async () => {
    await Promise.all(open.map((close) => close()));
  });
  const connect = async (base: string) => {
    const controller = new AbortController();
    const res = await h.app.request(`${base}/events`, { signal: controller.signal });
    const reader = res.status === 200 ? res.body!.getReader() : undefined;
    const close = async () => {
      controller.abort();
      await (reader ?? res.body)?.cancel().catch(() => undefined);
    };
    open.push(close);
    return { res, reader: reader!, seen: { text: '' }, close };
  };
  return {
    /** Opens a stream; a 200 one is read until its snapshot. */
    async open(base: string) {
      const stream = await connect(base);
      if (stream.res.status === 200) {
        expect(await readUntil(stream.reader, stream.seen, 'event: snapshot')).toBe(true);
      }
      return stream;
    },
    /** Opens a stream once a slot is free (freeing one is asynchronous), within 10 s. */
    async openOnceFree(base: string) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const stream = await this.open(base);
        if (stream.res.status !== 503 || Date.now() > deadline) return stream;
        await stream.close();
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

const refusal = async (res: Response) => {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('30');
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
};

describe('limits on open event streams', () => {
  const LIMITS = { displayStreamsPerDisplay: 2, displayStreamsTotal: 3 };

  it('refuses streams past the per-display and the total limit with 503 and Retry-After', async () => {
    const { h, base, channelId } = await setup('post', false, LIMITS);
    const lobby = createDisplay(
      h.deps,
      { name: 'Lobby', channelIds: [channelId], isPublic: true },
      'test',
    );
    const streams = eventStreams(h);
    expect((await streams.open(base)).res.status).toBe(200);
    expect((await streams.open(base)).res.status).toBe(200);
    expect(await refusal((await streams.open(base)).res)).toEqual({
      code: 'too_many_streams',
      message:
        'this display already has 2 open event streams; read feed.json instead, or try again in 30 seconds',
    });
    // The other formats still answer.
    expect((await h.app.request(`${base}/feed.json`)).status).toBe(200);
    expect((await h.app.request(`${base}/overlay`)).status).toBe(200);

    // Another display has room of its own, until the server's total is reached.
    expect((await streams.open(`/display/${lobby.token}`)).res.status).toBe(200);
    const past = await refusal((await streams.open(`/display/public/${lobby.id}`)).res);
    expect(past.message).toMatch(/^this server already has 3 open event streams/);
  });

  it('frees the slot of a stream whose client left, and of streams a rotation ended', async () => {
    const { h, base, display } = await setup('post', false, LIMITS);
    const streams = eventStreams(h);
    const first = await streams.open(base);
    const second = await streams.open(base);
    expect([first.res.status, second.res.status]).toEqual([200, 200]);
    await refusal((await streams.open(base)).res);

    // The client goes away (what the server sees when a browser source is closed).
    await first.close();
    const third = await streams.openOnceFree(base);
    expect(third.res.status).toBe(200);
    await refusal((await streams.open(base)).res);

    // A rotated token ends both open streams with `gone`: their slots are free again.
    const { token } = rotateDisplayToken(h.deps, { displayId: display.id }, 'test');
    expect(await readUntil(second.reader, second.seen, 'event: gone')).toBe(true);
    expect(await readUntil(third.reader, third.seen, 'event: gone')).toBe(true);
    const renewed = `/display/${token}`;
    expect((await streams.openOnceFree(renewed)).res.status).toBe(200);
    expect((await streams.openOnceFree(renewed)).res.status).toBe(200);
    await refusal((await streams.open(renewed)).res);
  });
});

describe('stored times out of range', () => {
  it('keeps every display output working, ordering such messages by their arrival', async () => {
    const { h, post, base } = await setup('post');
    await post({ message: 'second' }); // sent 12:12
    await post({ message: 'third' }); // sent 12:13; "first" was sent 12:11
    const bogus: [string, unknown][] = [
      ['past what a Date holds', 8.64e15 + 1],
      ['in nanoseconds', 1.7e18],
      ['negative', -1],
      ['before what a Date holds', -8.64e15 - 1],
      ['in year 9999', Date.UTC(9999, 11, 31)],
      ['in year 0000', Date.parse('0000-01-01T00:00:00Z')],
      ['infinite', Infinity],
      ['not a number', 'not a time'],
    ];
    // Received between "first" and "second": that is where they belong.
    const receivedAt = Date.UTC(2026, 4, 1, 12, 11, 30);
    const insert = h.db.$client.prepare(
      `INSERT INTO messages (source_id, external_id, channel_id, sender_id, screen_name, text,
         sent_at, received_at, delivery_id)
       SELECT source_id, ?, channel_id, sender_id, screen_name, ?, ?, ?, delivery_id
       FROM messages WHERE id = ?`,
    );
    bogus.forEach(([label, sentAt], i) => {
      insert.run(`bogus-${i}`, `sent ${label}`, sentAt, receivedAt, idOf(h, 1));
    });
    const bogusTexts = bogus.map(([label]) => `sent ${label}`).reverse();
    const expected = ['third', 'second', ...bogusTexts, 'first'];

    const f = await feed(h, base);
    expect(texts(f)).toEqual(expected);
    const sentAt = new Map(f.items.map((i) => [i.text, i.sentAt]));
    for (const text of bogusTexts) expect(sentAt.get(text)).toBe('2026-05-01T12:11:30.000Z');

    const rss = await h.app.request(`${base}/feed.rss`);
    expect(rss.status).toBe(200);
    const items = findAll(parseXml(await rss.text()), 'item');
    expect(items.map((i) => findAll(i, 'description')[0]!.text)).toEqual(expected);
    for (const item of items) {
      expect(findAll(item, 'pubDate')[0]!.text).toMatch(/^\w{3}, \d\d \w{3} 2026 /);
    }

    const overlay = await h.app.request(`${base}/overlay?limit=50`);
    expect(overlay.status).toBe(200);
    const html = await overlay.text();
    for (const text of expected) expect(html).toContain(`<bdi class="text">${text}</bdi>`);

    const streams = eventStreams(h);
    const live = await streams.open(base);
    expect(live.res.status).toBe(200);
    for (const text of expected) expect(live.seen.text).toContain(`"text":"${text}"`);
    await post({ message: 'fourth' });
    expect(await readUntil(live.reader, live.seen, '"text":"fourth"')).toBe(true);
  });

  it('pins no message on top or at the bottom with a send time of year 9999 or 0000', async () => {
    const { h, post, base } = await setup('post');
    const late = await post({ message: 'claims year 9999' });
    await post({ message: 'sent 12:13' });
    const early = await post({ message: 'claims year 0000' });
    const set = h.db.$client.prepare(
      'UPDATE messages SET sent_at = ?, received_at = ? WHERE id = ?',
    );
    set.run(Date.UTC(9999, 11, 31, 23, 59), Date.UTC(2026, 4, 1, 12, 11, 30), late);
    set.run(Date.parse('0000-01-01T00:00:00Z'), Date.UTC(2026, 4, 1, 12, 14), early);
    expect(texts(await feed(h, base))).toEqual([
      'claims year 0000',
      'sent 12:13',
      'claims year 9999',
      'first',
    ]);
  });
});

describe('right-to-left overrides on displays', () => {
  it('isolates screen names and texts, and shows them unchanged', async () => {
    const { h, post, base, channelId } = await setup('post');
    setChannelSettings(h.deps, { channelId, actor: 'test', screenNames: 'show' });
    const name = '\u202Enimda\u202C';
    const text = 'see gnp.exe\u202E here';
    await post({ message: text, screen_name: name });

    const html = await (await h.app.request(`${base}/overlay`)).text();
    expect(html).toContain(`<bdi class="name">${name}</bdi><bdi class="text">${text}</bdi>`);
    expect(html).not.toMatch(/<span class="(name|text)">/);

    // Public feeds carry the text as sent: no visible markers.
    const f = await feed(h, base);
    expect(f.items[0]).toMatchObject({ screenName: name, text });
    const rss = parseXml(await (await h.app.request(`${base}/feed.rss`)).text());
    const item = findAll(rss, 'item')[0]!;
    expect(findAll(item, 'title')[0]!.text).toBe(`\u2068${name}\u2069: \u2068${text}\u2069`);
    expect(findAll(item, 'description')[0]!.text).toBe(text);
  });
});
