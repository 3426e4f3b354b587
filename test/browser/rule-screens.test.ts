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

// Same browser and flags as test/browser/dashboard.test.ts.
const SECRET = 'browser-test-secret-0123456789';

describe.skipIf(!chromiumAvailable)('the rules screens in a real browser', () => {
  let dir: string;
  let server: ServerProcess;
  let browser: Browser;
  let databasePath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modhook-browser-rules-'));
    databasePath = join(dir, 'modhook.db');
    const db = openDb(databasePath);
    migrateDb(db);
    const deps = { db, now: Date.now };
    const sourceId = addSource(
      deps,
      { kind: 'eventyay', name: 'Main hall', secret: SECRET },
      'test',
    ).id;
    await seedAccount(
      { db, deps: { now: Date.now } as never },
      { username: 'root', role: 'admin' },
    );
    db.$client.close();
    server = await startServerProcess({ DATABASE_PATH: databasePath });
    for (const [i, message] of ['buy spam now', 'hello all', 'more spam <b>here</b>'].entries()) {
      const body = eventyayJson(textPayload({ message_id: i + 1, message }));
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
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await stopProcess(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/rules/new`);
    await page.fill('input[name="username"]', 'root');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('h1:has-text("New rule")');
    return page;
  }

  const rulesNamed = (name: string) => {
    const db = new Database(databasePath, { readonly: true });
    try {
      return (
        db.prepare('SELECT count(*) AS n FROM rules WHERE name = ?').get(name) as { n: number }
      ).n;
    } finally {
      db.close();
    }
  };

  it('tests, dry-runs, refuses a bad regex in place, and creates a rule', async () => {
    const page = await signIn();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.fill('#rule-name', 'Spam words');
    await page.fill('#rule-settings', '{"words":["spam"]}');
    await page.fill('#rule-text', 'cheap ЅРАМ');
    await page.click('button:has-text("Test text")');
    await page.locator('#rule-test-result mark').waitFor({ timeout: 5000 });
    expect(await page.locator('#rule-test-result mark').textContent()).toBe('ЅРАМ');
    await page.click('button:has-text("Dry run")');
    await page.locator('#rule-dry-run .would-flag').waitFor({ timeout: 5000 });
    expect(await page.locator('#rule-dry-run .would-flag').textContent()).toBe('2');
    expect(await page.locator('#rule-dry-run .sample').count()).toBe(2);
    expect(await page.locator('#rule-dry-run').textContent()).toContain('more spam <b>here</b>');

    // Another kind: its example replaces the untouched example settings.
    await page.fill('#rule-settings', '');
    await page.selectOption('#rule-kind', 'regex');
    await page.locator('text=Keys for regex').waitFor({ timeout: 5000 });
    expect(await page.inputValue('#rule-settings')).toContain('patterns');
    expect(await page.inputValue('#rule-name')).toBe('Spam words');

    await page.fill('#rule-settings', '{"patterns":["spam(?!mer)"]}');
    // Dragging a textarea's resize handle gives it a style attribute (through the CSSOM, which
    // the CSP allows); htmx used to copy it onto the swapped-in form with setAttribute, refused.
    await page
      .locator('#rule-settings, #rule-text')
      .evaluateAll((areas) =>
        areas.forEach(
          (a) => ((a as unknown as { style: { height: string } }).style.height = '12rem'),
        ),
      );
    const refused = page.waitForResponse(
      (r) => r.url().endsWith('/rules') && r.request().method() === 'POST',
    );
    await page.click('button.save');
    expect((await refused).status()).toBe(422);
    const error = page.locator('.field-error[data-field="settings"]');
    await error.waitFor({ timeout: 5000 });
    expect(await error.textContent()).toContain('settings.patterns.0: uses lookahead');
    expect(await page.inputValue('#rule-name')).toBe('Spam words');
    expect(rulesNamed('Spam words')).toBe(0);
    // No CSP refusal: the layout leaves `style` out of htmx's attributesToSettle.
    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'rule-form-error.png'), fullPage: true });

    await page.fill('#rule-settings', '{"patterns":["sp[a4]m"]}');
    await page.click('button.save');
    await page.waitForSelector('h1:has-text("Spam words")');
    expect(await page.locator('.flash').textContent()).toContain('Rule created');
    expect(rulesNamed('Spam words')).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'rule-page.png'), fullPage: true });
    await page.context().close();
  }, 60_000);
});
