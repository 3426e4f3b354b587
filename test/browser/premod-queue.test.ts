import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { PASSWORD, seedAccount } from '../helpers/accounts.ts';
import { CHANNEL, eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { startServerProcess, stopProcess, type ServerProcess } from '../helpers/server-process.ts';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from '../helpers/browser.ts';

// The queue of a pre-moderated channel in a real browser: shares and "reject similar" by key.
// Same Chromium, flags and skip rule as test/browser/dashboard.test.ts.
const SECRET = 'browser-test-secret-0123456789';

describe.skipIf(!chromiumAvailable)('the pre-moderation queue in a real browser', () => {
  let dir: string;
  let server: ServerProcess;
  let browser: Browser;
  let sourceId: string;
  let databasePath: string;
  let nextMessage = 1;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modhook-browser-premod-'));
    databasePath = join(dir, 'modhook.db');
    const db = openDb(databasePath);
    migrateDb(db);
    const deps = { db, now: Date.now };
    sourceId = addSource(deps, { kind: 'eventyay', name: 'Main hall', secret: SECRET }, 'test').id;
    // The channel, pre-moderated from its first message (the settings screen is tested apart).
    db.$client
      .prepare(
        `INSERT INTO channels (source_id, external_id, mode, first_seen_at, last_seen_at)
         VALUES (?, ?, 'pre', ?, ?)`,
      )
      .run(sourceId, CHANNEL, Date.now(), Date.now());
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

  /** A signed delivery as Eventyay sends it; returns the stored message's id. */
  async function deliver(message: string): Promise<number> {
    const externalId = nextMessage++;
    const body = eventyayJson(
      textPayload({ message_id: externalId, message, sender_id: `s${externalId}` }),
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
    return query<{ id: number }>(
      'SELECT id FROM messages WHERE external_id = ?',
      String(externalId),
    ).id;
  }

  function query<T>(sql: string, ...params: unknown[]): T {
    const db = new Database(databasePath, { readonly: true });
    try {
      return db.prepare(sql).get(...params) as T;
    } finally {
      db.close();
    }
  }

  const stateOf = (id: number) =>
    query<{ s: string }>('SELECT moderation_state AS s FROM messages WHERE id = ?', id).s;

  async function signIn(username: string, onDialog: 'accept' | 'dismiss' = 'dismiss') {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void (onDialog === 'accept' ? d.accept() : d.dismiss());
    });
    await page.goto(`${server.url}/`);
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('h1:has-text("Review queue")');
    return { page, dialogs };
  }

  async function takeShare(page: Page, band: string) {
    await page.click('summary:has-text("Take a share")');
    await page.selectOption('select[name="band"]', band);
    await page.click('button:has-text("Take this share")');
    await page.waitForSelector(`.share strong:has-text("${band.replace('/', ' of ')}")`);
  }

  const rowIds = (page: Page) =>
    page
      .locator('.queue-row:not([data-decided])')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-message-id'))));

  it('gives two moderators disjoint bands and removes a decided item live', async () => {
    const ids = [];
    for (const text of ['first question', 'second question', 'third one', 'fourth one'])
      ids.push(await deliver(text));
    const ana = await signIn('ana');
    const ben = await signIn('ben');
    await takeShare(ana.page, '1/2');
    await takeShare(ben.page, '2/2');
    const [mine, theirs] = [await rowIds(ana.page), await rowIds(ben.page)];
    expect(mine.filter((id) => theirs.includes(id))).toEqual([]);
    expect([...mine, ...theirs].sort((a, b) => a - b)).toEqual(ids);
    await expect(ana.page.locator('.badge.pending').count()).resolves.toBe(mine.length);
    await ana.page.screenshot({ path: join(SCREENSHOTS, 'premod-queue.png'), fullPage: true });

    // Ben approves one of Ana's items from its item view: it leaves Ana's list without reload.
    const gone = mine[0]!;
    await ben.page.goto(`${server.url}/messages/${gone}`);
    await ben.page.click('button.verdict.approve');
    await ben.page.waitForURL((url) => !url.pathname.endsWith(`/messages/${gone}`));
    await ana.page.waitForSelector(`.queue-row[data-message-id="${gone}"]`, {
      state: 'detached',
      timeout: 3000,
    });
    expect(stateOf(gone)).toBe('approved');
    await expect(ana.page.locator('.share').textContent()).resolves.toContain('1 of 2');
    await ana.page.context().close();
    await ben.page.context().close();
  }, 60_000);

  it('rejects look-alikes with the s key after asking', async () => {
    const chosen = await deliver('Buy cheap pills now');
    const alike = await deliver('BUY cheap pils now');
    const other = await deliver('When does the keynote start?');
    const { page, dialogs } = await signIn('ana', 'accept');
    const row = page.locator(`.queue-row[data-message-id="${chosen}"]`);
    await row.waitFor();
    const selected = () => page.locator('.queue-row.selected').getAttribute('data-message-id');
    for (let i = 0; i < 20 && (await selected()) !== String(chosen); i++)
      await page.keyboard.press('j');
    expect(await selected()).toBe(String(chosen));
    // A key acts only on a row shown as selected: if a live refresh of the list lands between
    // the last `j` and `s`, the key re-selects instead of deciding, so press again.
    let answered: Response | null = null;
    for (let i = 0; i < 5 && answered === null; i++) {
      await page.waitForSelector(`.queue-row.selected[data-message-id="${chosen}"]`);
      const response = page
        .waitForResponse((r) => r.url().endsWith('/reject-similar'), { timeout: 5000 })
        .catch(() => null);
      await page.keyboard.press('s');
      answered = await response;
    }
    expect(answered?.status()).toBe(200);
    expect(dialogs[0]).toContain('reads like it');
    await page.waitForSelector('text=Rejected this message and 1 pending look-alike.');
    await page.waitForSelector(`.queue-row[data-message-id="${alike}"]`, { state: 'detached' });
    expect([stateOf(chosen), stateOf(alike), stateOf(other)]).toEqual([
      'rejected',
      'rejected',
      'unreviewed',
    ]);
    await page.context().close();
  }, 60_000);
});
