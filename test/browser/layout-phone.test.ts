import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { PASSWORD, seedAccount } from '../helpers/accounts.ts';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from '../helpers/browser.ts';
import { CHANNEL, eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { seedPremodDisplay } from '../helpers/premod-display.ts';
import { startServerProcess, stopProcess, type ServerProcess } from '../helpers/server-process.ts';

const SECRET = 'browser-test-secret-0123456789';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
const TABLET = { width: 820, height: 1180 };
/** One unbroken word of 5,000 characters, and text stacked with combining marks (zalgo). */
const LONG_WORD = `${'W'.repeat(4_990)}-end-of-it`;
const ZALGO = 'H̸̡̪̯ͨ͊̽̅̾̎Ȩ̬̩̾͛ͪ̈́̀́͘ ̶̧̨̱̹̭̯ͧ̾ͬC̷̙̲̝͖ͭ̏ͥͮ͟Oͮ͏̮̪̝͍M̲̖͊̒ͪͩͬ̚̚͜Ȇ̴̟̟͙̞ͩ͌͝S̨̥̫͎̭ͯ̿̔̀ͅ'.repeat(8);

describe.skipIf(!chromiumAvailable)('every page on a phone and a wide screen', () => {
  let dir: string;
  let server: ServerProcess;
  let browser: Browser;
  let sourceId: string;
  let channelId: number;
  let fresh: ServerProcess;
  let setupLink: string;
  let ids: { message: number; rule: number; display: number };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modhook-browser-layout-'));
    const databasePath = join(dir, 'modhook.db');
    const db = openDb(databasePath);
    migrateDb(db);
    const seeded = seedPremodDisplay(db, { secret: SECRET, screenNames: 'show' });
    sourceId = seeded.sourceId;
    channelId = seeded.channelId;
    await seedAccount(
      { db, deps: { now: Date.now } as never },
      { username: 'root', role: 'admin' },
    );
    await seedAccount(
      { db, deps: { now: Date.now } as never },
      { username: LONG_WORD.slice(0, 60), role: 'moderator' },
    );
    db.$client.close();
    server = await startServerProcess({ DATABASE_PATH: databasePath });
    const texts = [
      'buy cheap spam now at http://spam.example.org',
      LONG_WORD,
      ZALGO,
      `mail me at someone@example.org ${LONG_WORD.slice(0, 300)}`,
      'hello all',
    ];
    for (const [i, message] of texts.entries()) {
      const body = eventyayJson(
        textPayload({
          message_id: i + 1,
          message,
          screen_name: i === 2 ? ZALGO.slice(0, 60) : i === 1 ? LONG_WORD.slice(0, 120) : 'Carol',
          channel: CHANNEL,
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
    const read = openDb(databasePath);
    try {
      const one = (sql: string) => (read.$client.prepare(sql).get() as { id: number }).id;
      ids = {
        message: one("SELECT id FROM messages WHERE external_id = '2'"),
        rule: one('SELECT id FROM rules ORDER BY id LIMIT 1'),
        display: one('SELECT id FROM displays ORDER BY id LIMIT 1'),
      };
    } finally {
      read.$client.close();
    }
    // A second server on an empty database prints the first-admin link (the setup page is
    // reachable only while no account exists).
    fresh = await startServerProcess({ DATABASE_PATH: join(dir, 'fresh.db') });
    const link = /\/setup\?token=[\w-]+/;
    for (let waited = 0; !link.test(fresh.output()) && waited < 20_000; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const printed = link.exec(fresh.output());
    expect(printed, fresh.output()).not.toBeNull();
    setupLink = `${fresh.url}${printed![0]}`;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopProcess(server.child);
    if (fresh) await stopProcess(fresh.child);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A browser context at `viewport`, signed in as the admin, collecting console errors. */
  async function signedIn(viewport: typeof PHONE): Promise<{
    context: BrowserContext;
    page: Page;
    errors: string[];
  }> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
    });
    await page.goto(`${server.url}/login`);
    await page.fill('input[name="username"]', 'root');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-page="queue"], .queue-page', { timeout: 10_000 });
    return { context, page, errors };
  }

  const pages = () => [
    ['queue', '/'],
    ['messages', '/messages'],
    ['message', `/messages/${ids.message}`],
    ['audit', '/audit'],
    ['rules', '/rules'],
    ['rule', `/rules/${ids.rule}`],
    ['rule-new', '/rules/new'],
    ['sources', '/sources'],
    ['source', `/sources/${sourceId}`],
    ['channels', '/channels'],
    ['channel', `/channels/${channelId}`],
    ['displays', '/displays'],
    ['display', `/displays/${ids.display}`],
    ['activity', '/activity'],
    ['accounts', '/accounts'],
  ];

  const widthOf = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as WidthProbe).document.documentElement.scrollWidth);

  it('fits every page into 390 px without sideways scrolling', async () => {
    const { context, page, errors } = await signedIn(PHONE);
    const tooWide: string[] = [];
    for (const [name, path] of pages()) {
      const res = await page.goto(`${server.url}${path}`);
      expect(res?.status(), path).toBe(200);
      await page.screenshot({ path: join(SCREENSHOTS, `layout-390-${name}.png`), fullPage: true });
      const width = await widthOf(page);
      if (width > PHONE.width) tooWide.push(`${path}: ${width}px`);
    }
    // The menu: closed, a toggle; opened, the links one under the other, still 390 px wide.
    await page.goto(`${server.url}/audit`);
    const nav = page.locator('.site-nav');
    expect(await nav.isVisible()).toBe(false);
    await page.click('.site-menu > summary');
    expect(await nav.isVisible()).toBe(true);
    expect(await page.locator('.site-nav[data-current="/audit"]').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'layout-390-menu-open.png') });
    if ((await widthOf(page)) > PHONE.width) tooWide.push('menu open');
    await context.close();

    // Signed out: the sign-in page and the first-admin page.
    const anonymous = await browser.newContext({ viewport: PHONE });
    const visitor = await anonymous.newPage();
    visitor.on('console', (m) => {
      // The refused setup link's 404 is logged as a failed load; nothing else may be.
      if (m.type() === 'error' && !visitor.url().includes('token=used')) {
        errors.push(`${visitor.url()}: ${m.text()}`);
      }
    });
    for (const [name, url] of [
      ['login', `${server.url}/login`],
      ['setup', setupLink],
      // An unknown setup link is refused with an error page.
      ['setup-refused', `${server.url}/setup?token=used`],
    ] as const) {
      const res = await visitor.goto(url);
      if (name === 'setup-refused') expect(res?.status(), url).toBe(404);
      else expect(res?.status(), url).toBe(200);
      await visitor.screenshot({
        path: join(SCREENSHOTS, `layout-390-${name}.png`),
        fullPage: true,
      });
      const width = await widthOf(visitor);
      if (width > PHONE.width) tooWide.push(`${name}: ${width}px`);
      if (name === 'setup') {
        expect(await visitor.locator('.next-steps a[href="/sources"]').count()).toBe(1);
      }
    }
    await anonymous.close();

    expect(tooWide).toEqual([]);
    // No CSP refusal, no missing file (the favicon included) on any page.
    expect(errors).toEqual([]);
  }, 120_000);

  it('shows the navigation in a row on a wide screen, fits a tablet, and the favicon answers', async () => {
    const { context, page, errors } = await signedIn(DESKTOP);
    expect(await page.locator('.site-nav').isVisible()).toBe(true);
    expect(await page.locator('.site-menu > summary').isVisible()).toBe(false);
    for (const [name, path] of pages().filter(([n]) =>
      ['queue', 'messages', 'audit', 'rules', 'source', 'accounts', 'activity'].includes(n!),
    )) {
      await page.goto(`${server.url}${path}`);
      await page.screenshot({ path: join(SCREENSHOTS, `layout-1366-${name}.png`), fullPage: true });
      expect(await widthOf(page), path).toBeLessThanOrEqual(DESKTOP.width);
    }
    // A tablet: wide tables still stack into cards below 62rem rather than overflow.
    await page.setViewportSize(TABLET);
    for (const [, path] of pages().filter(([n]) =>
      ['sources', 'source', 'rules', 'channels', 'accounts', 'audit'].includes(n!),
    )) {
      await page.goto(`${server.url}${path}`);
      expect(await widthOf(page), `${path} at ${TABLET.width}px`).toBeLessThanOrEqual(TABLET.width);
    }
    const icon = await page.request.get(`${server.url}/favicon.ico`);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toContain('image/svg+xml');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});

type WidthProbe = { document: { documentElement: { scrollWidth: number } } };
