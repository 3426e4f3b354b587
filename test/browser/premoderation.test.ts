import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { PASSWORD, seedAccount } from '../helpers/accounts.ts';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { startServerProcess, stopProcess, type ServerProcess } from '../helpers/server-process.ts';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from '../helpers/browser.ts';
import { seedPremodDisplay } from '../helpers/premod-display.ts';

// Debian's Chromium driven by playwright-core, as in test/browser/dashboard.test.ts.
const SECRET = 'browser-test-secret-0123456789';
const HOSTILE = '<img src=x onerror=alert(1)>';

// Runs in the page: the test's TypeScript has no DOM library.
type InPage = {
  getComputedStyle: (el: unknown) => Record<string, string>;
  document: { body: unknown };
};

describe.skipIf(!chromiumAvailable)('pre-moderation and the overlay in a real browser', () => {
  let dir: string;
  let server: ServerProcess;
  let browser: Browser;
  let sourceId: string;
  let databasePath: string;
  let token: string;
  let nextMessage = 1;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modhook-browser-premod-'));
    databasePath = join(dir, 'modhook.db');
    const db = openDb(databasePath);
    migrateDb(db);
    ({ sourceId, token } = seedPremodDisplay(db, { secret: SECRET, screenNames: 'short' }));
    await seedAccount({ db, deps: { now: Date.now } as never }, { username: 'ana' });
    db.$client.close();
    server = await startServerProcess({ DATABASE_PATH: databasePath });
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopProcess(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A signed delivery as Eventyay sends it; returns the stored message's id. */
  async function deliver(overrides: Record<string, unknown>): Promise<number> {
    const externalId = nextMessage++;
    const body = eventyayJson(
      textPayload({ message_id: externalId, timestamp: new Date().toISOString(), ...overrides }),
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
    const db = new Database(databasePath, { readonly: true });
    try {
      const row = db
        .prepare('SELECT id, moderation_state AS state FROM messages WHERE external_id = ?')
        .get(String(externalId)) as { id: number; state: string };
      expect(row.state).toBe('unreviewed');
      return row.id;
    } finally {
      db.close();
    }
  }

  async function signIn(username: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/`);
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('h1:has-text("Review queue")');
    return page;
  }

  /** The overlay as a streaming tool opens it: its own browser context, no cookies. */
  async function openOverlay(): Promise<{
    page: Page;
    dialogs: string[];
    cookies: () => Promise<unknown[]>;
  }> {
    const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const res = await page.goto(`${server.url}/display/${token}/overlay`);
    expect(res?.status()).toBe(200);
    return { page, dialogs, cookies: () => context.cookies() };
  }

  /** Waits for the queue to show `text`, then decides its row with a key press. */
  async function decideWithKey(queue: Page, text: string, key: 'a' | 'h') {
    const row = queue.locator('.queue-row:not([data-decided])', { hasText: text });
    await row.waitFor({ timeout: 5000 });
    await queue.keyboard.press('j');
    await queue.keyboard.press('k');
    await expect(row.getAttribute('class')).resolves.toContain('selected');
    const decided = queue.waitForResponse((r) => r.url().endsWith('/decision'));
    await queue.keyboard.press(key);
    // 200 from htmx; 303 when a live list refresh replaced the row at that instant and the form
    // went without htmx (the decision is stored either way, and the page reloads).
    expect([200, 303]).toContain((await decided).status());
  }

  it('shows only approved messages, live; highlights; removes a rejected one; hostile text stays text', async () => {
    const overlay = await openOverlay();
    const queue = await signIn('ana');
    const items = overlay.page.locator('#feed li.item');

    // Pending: in the queue, nowhere on the overlay.
    const first = await deliver({ message: 'When is the next talk?', screen_name: 'Ada Lovelace' });
    await queue
      .locator('.queue-row', { hasText: 'When is the next talk?' })
      .waitFor({ timeout: 5000 });
    await overlay.page.waitForTimeout(800);
    expect(await items.count()).toBe(0);

    // Approved with the keyboard: appears without a reload.
    await decideWithKey(queue, 'When is the next talk?', 'a');
    const approved = items.filter({ hasText: 'When is the next talk?' });
    await approved.waitFor({ timeout: 3000 });
    await expect(approved.locator('.name').textContent()).resolves.toBe('Ada L.');
    await expect(approved.getAttribute('class')).resolves.not.toContain('highlighted');

    // Highlighted: styled apart, on top (newest first).
    await deliver({ message: 'Best question of the day', screen_name: 'Grace Hopper' });
    await decideWithKey(queue, 'Best question of the day', 'h');
    const highlighted = items.filter({ hasText: 'Best question of the day' });
    await highlighted.waitFor({ timeout: 3000 });
    await expect(highlighted.getAttribute('class')).resolves.toContain('highlighted');
    const [plainColour, highColour] = await Promise.all(
      [approved, highlighted].map((l) =>
        l.evaluate((el) => (globalThis as unknown as InPage).getComputedStyle(el).borderLeftColor),
      ),
    );
    expect(highColour).not.toBe(plainColour);
    await expect(items.first().textContent()).resolves.toContain('Best question of the day');

    // A hostile message approved by mistake renders as text.
    await deliver({ message: HOSTILE, screen_name: '<b>Bob</b> X' });
    await decideWithKey(queue, 'onerror', 'a');
    const hostile = items.filter({ hasText: 'onerror' });
    await hostile.waitFor({ timeout: 3000 });
    await expect(hostile.locator('.text').textContent()).resolves.toBe(HOSTILE);
    await expect(hostile.locator('.name').textContent()).resolves.toBe('<b>Bob</b> X.');
    expect(await overlay.page.locator('img').count()).toBe(0);
    expect(await overlay.page.locator('#feed b').count()).toBe(0);
    await overlay.page.waitForTimeout(600); // the arrival animation
    await overlay.page.screenshot({ path: join(SCREENSHOTS, 'overlay.png') });

    // Rejected after approval (from the item view): leaves the overlay without a reload.
    await queue.goto(`${server.url}/messages/${first}`);
    const rejected = queue.waitForResponse((r) => r.url().endsWith('/decision'));
    await queue.locator('form.decide button.verdict.reject').first().click();
    await rejected;
    await expect
      .poll(() => items.filter({ hasText: 'When is the next talk?' }).count(), { timeout: 3000 })
      .toBe(0);
    expect(await items.count()).toBe(2);

    expect(overlay.dialogs).toEqual([]);
    expect(await overlay.cookies()).toEqual([]);
    await overlay.page.screenshot({ path: join(SCREENSHOTS, 'overlay-after-reject.png') });
    await Promise.all([overlay.page.context().close(), queue.context().close()]);
  }, 60_000);

  it('draws on a transparent background when asked', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/display/${token}/overlay?transparent=1`);
    const background = await page.evaluate(() => {
      const w = globalThis as unknown as InPage;
      return w.getComputedStyle(w.document.body).backgroundColor;
    });
    expect(background).toBe('rgba(0, 0, 0, 0)');
    await context.close();
  }, 30_000);
});
