import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { PASSWORD, seedAccount } from '../helpers/accounts.ts';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { startServerProcess, stopProcess, type ServerProcess } from '../helpers/server-process.ts';
import { chromiumAvailable, launchChromium, SCREENSHOTS } from '../helpers/browser.ts';

// The queue while it refreshes live: the selection, notes, notices and Undo must never let a
// moderator decide something other than what they see. Same Chromium and skip rule as
// test/browser/dashboard.test.ts. Every wait is for a condition, with generous timeouts.
const SECRET = 'browser-test-secret-0123456789';
const WAIT = { timeout: 15_000 };

describe.skipIf(!chromiumAvailable)('the live queue in a real browser', () => {
  let dir: string;
  let server: ServerProcess;
  let browser: Browser;
  let sourceId: string;
  let databasePath: string;
  let nextMessage = 1;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modhook-browser-queue-'));
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
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopProcess(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A signed delivery as Eventyay sends it (an e-mail address: flagged); the stored id. */
  async function deliver(words: string): Promise<number> {
    const externalId = nextMessage++;
    const body = eventyayJson(
      textPayload({
        message_id: externalId,
        message: `${words} mail${externalId}@example.org`,
        sender_id: `s${externalId}`,
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
    return query<{ id: number }>('SELECT id FROM messages WHERE external_id = ?', `${externalId}`)
      .id;
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

  /** Decides every open item, so each test starts from an empty queue. */
  function clearQueue() {
    const db = new Database(databasePath);
    try {
      db.prepare("UPDATE flags SET status = 'closed', closed_at = 0 WHERE status = 'open'").run();
    } finally {
      db.close();
    }
  }

  /** Signs in; counts the list's live refreshes (settled swaps of #queue) in `__refreshes`. */
  async function signIn(username: string, viewport = { width: 1366, height: 768 }) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${server.url}/`);
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('h1:has-text("Review queue")');
    await countRefreshes(page);
    return page;
  }

  async function countRefreshes(page: Page) {
    // In-page code as strings: the tests compile without the DOM's types.
    await page.evaluate(`window.__refreshes = 0;
      document.addEventListener('htmx:afterSettle', (e) => {
        if (e.target.id === 'queue') window.__refreshes++;
      });`);
  }

  const refreshes = (page: Page) => page.evaluate('window.__refreshes') as Promise<number>;

  /** Waits until the list has refreshed live `n` more times than `since`. */
  const refreshed = (page: Page, since: number, n = 1) =>
    until(page, `window.__refreshes >= ${since + n}`);

  /**
   * Waits until an in-page expression is true. Polled from here: the page's CSP forbids the
   * eval that waitForFunction would need for a string.
   */
  const until = (page: Page, expression: string) =>
    expect.poll(() => page.evaluate(expression), { timeout: 15_000, interval: 50 }).toBe(true);

  const row = (page: Page, id: number) => page.locator(`.queue-row[data-message-id="${id}"]`);
  const selectedId = (page: Page) =>
    page.locator('.queue-row.selected').evaluateAll((rows) => rows.map((r) => r.id));

  /** Every decision the page sends: the URL and its form body. */
  function decisionsSent(page: Page): { url: string; body: string }[] {
    const sent: { url: string; body: string }[] = [];
    page.on('request', (r: Request) => {
      if (r.method() === 'POST' && /\/(decision|queue\/decide|decisions\/undo)$/.test(r.url()))
        sent.push({ url: r.url(), body: r.postData() ?? '' });
    });
    return sent;
  }

  it('keeps the selection across live refreshes and acts only on the visible selection', async () => {
    clearQueue();
    const ids = [await deliver('first'), await deliver('second'), await deliver('third')];
    const page = await signIn('ana');
    const sent = decisionsSent(page);
    await row(page, ids[2]!).waitFor(WAIT);
    await page.keyboard.press('j'); // the second row (the first is selected on arrival)
    expect(await selectedId(page)).toEqual([`item-${ids[1]}`]);

    // A new message refreshes the list: the highlight stays on the same message.
    const before = await refreshes(page);
    const fourth = await deliver('fourth');
    await refreshed(page, before);
    await row(page, fourth).waitFor(WAIT);
    expect(await selectedId(page)).toEqual([`item-${ids[1]}`]);

    // Someone else decides the selected message: its successor is selected, and we are told.
    const ben = await signIn('ben');
    await row(ben, ids[1]!).locator('button.verdict.approve').click();
    await row(page, ids[1]!).waitFor({ state: 'detached', ...WAIT });
    await until(page, `document.querySelector('.queue-row.selected')?.id === 'item-${ids[2]}'`);
    await expect(
      page.locator('#notices .notice-item', { hasText: 'left the queue' }).count(),
    ).resolves.toBe(1);

    // Nothing visibly selected (the highlight removed): a key selects, and decides nothing.
    await page.evaluate(
      `document.querySelector('.queue-row.selected').classList.remove('selected')`,
    );
    await page.keyboard.press('r');
    expect(await selectedId(page)).toEqual([`item-${ids[2]}`]);
    expect(sent).toEqual([]);
    // Now it is visible: r rejects exactly that message.
    const answered = page.waitForResponse((r) => r.url().endsWith(`/messages/${ids[2]}/decision`));
    await page.keyboard.press('r');
    expect((await answered).status()).toBe(200);
    expect(sent.map((s) => s.url)).toEqual([`${server.url}/messages/${ids[2]}/decision`]);
    expect(stateOf(ids[2]!)).toBe('rejected');
    expect(stateOf(ids[0]!)).toBe('unreviewed');
    await Promise.all([page.context().close(), ben.context().close()]);
  }, 90_000);

  it('scrolls to a selection that is off screen instead of deciding it', async () => {
    clearQueue();
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push(await deliver(`filler ${i}`));
    const page = await signIn('ana');
    const sent = decisionsSent(page);
    await row(page, ids[29]!).waitFor(WAIT);
    expect(await selectedId(page)).toEqual([`item-${ids[0]}`]);
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    const selectedBottom = `document.querySelector('.queue-row.selected').getBoundingClientRect().bottom`;
    await until(page, `${selectedBottom} <= 0`);
    await page.keyboard.press('a');
    await until(page, `${selectedBottom} > 0`);
    expect(sent).toEqual([]);
    expect(stateOf(ids[0]!)).toBe('unreviewed');
    await page.context().close();
  }, 90_000);

  it('never decides on Enter in a note, in the queue or the item view', async () => {
    clearQueue();
    const [one, two] = [await deliver('noted one'), await deliver('noted two')];
    const page = await signIn('ana');
    const sent = decisionsSent(page);
    await row(page, two).waitFor(WAIT);
    await expect(row(page, one).locator('input.note').isVisible()).resolves.toBe(false);
    await page.keyboard.press('n');
    const note = row(page, one).locator('input.note');
    await expect(
      page.evaluate(`document.activeElement.closest('.queue-row').dataset.messageId`),
    ).resolves.toBe(String(one));
    await expect(note.isVisible()).resolves.toBe(true);
    await page.keyboard.type('spam link');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    const answered = page.waitForResponse((r) => r.url().endsWith('/decision'));
    await page.keyboard.press('r');
    await answered;
    // The only decision is the reject, with the note: Enter sent nothing.
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(`${server.url}/messages/${one}/decision`);
    expect(sent[0]!.body).toContain('verdict=reject');
    expect(sent[0]!.body).toMatch(/note=spam(\+|%20)link/);

    await page.goto(`${server.url}/messages/${two}`);
    await page.fill('#decide input.note', 'context note');
    await page.focus('#decide input.note');
    await page.keyboard.press('Enter');
    const navigated = page.waitForURL(/decided=/, WAIT);
    await page.click('#decide button.verdict.highlight');
    await navigated;
    expect(sent.slice(1).map((s) => /verdict=(\w+)/.exec(s.body)![1])).toEqual(['highlight']);
    expect(stateOf(two)).toBe('highlighted');
    await page.context().close();
  }, 90_000);

  it('keeps a superseded notice while the list refreshes, and tells a later overruling', async () => {
    clearQueue();
    const contested = await deliver('contested');
    const other = await deliver('other');
    const page = await signIn('ana');
    await row(page, other).waitFor(WAIT);
    // Hold Ana's list as it is, so she decides on what she saw while Ben rejects it.
    const held: (() => Promise<void>)[] = [];
    let holding = true;
    await page.route('**/queue/list*', (route) =>
      holding ? void held.push(() => route.continue()) : route.continue(),
    );
    const ben = await signIn('ben');
    await row(ben, contested).locator('button.verdict.reject').click();
    await ben.locator('#notices .notice-item', { hasText: 'Done: reject' }).waitFor(WAIT);
    await page.keyboard.press('a'); // the first row, the contested one
    const notice = page.locator('#notices .notice-item', { hasText: 'Superseded' });
    await notice.waitFor(WAIT);
    await expect(notice.textContent()).resolves.toContain(
      'Superseded: reject by ben came first and stands.',
    );
    const shownAt = Date.now();
    holding = false;
    for (const release of held) await release();
    // Chat and other decisions refresh the list meanwhile.
    const before = await refreshes(page);
    await deliver('more chat');
    await refreshed(page, before);
    const last = await deliver('even more chat');
    await row(page, last).waitFor(WAIT);
    await page.waitForTimeout(Math.max(0, 3000 - (Date.now() - shownAt)));
    await expect(notice.isVisible()).resolves.toBe(true);
    expect(stateOf(contested)).toBe('rejected');

    // Ana highlights; Ben then approves it from the item view: Ana is told, live.
    const highlighted = page.locator('#notices .notice-item', { hasText: 'Done: highlight' });
    await row(page, other).locator('button.verdict.highlight').click();
    await highlighted.waitFor(WAIT);
    await ben.goto(`${server.url}/messages/${other}`);
    await ben.click('#decide button.verdict.approve');
    await page
      .locator('#notices .notice-item', {
        hasText: 'Overruled: approve by ben now stands. Your highlight applied first.',
      })
      .waitFor(WAIT);
    expect(stateOf(other)).toBe('approved');
    await Promise.all([page.context().close(), ben.context().close()]);
  }, 90_000);

  it('offers Undo in the queue and on the item view after decide-and-next', async () => {
    clearQueue();
    const [one, two] = [await deliver('undo one'), await deliver('undo two')];
    const page = await signIn('ana');
    await row(page, two).waitFor(WAIT);
    await page.keyboard.press('a');
    const done = page.locator('#notices .notice-item', { hasText: 'Done: approve' });
    await done.waitFor(WAIT);
    await row(page, one).waitFor({ state: 'detached', ...WAIT });
    await page.screenshot({ path: join(SCREENSHOTS, 'queue-notice.png') });
    expect(stateOf(one)).toBe('approved');
    await done.locator('button.undo').click();
    await page.locator('#notices .notice-item', { hasText: 'Undone by ana' }).waitFor(WAIT);
    await row(page, one).waitFor(WAIT); // back in the list, live
    expect(stateOf(one)).toBe('unreviewed');

    // The item view: decide and next says what happened to the previous item, with Undo.
    await page.goto(`${server.url}/messages/${two}`);
    await page.click('#decide button.verdict.reject');
    await page.waitForURL(new RegExp(`/messages/${one}\\?decided=`), WAIT);
    const told = page.locator('#notices .notice-item', { hasText: 'Done: reject' });
    await expect(told.textContent()).resolves.toContain('undo two');
    expect(stateOf(two)).toBe('rejected');
    await told.locator('button.undo').click();
    await page.locator('#notices .notice-item', { hasText: 'Undone by ana' }).waitFor(WAIT);
    expect(stateOf(two)).toBe('unreviewed');
    await page.context().close();
  }, 90_000);

  it('decides ticked rows at once with x, with one Undo for the batch', async () => {
    clearQueue();
    const ids = [await deliver('batch a'), await deliver('batch b'), await deliver('batch c')];
    const page = await signIn('ana');
    await row(page, ids[2]!).waitFor(WAIT);
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await expect(page.locator('.queue-row input.pick:checked').count()).resolves.toBe(2);
    await page.keyboard.press('r');
    const notice = page.locator('#notices .notice-item', { hasText: 'reject on 2 messages' });
    await notice.waitFor(WAIT);
    expect(ids.map(stateOf)).toEqual(['rejected', 'unreviewed', 'rejected']);
    await notice.locator('button.undo', { hasText: 'Undo all 2' }).click();
    await page.locator('#notices .notice-item', { hasText: '2 undone' }).waitFor(WAIT);
    expect(ids.map(stateOf)).toEqual(['unreviewed', 'unreviewed', 'unreviewed']);
    await page.context().close();
  }, 90_000);
});
