import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { PASSWORD, seedAccount } from '../helpers/accounts.ts';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { startServerProcess, stopProcess, type ServerProcess } from '../helpers/server-process.ts';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from '../helpers/browser.ts';

// The queue and the item view as laid out: dense at 1366×768, usable by touch at 390 px wide,
// and hostile text (long words, stacked combining marks, right-to-left names) never breaking it.
const SECRET = 'browser-test-secret-0123456789';
const ZALGO = `z${'\u0301\u0316\u0337\u0489'.repeat(40)}algo`;

describe.skipIf(!chromiumAvailable)('the queue layout in a real browser', () => {
  let dir: string;
  let server: ServerProcess;
  let browser: Browser;
  let sourceId: string;
  let databasePath: string;
  let firstId = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modhook-browser-layout-'));
    databasePath = join(dir, 'modhook.db');
    const db = openDb(databasePath);
    migrateDb(db);
    const deps = { db, now: Date.now };
    sourceId = addSource(deps, { kind: 'eventyay', name: 'Main hall', secret: SECRET }, 'test').id;
    await seedAccount(
      { db, deps: { now: Date.now } as never },
      { username: 'ana', role: 'moderator' },
    );
    db.$client.close();
    server = await startServerProcess({ DATABASE_PATH: databasePath });
    browser = await launchChromium();
    const texts = [
      `Write to me at first@example.org ${'a'.repeat(300)}`,
      `${ZALGO} mail zalgo@example.org`,
      `A long message about the talk, the slides and the questions afterwards, which goes on and on so that it needs several lines on any screen; write to long@example.org for the recording, or ask at the desk. ${'More words here. '.repeat(20)}`,
      ...Array.from({ length: 17 }, (_, i) => `Question ${i + 1}: contact me at q${i}@example.org`),
    ];
    for (const [i, message] of texts.entries()) {
      const body = eventyayJson(
        textPayload({
          message_id: i + 1,
          message,
          sender_id: `s${i}`,
          screen_name: i === 1 ? 'مستخدم‮evil' : `Person ${i + 1}`,
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
    }
    const read = new Database(databasePath, { readonly: true });
    firstId = (
      read.prepare("SELECT id FROM messages WHERE external_id = '1'").get() as { id: number }
    ).id;
    read.close();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopProcess(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.fill('input[name="username"]', 'ana');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('.queue-row');
    return page;
  }

  const scrollWidth = (page: Page) =>
    page.evaluate('document.documentElement.scrollWidth') as Promise<number>;

  it('shows a dense queue at 1366×768', async () => {
    const page = await signIn({ width: 1366, height: 768 });
    await page.screenshot({ path: join(SCREENSHOTS, 'queue-1366.png') });
    // Rows, not cards: with the list scrolled to the top, a dozen rows fit whole.
    const visible = (await page.evaluate(
      `document.querySelector('.queue-list').scrollIntoView({ behavior: 'instant' });
       [...document.querySelectorAll('.queue-row')].filter((r) => {
         const box = r.getBoundingClientRect();
         return box.top >= 0 && box.bottom <= innerHeight;
       }).length`,
    )) as number;
    expect(visible).toBeGreaterThanOrEqual(12);
    // A long text is cut short with "show more", which shows it whole.
    const first = page.locator('.queue-row').first();
    const cut = await first.locator('.text').evaluate((e) => e.clientHeight);
    await first.locator('button.show-more').click();
    const whole = await first.locator('.text').evaluate((e) => e.clientHeight);
    expect(whole).toBeGreaterThan(cut);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(1366);
    await page.goto(`${server.url}/messages/${firstId}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'item-1366.png'), fullPage: true });
    expect(await page.evaluate('window.scrollY')).toBe(0);
    // The sender panel sits beside the message, not below it.
    const [main, sender] = await Promise.all([
      page.locator('.item-main').boundingBox(),
      page.locator('.sender-panel').boundingBox(),
    ]);
    expect(sender!.x).toBeGreaterThan(main!.x + main!.width - 1);
    expect(sender!.y).toBeLessThan(main!.y + 200);
    await page.context().close();
  }, 60_000);

  it('fits the queue and the item view in 390 px with touch-sized decision buttons', async () => {
    const page = await signIn({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOTS, 'queue-390.png') });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    const heights = await page
      .locator('.queue-row button.verdict')
      .evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().height));
    expect(heights.length).toBeGreaterThan(0);
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(44);
    // Stacked combining marks stay inside their own row.
    const zalgo = page.locator('.queue-row', { hasText: 'zalgo@example.org' });
    const [rowBox, textBox] = await Promise.all([
      zalgo.boundingBox(),
      zalgo.locator('.text').boundingBox(),
    ]);
    expect(textBox!.y).toBeGreaterThanOrEqual(rowBox!.y);
    expect(textBox!.y + textBox!.height).toBeLessThanOrEqual(rowBox!.y + rowBox!.height);

    await page.goto(`${server.url}/messages/${firstId}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'item-390.png'), fullPage: true });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    expect(await page.evaluate('window.scrollY')).toBe(0);
    await page.context().close();
  }, 60_000);
});
