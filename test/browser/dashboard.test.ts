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

describe.skipIf(!chromiumAvailable)('the dashboard in a real browser', () => {
  let dir: string;
  let server: ServerProcess;
  let browser: Browser;
  let sourceId: string;
  let databasePath: string;
  let nextMessage = 1;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modhook-browser-'));
    databasePath = join(dir, 'modhook.db');
    const db = openDb(databasePath);
    migrateDb(db);
    const deps = { db, now: Date.now };
    sourceId = addSource(deps, { kind: 'eventyay', name: 'Main hall', secret: SECRET }, 'test').id;
    for (const username of ['ana', 'ben']) {
      await seedAccount({ db, deps: { now: Date.now } as never }, { username, role: 'moderator' });
    }
    db.$client.close();
    server = await startServerProcess({ DATABASE_PATH: databasePath });
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopProcess(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A signed delivery as Eventyay sends it; returns the message id used. */
  async function deliver(overrides: Record<string, unknown>): Promise<number> {
    const messageId = nextMessage++;
    const body = eventyayJson(textPayload({ message_id: messageId, ...overrides }));
    const res = await fetch(`${server.url}/hooks/${sourceId}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Eventyay-Signature': eventyaySignature(body, SECRET),
      },
      body,
    });
    expect(res.status).toBe(200);
    return messageId;
  }

  function stateOf(externalId: number): string {
    const db = new Database(databasePath, { readonly: true });
    try {
      const row = db
        .prepare('SELECT moderation_state FROM messages WHERE external_id = ?')
        .get(String(externalId));
      return (row as { moderation_state: string }).moderation_state;
    } finally {
      db.close();
    }
  }

  async function signIn(username: string): Promise<{ page: Page; dialogs: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${server.url}/`);
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('h1:has-text("Review queue")');
    return { page, dialogs };
  }

  it('shows a flagged message live, without reload, and decides it with the keyboard', async () => {
    const { page } = await signIn('ana');
    const id = await deliver({
      message: 'please mail me at live.test@example.org',
      sender_id: 'live',
    });
    const row = page.locator('.queue-row', { hasText: 'live.test@example.org' });
    await row.waitFor({ timeout: 5000 });
    await expect(row.locator('mark').textContent()).resolves.toBe('live.test@example.org');
    await page.screenshot({ path: join(SCREENSHOTS, 'queue.png'), fullPage: true });
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    const decided = page.waitForResponse((r) => r.url().endsWith('/decision'));
    await page.keyboard.press('r');
    const answer = await decided;
    expect(answer.status()).toBe(200);
    expect(await answer.text()).toContain('Done: reject.');
    expect(stateOf(id)).toBe('rejected');
    await page.context().close();
  }, 30_000);

  it('renders a hostile message and screen name as text, and no dialog fires', async () => {
    const { page, dialogs } = await signIn('ana');
    const id = await deliver({
      message: '<img src=x onerror=alert(1)> mail x@example.org',
      screen_name: '<script>alert(2)</script>',
      sender_id: 'hostile',
    });
    const row = page.locator('.queue-row', { hasText: 'onerror' });
    await row.waitFor({ timeout: 5000 });
    await expect(row.locator('.chat-text').textContent()).resolves.toContain(
      '<img src=x onerror=alert(1)>',
    );
    await expect(row.locator('.screen-name').textContent()).resolves.toBe(
      '<script>alert(2)</script>',
    );
    await row.locator('a.open-item').click();
    await page.waitForSelector('h1:has-text("Message by")');
    await page.screenshot({ path: join(SCREENSHOTS, 'item.png'), fullPage: true });
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(stateOf(id)).toBe('unreviewed');
    await page.context().close();
  }, 30_000);

  it('ends with the most restrictive decision when two moderators decide at once', async () => {
    const id = await deliver({ message: 'contested y@example.org', sender_id: 'contested' });
    const [a, b] = await Promise.all([signIn('ana'), signIn('ben')]);
    const rowA = a.page.locator('.queue-row', { hasText: 'contested' });
    const rowB = b.page.locator('.queue-row', { hasText: 'contested' });
    await Promise.all([rowA.waitFor(), rowB.waitFor()]);
    const answers = Promise.all([
      a.page.waitForResponse((r) => r.url().endsWith('/decision')),
      b.page.waitForResponse((r) => r.url().endsWith('/decision')),
    ]);
    await Promise.all([
      rowA.locator('button.verdict.approve').click(),
      rowB.locator('button.verdict.reject').click(),
    ]);
    const texts = await Promise.all((await answers).map((r) => r.text()));
    expect(stateOf(id)).toBe('rejected');
    // Whichever came second was told: the reject applied, or the approve was superseded.
    expect(texts.join(' ')).toMatch(/Done: reject\.|Superseded: reject/);
    await Promise.all([a.page.context().close(), b.page.context().close()]);
  }, 30_000);
});
