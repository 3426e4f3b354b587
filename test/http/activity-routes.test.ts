import { describe, expect, it } from 'vitest';
import { dailyWindow } from '../../src/activity/activity-buckets.ts';
import { BarChart } from '../../views/components/bar-chart.tsx';
import { BROWSER, signedIn, type Browser } from '../helpers/dashboard.ts';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';

const at = (day: number, hour: number, minute = 0, second = 0, ms = 0) =>
  Date.UTC(2026, 3, day, hour, minute, second, ms); // April 2026; TEST_NOW is May 1st 12:40
const MAY1 = 31;

/** Messages, flags and decisions at exact times around the windows' edges. */
function seed(h: Harness) {
  const { id: sourceId } = addFixtureSource(h);
  const sqlite = h.db.$client;
  sqlite
    .prepare(
      "INSERT INTO channels (id, source_id, external_id, first_seen_at, last_seen_at) VALUES (1, ?, 'c', 0, 0)",
    )
    .run(sourceId);
  sqlite
    .prepare(
      "INSERT INTO deliveries (id, source_id, kind, received_at, outcome, status, latency_ms) VALUES (1, ?, 'event', 0, 'accepted', 200, 0)",
    )
    .run(sourceId);
  const message = sqlite.prepare(
    `INSERT INTO messages (source_id, external_id, channel_id, screen_name, text, sent_at, received_at, delivery_id)
     VALUES (?, ?, 1, 'someone', 'hello', ?, ?, 1)`,
  );
  const receivedAt = [
    at(MAY1, 12), // hour 23 (the current hour)
    TEST_NOW - 1, // hour 23
    at(MAY1, 12) - 1, // hour 22
    at(30, 13), // hour 0: the first hour in the window
    at(30, 13) - 1, // before the 24 h, day 28
    at(2, 0), // day 0: the first day in the window
    at(2, 0) - 1, // before the 30 days
    at(MAY1, 13), // after now: never counted
  ];
  receivedAt.forEach((t, i) => message.run(sourceId, `m${i}`, t, t));
  const flag = sqlite.prepare(
    `INSERT INTO flags (message_id, origin, severity, status, reason, actor, created_at)
     VALUES (?, 'rule', 'low', ?, 'why', 'system', ?)`,
  );
  flag.run(1, 'open', at(MAY1, 10));
  flag.run(1, 'open', at(MAY1, 11)); // same message: one open item
  flag.run(2, 'open', at(MAY1, 9, 30)); // the oldest open item
  flag.run(3, 'closed', at(MAY1, 12, 10));
  flag.run(3, 'logged', at(MAY1, 12, 20)); // a rule on trial: not counted
  const decision = sqlite.prepare(
    `INSERT INTO decisions (message_id, verdict, actor, automatic, created_at) VALUES (?, 'approve', 'account:ana', 0, ?)`,
  );
  decision.run(3, at(MAY1, 12, 5));
  decision.run(3, at(MAY1, 12, 6));
  decision.run(4, at(20, 8));
}

function page(h: Harness, b?: Browser) {
  return h.app.request('/activity', {
    headers: { ...BROWSER, ...(b ? { cookie: b.cookie } : {}) },
  });
}

/** The counts of one chart's bars, in order. */
function bars(html: string, chartId: string): number[] {
  const start = html.indexOf(`<figure class="chart" id="${chartId}">`);
  expect(start, chartId).toBeGreaterThanOrEqual(0);
  const figure = html.slice(start, html.indexOf('</figure>', start));
  return [...figure.matchAll(/<rect [^>]*data-count="(\d+)"/g)].map((m) => Number(m[1]));
}

const only = (length: number, set: Record<number, number>) =>
  Array.from({ length }, (_, i) => set[i] ?? 0);

describe('GET /activity', () => {
  it('counts messages, flags and decisions per hour and per day at the windows’ edges', async () => {
    const h = createHarness();
    seed(h);
    const b = await signedIn(h, 'moderator');
    const res = await page(h, b);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(bars(html, 'hourly-messages')).toEqual(only(24, { 0: 1, 22: 1, 23: 2 }));
    expect(bars(html, 'daily-messages')).toEqual(only(30, { 0: 1, 28: 2, 29: 3 }));
    expect(bars(html, 'hourly-flags')).toEqual(only(24, { 20: 1, 21: 1, 22: 1, 23: 1 }));
    expect(bars(html, 'daily-flags')).toEqual(only(30, { 29: 4 }));
    expect(bars(html, 'hourly-decisions')).toEqual(only(24, { 23: 2 }));
    expect(bars(html, 'daily-decisions')).toEqual(only(30, { 18: 1, 29: 2 }));
  });

  it('counts the running hour again on every view, and moves the windows with the clock', async () => {
    const h = createHarness();
    seed(h);
    const b = await signedIn(h, 'moderator');
    expect(bars(await (await page(h, b)).text(), 'hourly-messages')[23]).toBe(2);
    h.db.$client
      .prepare(
        `INSERT INTO messages (source_id, external_id, channel_id, screen_name, text, sent_at, received_at, delivery_id)
         SELECT source_id, 'late', 1, 'x', 'y', ?, ?, 1 FROM messages LIMIT 1`,
      )
      .run(TEST_NOW, TEST_NOW);
    h.advance(1000);
    expect(bars(await (await page(h, b)).text(), 'hourly-messages')[23]).toBe(3);
    h.advance(60 * 60_000); // 13:40: the seeded 13:00 message has arrived; 04-30 13:00 is out
    const later = await (await page(h, b)).text();
    expect(bars(later, 'hourly-messages')).toEqual(only(24, { 21: 1, 22: 3, 23: 1 }));
    expect(bars(later, 'daily-messages')).toEqual(only(30, { 0: 1, 28: 2, 29: 5 }));
  });

  it('shows the open-queue depth and how long the oldest open item has waited', async () => {
    const h = createHarness();
    seed(h);
    const html = await (await page(h, await signedIn(h, 'auditor'))).text();
    expect(html).toContain('data-open-items="2"');
    expect(html).toContain('waiting 3 h (since <time datetime="2026-05-01T09:30:00.000Z">');
  });

  it('says the queue is empty when nothing is open', async () => {
    const h = createHarness();
    const html = await (await page(h, await signedIn(h, 'admin'))).text();
    expect(html).toContain('data-open-items="0"');
    expect(html).toContain('none: the queue is empty');
    expect(html).toContain('No messages.');
  });

  it('draws accessible inline SVG without inline style or script', async () => {
    const h = createHarness();
    seed(h);
    const html = await (await page(h, await signedIn(h, 'moderator'))).text();
    expect(html.match(/<svg /g)).toHaveLength(6);
    expect(html).toContain(
      '<svg class="bar-chart series-messages" viewBox="0 0 600 170" role="img" aria-labelledby="hourly-messages-title hourly-messages-desc">',
    );
    expect(html).toContain('<title id="hourly-messages-title">Messages received, per hour</title>');
    expect(html).toContain(
      '<desc id="hourly-messages-desc">4 messages in all; the most, 2, in 2026-05-01 12:00–13:00 UTC.</desc>',
    );
    expect(html).toContain('<title>2026-04-30 13:00–14:00 UTC: 1 messages</title>');
    expect(html).not.toMatch(/style=/);
    expect(html.match(/<script/g)).toHaveLength(3); // the layout's three static scripts only
    expect(html).toContain('<a href="/activity">Activity</a>');
  });

  it('is for every signed-in role, and sends a visitor to sign in', async () => {
    const h = createHarness();
    for (const role of ['admin', 'moderator', 'auditor'] as const) {
      expect((await page(h, await signedIn(h, role))).status).toBe(200);
    }
    const res = await page(h);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Factivity');
  });
});

describe('BarChart', () => {
  it('escapes its text', () => {
    const html = BarChart({
      id: 'x',
      title: '<script>alert(1)</script>',
      window: dailyWindow(TEST_NOW),
      values: new Array<number>(30).fill(1),
      unit: '"units" & <more>',
      labelEvery: 7,
      series: 'series-messages',
    }).toString();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;units&quot; &amp; &lt;more&gt;');
  });
});
