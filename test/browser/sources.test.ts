import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { PASSWORD, seedAccount } from '../helpers/accounts.ts';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { startServerProcess, stopProcess, type ServerProcess } from '../helpers/server-process.ts';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from '../helpers/browser.ts';

const WRONG_SECRET = 'not-the-secret-of-this-source-0123';

describe.skipIf(!chromiumAvailable)('the sources screens in a real browser', () => {
  let dir: string;
  let server: ServerProcess;
  let browser: Browser;
  let nextMessage = 1;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modhook-browser-'));
    const databasePath = join(dir, 'modhook.db');
    const db = openDb(databasePath);
    migrateDb(db);
    await seedAccount(
      { db, deps: { now: Date.now } as never },
      { username: 'root', role: 'admin' },
    );
    db.$client.close();
    server = await startServerProcess({ DATABASE_PATH: databasePath });
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopProcess(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Posts a chat message to `url` as Eventyay does, signed with `secret`; returns the status. */
  async function deliver(url: string, secret: string): Promise<number> {
    const body = eventyayJson(textPayload({ message_id: nextMessage++ }));
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Eventyay-Signature': eventyaySignature(body, secret),
      },
      body,
    });
    return res.status;
  }

  async function signIn(): Promise<{ page: Page; dialogs: string[] }> {
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${server.url}/sources`);
    await page.fill('input[name="username"]', 'root');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('h1:has-text("Sources")');
    return { page, dialogs };
  }

  /** The row of the secret with this id in the secrets table. */
  const secretRow = (page: Page, id: string) => page.locator(`tr.secret[data-secret-id="${id}"]`);

  it('creates a source, shows why a delivery failed, and rotates without losing deliveries', async () => {
    const { page, dialogs } = await signIn();

    // A refused create swaps the form in place with the error at its field.
    await page.fill('#new-source input[name="name"]', '   ');
    await page.click('#new-source button[type="submit"]');
    await page.locator('#new-source-name-error').waitFor();
    expect(await page.locator('#new-source-name-error').textContent()).toContain('name');

    await page.selectOption('#new-source select[name="kind"]', 'eventyay');
    await page.fill('#new-source input[name="name"]', 'Main hall <i>');
    await page.click('#new-source button[type="submit"]');
    await page.locator('#created-source').waitFor();
    const url = await page.inputValue('#new-url');
    const secret = await page.inputValue('#new-secret');
    expect(url).toMatch(new RegExp(`^${server.url}/hooks/[A-Za-z0-9_-]{24}$`));
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The list above updated itself, with the name as text.
    await page.locator('#source-list a', { hasText: 'Main hall <i>' }).waitFor();
    // The copy button copies the secret.
    await page.click('button[data-copy="new-secret"]');
    await page.locator('button[data-copy="new-secret"]', { hasText: /Copied|Ctrl\+C/ }).waitFor();
    const clipboard = await page.evaluate<string | null>(
      'navigator.clipboard.readText().catch(() => null)',
    );
    if (clipboard !== null) expect(clipboard).toBe(secret);
    await page.screenshot({ path: join(SCREENSHOTS, 'source-created.png'), fullPage: true });

    // A wrong secret shows in the deliveries with its reason; the right one is accepted.
    expect(await deliver(url, WRONG_SECRET)).toBe(401);
    expect(await deliver(url, secret)).toBe(200);
    await page.click('#created-source a:has-text("Open the source")');
    await page.waitForSelector('h1:has-text("Main hall <i>")');
    expect(await page.content()).not.toContain(secret);
    const rejected = page.locator('tr.delivery.rejected');
    expect(await rejected.locator('td.reason').textContent()).toContain('bad signature');
    expect(await rejected.locator('td').nth(4).textContent()).toBe('401');
    expect(await page.locator('tr.delivery.accepted').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'source-bad-signature.png'), fullPage: true });

    // Rotate with an hour of grace: the new secret is shown once, and both are accepted.
    const oldId = await page.locator('tr.secret').first().getAttribute('data-secret-id');
    await page.selectOption('select[name="grace"]', '1h');
    await page.click('.rotate-form button[type="submit"]');
    await page.locator('#rotated-secret').waitFor();
    const rotated = await page.inputValue('#rotated-secret');
    expect(rotated).not.toBe(secret);
    expect(await deliver(url, secret)).toBe(200);
    expect(await deliver(url, rotated)).toBe(200);
    await page.reload();
    expect(await page.content()).not.toContain(rotated);
    const newId = await page.locator('tr.secret').first().getAttribute('data-secret-id');
    expect(newId).not.toBe(oldId);
    for (const id of [oldId!, newId!]) {
      await expect(secretRow(page, id).getAttribute('class')).resolves.toBe('secret active');
      // "Last matched" is a time for both: the sender may still use either.
      expect(await secretRow(page, id).locator('td').nth(3).locator('time').count()).toBe(1);
    }
    expect(await secretRow(page, oldId!).locator('td').nth(2).locator('time').count()).toBe(1);
    const matched = await page.locator('tr.delivery.accepted td:last-child').allTextContents();
    expect(matched.slice(0, 2).sort()).toEqual([`#${newId}`, `#${oldId}`].sort());
    await page.screenshot({ path: join(SCREENSHOTS, 'source-rotated.png'), fullPage: true });

    // Rotating again with "stop it now" ends both earlier secrets at once.
    await page.selectOption('select[name="grace"]', 'now');
    await page.click('.rotate-form button[type="submit"]');
    await page.locator('#rotated-secret').waitFor();
    const third = await page.inputValue('#rotated-secret');
    expect(await deliver(url, secret)).toBe(401);
    expect(await deliver(url, rotated)).toBe(401);
    expect(await deliver(url, third)).toBe(200);

    // A test delivery from the page is accepted and listed.
    await page.click('button:has-text("Send test delivery")');
    await page.waitForSelector('.flash:has-text("Test delivery accepted")');
    await page.screenshot({ path: join(SCREENSHOTS, 'source-test-delivery.png'), fullPage: true });
    expect(dialogs).toEqual([]);
    await page.context().close();
  }, 60_000);
});
