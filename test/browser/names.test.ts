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

const SECRET = 'browser-test-secret-0123456789';
const ROOM = '1cb5a93b-3075-4c1e-9d2a-5b7f0e6c8a11';
const SIZES = { wide: { width: 1366, height: 768 }, narrow: { width: 390, height: 844 } };

describe.skipIf(!chromiumAvailable)('names instead of ids, in a real browser', () => {
  let dir: string;
  let server: ServerProcess;
  let browser: Browser;
  let sourceId: string;
  let databasePath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modhook-names-'));
    databasePath = join(dir, 'modhook.db');
    const db = openDb(databasePath);
    migrateDb(db);
    const deps = { db, now: Date.now };
    sourceId = addSource(deps, { kind: 'eventyay', name: 'Main hall', secret: SECRET }, 'test').id;
    addSource(deps, { kind: 'eventyay', name: 'Side stage', secret: SECRET }, 'test');
    await seedAccount(
      { db, deps: { now: Date.now } as never },
      { username: 'root', role: 'admin' },
    );
    await seedAccount({ db, deps: { now: Date.now } as never }, { username: 'bea' });
    db.$client.close();
    server = await startServerProcess({ DATABASE_PATH: databasePath });
    browser = await launchChromium();
    const now = Date.now();
    for (const [i, message] of [
      'hello everyone',
      'mail me at x@example.org',
      'see you',
    ].entries()) {
      const body = eventyayJson(
        textPayload({
          message_id: i + 1,
          message,
          channel: i === 2 ? 'c0ffee00-0000-4000-8000-000000000002' : ROOM,
          timestamp: new Date(now - (3 - i) * 60_000).toISOString(),
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
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopProcess(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(size: keyof typeof SIZES = 'wide'): Promise<Page> {
    const context = await browser.newContext({ viewport: SIZES[size] });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.fill('input[name="username"]', 'root');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('h1:has-text("Review queue")');
    return page;
  }

  const count = (sql: string) => {
    const db = new Database(databasePath, { readonly: true });
    try {
      return (db.prepare(sql).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('renames a channel: the heading follows at once, and /messages names it', async () => {
    const page = await signIn();
    await page.goto(`${server.url}/channels`);
    await page.click(`a:has-text("Channel ${ROOM.slice(0, 8)}")`);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Channel ${ROOM.slice(0, 8)}`);
    await page.fill('input[name="label"]', 'Keynote room');
    await page.click('.channel-form button[type="submit"]');
    await page.waitForSelector('h1:has-text("Keynote room")', { timeout: 10_000 });
    await page.goto(`${server.url}/messages`);
    const channelCell = page
      .locator('tbody tr', { hasText: 'hello everyone' })
      .locator('td')
      .nth(3);
    await expect(channelCell.textContent()).resolves.toContain('Keynote room');
    await expect(page.locator('body').textContent()).resolves.not.toContain(`>${ROOM}<`);
    // Pick the channel by its name; the choice lands in the URL.
    await page.selectOption('select[name="channel"]', { label: 'Keynote room (Main hall)' });
    await page.fill('input[name="since"]', new Date().toISOString().slice(0, 10));
    await Promise.all([page.waitForURL(/channel=/), page.click('.filters button[type="submit"]')]);
    expect(new URL(page.url()).searchParams.get('channel')).toBe(ROOM);
    await expect(page.locator('h1').textContent()).resolves.toBe('Channel timeline: Keynote room');
    await expect(page.locator('tbody tr').count()).resolves.toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'messages-wide.png'), fullPage: true });
    await page.context().close();
    const narrow = await signIn('narrow');
    await narrow.goto(`${server.url}/messages`);
    await narrow.screenshot({ path: join(SCREENSHOTS, 'messages-narrow.png'), fullPage: true });
    await narrow.context().close();
  }, 60_000);

  it('shows a password link once after a redirect; a reload makes no second one', async () => {
    const page = await signIn();
    await page.goto(`${server.url}/accounts`);
    const row = page.locator('tr', { hasText: 'bea' });
    await Promise.all([
      page.waitForURL(`${server.url}/accounts`),
      row.locator('button:has-text("Password link")').click(),
    ]);
    const link = page.locator('input.link-field');
    await expect(link.inputValue()).resolves.toMatch(/\/reset\/[A-Za-z0-9_-]{43}$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'accounts-link.png'), fullPage: true });
    expect(count('SELECT count(*) AS n FROM password_reset_tokens')).toBe(1);
    await page.reload();
    await expect(page.locator('input.link-field').count()).resolves.toBe(0);
    expect(count('SELECT count(*) AS n FROM password_reset_tokens')).toBe(1);
    await page.context().close();
  }, 60_000);

  it('counts accepted deliveries apart from URL checks on the Sources list', async () => {
    await fetch(`${server.url}/hooks/${sourceId}?challenge=abc`);
    for (const size of ['wide', 'narrow'] as const) {
      const page = await signIn(size);
      await page.goto(`${server.url}/sources`);
      const row = page.locator('tr.source', { hasText: 'Main hall' });
      await expect(row.textContent()).resolves.toContain('1 URL check');
      await page.screenshot({ path: join(SCREENSHOTS, `sources-${size}.png`), fullPage: true });
      await page.context().close();
    }
  }, 60_000);
});
