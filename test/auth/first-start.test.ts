import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';
import { seedAccount } from '../helpers/accounts.ts';

/** Starts the real server on a free port with a fresh database; returns what it printed on stderr. */
async function start(databasePath: string) {
  let printed = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    printed += String(chunk);
    return true;
  });
  try {
    const config = {
      ...loadConfig({ PUBLIC_URL: 'https://mod.example.org' }),
      port: 0,
      databasePath,
      logLevel: 'silent' as const,
    };
    const running = await startServer(config);
    onTestFinished(() => running.close());
    return { running, printed };
  } finally {
    spy.mockRestore();
  }
}

describe('startServer and the first admin', () => {
  it('prints a one-time setup link under PUBLIC_URL when there is no account, and a new one on each start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modhook-first-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const first = await start(join(dir, 'modhook.db'));
    expect(first.printed).toMatch(/https:\/\/mod\.example\.org\/setup\?token=[A-Za-z0-9_-]{43}/);
    await first.running.close();
    const second = await start(join(dir, 'modhook.db'));
    const link = /setup\?token=(\S+)/;
    expect(link.exec(second.printed)?.[1]).not.toBe(link.exec(first.printed)?.[1]);
  });

  it('prints nothing once an account exists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modhook-first-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const first = await start(join(dir, 'modhook.db'));
    const { deps } = first.running;
    await seedAccount({ db: deps.db, deps }, { username: 'root', role: 'admin' });
    await first.running.close();
    const second = await start(join(dir, 'modhook.db'));
    expect(second.printed).not.toContain('setup');
  });
});
