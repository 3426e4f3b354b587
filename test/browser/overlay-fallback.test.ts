import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { decideMessage } from '../../src/moderation/decide-message.ts';
import { POLL_MS, STREAM_RETRY_MS } from '../../views/assets/overlay.js';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { startServerProcess, stopProcess, type ServerProcess } from '../helpers/server-process.ts';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from '../helpers/browser.ts';
import { seedPremodDisplay } from '../helpers/premod-display.ts';

// Debian's Chromium driven by playwright-core, as in test/browser/premoderation.test.ts.
const SECRET = 'browser-test-secret-0123456789';

describe.skipIf(!chromiumAvailable)('the overlay when the server refuses its stream', () => {
  let dir: string;
  let db: Db;
  let server: ServerProcess;
  let browser: Browser;
  let sourceId: string;
  let token: string;
  let nextMessage = 1;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modhook-browser-overlay-'));
    const databasePath = join(dir, 'modhook.db');
    db = openDb(databasePath);
    migrateDb(db);
    ({ sourceId, token } = seedPremodDisplay(db, { secret: SECRET, screenNames: 'show' }));
    // One stream per display: a second viewer is refused.
    server = await startServerProcess({
      DATABASE_PATH: databasePath,
      DISPLAY_STREAMS_PER_DISPLAY: '1',
    });
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopProcess(server.child);
    db?.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Delivers a message as Eventyay does and approves it, as a moderator would. */
  async function approved(message: string, screenName: string): Promise<void> {
    const externalId = nextMessage++;
    const body = eventyayJson(
      textPayload({
        message_id: externalId,
        message,
        screen_name: screenName,
        timestamp: new Date().toISOString(),
      }),
    );
    const res = await fetch(`${server.url}/hooks/${sourceId}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Eventyay-Signature': eventyaySignature(body, SECRET),
      },
      body,
    });
    expect(res.status).toBe(200);
    const { id } = db.$client
      .prepare('SELECT id FROM messages WHERE external_id = ?')
      .get(String(externalId)) as { id: number };
    decideMessage(
      { db, now: Date.now },
      { messageId: id, verdict: 'approve', basisDecisionId: null },
      'test',
    );
  }

  /** Holds the display's one stream slot, as another viewer would, until released. */
  async function holdStream(): Promise<() => Promise<void>> {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/display/${token}/events`, {
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let seen = '';
    const deadline = Date.now() + 10_000;
    while (!seen.includes('event: snapshot') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    expect(seen).toContain('event: snapshot');
    return async () => {
      controller.abort();
      await reader.cancel().catch(() => undefined);
    };
  }

  /** Moves the page's clock in steps until `check` holds (within 20 s of real time). */
  async function runUntil(page: Page, stepMs: number, check: () => boolean | Promise<boolean>) {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not reached');
      await page.clock.runFor(stepMs);
      await page.waitForTimeout(100);
    }
  }

  it('polls feed.json while refused, shows new approvals, and returns to the stream', async () => {
    const release = await holdStream();
    const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('503')) problems.push(m.text());
    });
    const answers: { path: string; status: number }[] = [];
    page.on('response', (r: Response) => {
      const path = new URL(r.url()).pathname;
      if (path.endsWith('/events') || path.endsWith('/feed.json')) {
        answers.push({ path: path.split('/').at(-1)!, status: r.status() });
      }
    });
    let feedRequests = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.endsWith('/feed.json')) feedRequests += 1;
    });
    const count = (path: string, status: number) =>
      answers.filter((a) => a.path === path && a.status === status).length;

    await page.clock.install();
    const res = await page.goto(`${server.url}/display/${token}/overlay`);
    expect(res?.status()).toBe(200);
    await expect.poll(() => count('events', 503), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => count('feed.json', 200), { timeout: 10_000 }).toBeGreaterThan(0);

    // Approved while the overlay polls: it appears at a later poll.
    const name = '\u202Enimda\u202C';
    await approved('Arrived by polling', name);
    const items = page.locator('#feed li.item');
    const polled = items.filter({ hasText: 'Arrived by polling' });
    await runUntil(page, POLL_MS, async () => (await polled.count()) === 1);
    // Name and text are isolated elements holding the text as sent.
    await expect(polled.locator('bdi.name').textContent()).resolves.toBe(name);
    await expect(polled.locator('bdi.text').textContent()).resolves.toBe('Arrived by polling');
    await page.screenshot({ path: join(SCREENSHOTS, 'overlay-polling.png') });

    // The other viewer leaves; at its next retry the overlay takes the stream again.
    await release();
    await runUntil(page, STREAM_RETRY_MS / 4, () => count('events', 200) === 1);
    // Its snapshot ends the polling: from here on, changes come over the stream alone.
    await page.waitForTimeout(1000);
    const polls = feedRequests;
    await approved('Arrived by stream', 'Grace Hopper');
    await items.filter({ hasText: 'Arrived by stream' }).waitFor({ timeout: 10_000 });
    await page.clock.runFor(3 * POLL_MS);
    await page.waitForTimeout(300);
    expect(feedRequests).toBe(polls);
    await expect(items.first().textContent()).resolves.toContain('Arrived by stream');

    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);
});
