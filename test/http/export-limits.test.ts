import { inlineWriter } from '../../src/ingest/ingest-writer.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createSession } from '../../src/auth/create-session.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { openDb } from '../../src/db/client.ts';
import { exportSlotsOf } from '../../src/export/export-slots.ts';
import { streamExport } from '../../src/export/stream-export.ts';
import { buildExportDatabase } from '../bench/export-bench.ts';
import { startServer } from '../../src/server.ts';
import { seedAccount } from '../helpers/accounts.ts';
import { BROWSER, signedIn } from '../helpers/dashboard.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';

// The real export, counted: a refused request must not open one (no worker, no connection).
vi.mock('../../src/export/stream-export.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/export/stream-export.ts')>();
  return { ...real, streamExport: vi.fn(real.streamExport) };
});

/** Far more CSV than the stream buffers hold: an unread download stays open. */
const MESSAGES = 5000;
const JSON_ACCEPT = { accept: 'application/json' };

let downloads: Response[] = [];

function setup(overrides: Partial<Config>) {
  const h = createHarness(overrides);
  buildExportDatabase(h.deps.config.databasePath, MESSAGES);
  vi.mocked(streamExport).mockClear();
  downloads = [];
  onTestFinished(async () => {
    await Promise.all(downloads.map((res) => res.body?.cancel().catch(() => undefined)));
    // Every export ended and audited before the harness closes the database.
    await vi.waitFor(() => expect(exportSlotsOf(h.deps).running()).toBe(0), { timeout: 10_000 });
  });
  return h;
}

/** Starts a download and reads nothing of it; cancelled when the test ends. */
async function openUnread(h: Harness, cookie: string, headers: Record<string, string> = {}) {
  const res = await h.app.request('/export/messages.csv', {
    headers: { ...JSON_ACCEPT, ...headers, cookie },
  });
  downloads.push(res);
  return res;
}

const exportAudits = (h: Harness) =>
  (
    h.db.$client
      .prepare("SELECT details_json FROM audit_log WHERE action = 'export' ORDER BY id")
      .pluck()
      .all() as string[]
  ).map((json) => JSON.parse(json) as { rows: number; completed: boolean; stalled?: boolean });

/** Waits (bounded) until `account` may start an export again, and reads that one in full. */
async function exportsAgain(h: Harness, cookie: string) {
  let res: Response | undefined;
  await vi.waitFor(
    async () => {
      res = await h.app.request('/export/messages.csv', { headers: { ...JSON_ACCEPT, cookie } });
      if (res.status !== 200) await res.body?.cancel();
      expect(res.status).toBe(200);
    },
    { timeout: 15_000, interval: 50 },
  );
  return parse(await res!.text(), { columns: true }) as Record<string, string>[];
}

describe('export caps', () => {
  it('refuses a second export per account and a third in all with 429, opening nothing', async () => {
    const h = setup({ exportsPerAccount: 1, exportsTotal: 2 });
    const ana = await signedIn(h, 'moderator', 'ana');
    const ben = await signedIn(h, 'auditor', 'ben');
    const cy = await signedIn(h, 'admin', 'cy');

    expect((await openUnread(h, ana.cookie)).status).toBe(200);
    const again = await openUnread(h, ana.cookie);
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('10');
    expect(((await again.json()) as { error: { message: string } }).error).toEqual({
      code: 'throttled',
      message: expect.stringContaining('the most one account may run'),
    });

    expect((await openUnread(h, ben.cookie)).status).toBe(200);
    // A browser gets the error page, with the reason.
    const third = await openUnread(h, cy.cookie, BROWSER);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('10');
    expect(third.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await third.text()).toContain('The server is already running 2 exports at once');

    // Many more refused requests start no export at all.
    for (let i = 0; i < 100; i++) {
      const res = await h.app.request('/export/audit.csv', {
        headers: { ...JSON_ACCEPT, cookie: cy.cookie },
      });
      expect(res.status).toBe(429);
    }
    expect(vi.mocked(streamExport)).toHaveBeenCalledTimes(2);
  });

  it('frees the slot of a client that cancels its download', async () => {
    const h = setup({ exportsPerAccount: 1, exportsTotal: 8 });
    const ana = await signedIn(h, 'moderator', 'ana');
    const first = await openUnread(h, ana.cookie);
    expect(first.status).toBe(200);
    expect((await openUnread(h, ana.cookie)).status).toBe(429);

    await first.body!.cancel();
    expect(await exportsAgain(h, ana.cookie)).toHaveLength(MESSAGES);
    await vi.waitFor(() => expect(exportAudits(h)).toHaveLength(2), { timeout: 5000 });
    expect(exportAudits(h)[0]).toMatchObject({ completed: false });
    expect(exportAudits(h)[1]).toEqual({ filters: {}, rows: MESSAGES, completed: true });
  });

  it('ends a download whose reader takes nothing for the stall timeout, and frees its slot', async () => {
    // The setting's minimum: short, yet no export that is read goes that long without a read.
    const h = setup({ exportsPerAccount: 1, exportsTotal: 1, exportStallTimeoutMs: 1000 });
    const ana = await signedIn(h, 'moderator', 'ana');
    const stalled = await openUnread(h, ana.cookie);
    expect(stalled.status).toBe(200);
    // Read a little, then nothing more.
    const reader = stalled.body!.getReader();
    expect((await reader.read()).done).toBe(false);

    expect(await exportsAgain(h, ana.cookie)).toHaveLength(MESSAGES);
    const [ended] = exportAudits(h);
    expect(ended).toMatchObject({ completed: false, stalled: true });
    expect(ended!.rows).toBeLessThan(MESSAGES);
    // The stalled download was broken off, not finished as if complete.
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended cleanly';
      })(),
    ).rejects.toThrow();
  });

  it('breaks off a stalled download over a real connection, and logs no error for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modhook-export-stall-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const databasePath = join(dir, 'modhook.db');
    // More CSV than the connection's buffers on both ends hold.
    buildExportDatabase(databasePath, 100_000);
    const config = {
      ...loadConfig({ EXPORT_STALL_TIMEOUT_MS: '1000', EXPORTS_PER_ACCOUNT: '1' }),
      port: 0,
      databasePath,
      logLevel: 'silent' as const,
    };
    const db = openDb(databasePath);
    const deps = {
      db,
      config,
      now: Date.now,
      log: pino({ level: 'silent' }),
      writer: inlineWriter(db),
    };
    const account = await seedAccount({ db, deps }, { role: 'moderator' });
    const { token } = createSession(db, account.id, Date.now());
    db.$client.close();
    const running = await startServer(config);
    onTestFinished(() => running.close());
    // What the HTTP server prints when a response body fails.
    const printed = [vi.spyOn(console, 'error'), vi.spyOn(console, 'info')];

    const socket = connect(Number(new URL(running.url).port), '127.0.0.1');
    onTestFinished(() => {
      socket.destroy();
    });
    socket.write(
      'GET /export/messages.csv HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        `Cookie: modhook_session=${token}\r\n\r\n`,
    );
    const head = await new Promise<string>((resolve) =>
      socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))),
    );
    socket.pause();
    expect(head).toMatch(/^HTTP\/1\.1 200 /);

    // The server ends the export; the slot is free again.
    await vi.waitFor(() => expect(exportSlotsOf(running.deps).running()).toBe(0), {
      timeout: 15_000,
    });
    const audit = running.deps.db.$client
      .prepare("SELECT details_json FROM audit_log WHERE action = 'export'")
      .pluck()
      .get() as string;
    expect(JSON.parse(audit)).toMatchObject({ completed: false, stalled: true });
    for (const spy of printed) expect(spy).not.toHaveBeenCalled();
    // The connection was broken off: the chunked body lacks its last, empty chunk.
    let rest = '';
    socket.on('data', (chunk: Buffer) => (rest += chunk.toString('latin1')));
    await new Promise((resolve) => socket.once('close', resolve).resume());
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.endsWith('\r\n0\r\n\r\n')).toBe(false);
  }, 60_000);
});
