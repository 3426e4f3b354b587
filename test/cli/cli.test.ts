import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cli, readDb, tempDbPath } from '../helpers/run-cli.ts';

const run = promisify(execFile);
const PROJECT_ROOT = new URL('../..', import.meta.url).pathname;

describe('modhook source', () => {
  it('adds a source and prints id, URL from PUBLIC_URL and secret as JSON', async () => {
    const db = tempDbPath();
    const { code, stdout } = await cli(
      ['--db', db, 'source', 'add', '--kind', 'eventyay', '--name', 'Main hall', '--json'],
      { PUBLIC_URL: 'https://mod.example.org/' },
    );
    expect(code).toBe(0);
    const created = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(created).sort()).toEqual(['id', 'kind', 'name', 'secret', 'url']);
    expect(created).toMatchObject({ kind: 'eventyay', name: 'Main hall' });
    expect(created.url).toBe(`https://mod.example.org/hooks/${created.id}`);
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readDb(db, 'SELECT secret FROM source_secrets')).toEqual([{ secret: created.secret }]);
  });

  it('honours DATABASE_PATH when --db is not given', async () => {
    const db = tempDbPath();
    const { code } = await cli(['source', 'add', '--kind', 'eventyay', '--name', 'x'], {
      DATABASE_PATH: db,
    });
    expect(code).toBe(0);
    expect(readDb(db, 'SELECT name FROM sources')).toEqual([{ name: 'x' }]);
  });

  it('prints the secret in the human output too, with the steps for Eventyay', async () => {
    const db = tempDbPath();
    const secret = 'a-chosen-secret-of-enough-length';
    const { stdout } = await cli([
      '--db',
      db,
      'source',
      'add',
      '--kind',
      'eventyay',
      '--name',
      'Hall',
      '--secret',
      secret,
    ]);
    expect(stdout).toContain(`secret: ${secret}`);
    expect(stdout).toMatch(/URL:\s+http:\/\/127\.0\.0\.1:8787\/hooks\/[A-Za-z0-9_-]{24}/);
    expect(stdout).toContain('Eventyay');
  });

  it('refuses a short --secret with exit 1, a clear message, and nothing written', async () => {
    const db = tempDbPath();
    const result = await cli([
      '--db',
      db,
      'source',
      'add',
      '--kind',
      'eventyay',
      '--name',
      'x',
      '--secret',
      'short',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('at least 16 characters');
    expect(readDb(db, 'SELECT * FROM sources')).toEqual([]);
  });

  it('exits 2 with usage help for an unknown command or a missing option', async () => {
    const db = tempDbPath();
    expect((await cli(['--db', db, 'bogus'])).code).toBe(2);
    const missing = await cli(['--db', db, 'source', 'add', '--kind', 'eventyay']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--name');
  });

  it('lists sources without their secrets, as a table and as JSON', async () => {
    const db = tempDbPath();
    const added = JSON.parse(
      (await cli(['--db', db, 'source', 'add', '--kind', 'eventyay', '--name', 'Hall A', '--json']))
        .stdout,
    ) as { id: string; secret: string };
    const table = await cli(['--db', db, 'source', 'list']);
    expect(table.stdout).toContain(added.id);
    expect(table.stdout).toContain('Hall A');
    expect(table.stdout).not.toContain(added.secret);
    const json = await cli(['--db', db, 'source', 'list', '--json']);
    expect(json.stdout).not.toContain(added.secret);
    expect(JSON.parse(json.stdout)).toMatchObject([
      { id: added.id, name: 'Hall A', status: 'active', activeSecrets: 1 },
    ]);
  });

  it('rotates a secret, keeping the old one for the grace period', async () => {
    const db = tempDbPath();
    const added = JSON.parse(
      (await cli(['--db', db, 'source', 'add', '--kind', 'eventyay', '--name', 'x', '--json']))
        .stdout,
    ) as { id: string; secret: string };
    const before = Date.now();
    const rotated = await cli([
      '--db',
      db,
      'source',
      'rotate',
      added.id,
      '--grace',
      '2h',
      '--json',
    ]);
    expect(rotated.code).toBe(0);
    const out = JSON.parse(rotated.stdout) as { secret: string; previousExpiresAt: string };
    expect(out.secret).not.toBe(added.secret);
    const expiry = Date.parse(out.previousExpiresAt) - before;
    expect(expiry).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(expiry).toBeLessThan(2 * 3_600_000 + 60_000);
    const secrets = readDb<{ secret: string; expires_at: number | null }>(
      db,
      'SELECT secret, expires_at FROM source_secrets ORDER BY id',
    );
    expect(secrets.map((s) => [s.secret, s.expires_at === null])).toEqual([
      [added.secret, false],
      [out.secret, true],
    ]);
  });

  it('refuses a bad --grace and an unknown id with exit 1', async () => {
    const db = tempDbPath();
    const badGrace = await cli(['--db', db, 'source', 'rotate', 'x', '--grace', 'soon']);
    expect(badGrace.code).toBe(1);
    expect(badGrace.stderr).toContain('not a duration');
    const unknown = await cli(['--db', db, 'source', 'rotate', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no source with id nope');
  });

  it('disables and re-enables a source', async () => {
    const db = tempDbPath();
    const { id } = JSON.parse(
      (await cli(['--db', db, 'source', 'add', '--kind', 'eventyay', '--name', 'x', '--json']))
        .stdout,
    ) as { id: string };
    expect((await cli(['--db', db, 'source', 'disable', id])).stdout).toContain('disabled');
    expect(readDb(db, 'SELECT status FROM sources')).toEqual([{ status: 'disabled' }]);
    expect((await cli(['--db', db, 'source', 'disable', id])).stdout).toContain('already');
    await cli(['--db', db, 'source', 'enable', id]);
    expect(readDb(db, 'SELECT status FROM sources')).toEqual([{ status: 'active' }]);
  });
});

describe('modhook migrate', () => {
  it('creates the database file with every table', async () => {
    const db = tempDbPath();
    const { code, stdout } = await cli(['--db', db, 'migrate']);
    expect(code).toBe(0);
    expect(stdout).toContain('up to date');
    const tables = readDb<{ name: string }>(
      db,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name",
    ).map((t) => t.name);
    expect(tables).toEqual([
      'accounts',
      'audit_log',
      'blocked_patterns',
      'channels',
      'decisions',
      'deliveries',
      'display_channels',
      'displays',
      'flags',
      'login_failures',
      'message_edits',
      'messages',
      'notes',
      'password_reset_tokens',
      'reactions',
      'rejection_counters',
      'rule_versions',
      'rules',
      'senders',
      'sessions',
      'setup_tokens',
      'source_secrets',
      'sources',
    ]);
  });

  it('stops with the variable named when the environment is bad', async () => {
    const { code, stderr } = await cli(['migrate'], { PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stderr).toContain('PORT');
  });
});

describe('npx modhook (the installed bin)', () => {
  it('runs from the project with npx and prints JSON', async () => {
    const db = tempDbPath();
    const { stdout } = await run(
      'npx',
      ['--no-install', 'modhook', 'source', 'add', '--kind', 'eventyay', '--name', 'Bin', '--json'],
      { cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_PATH: db } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ kind: 'eventyay', name: 'Bin' });
  });

  // npx 7+ puts `--` before the first positional argument, so a flag after `modhook` is ours;
  // `npm exec modhook --help` (no `--`) is npm's own help by design (see README).
  it.each([['--help'], ['help', 'source']])(
    'prints its own help for npx modhook %s',
    async (...args) => {
      const { stdout } = await run('npx', ['--no-install', 'modhook', ...args], {
        cwd: PROJECT_ROOT,
      });
      expect(stdout).toMatch(/^Usage: modhook (source )?\[options\] \[command\]/);
      expect(stdout).not.toContain('npm exec');
    },
    60_000,
  );

  it('works from another working directory', async () => {
    const db = tempDbPath();
    const { stdout } = await run(
      'node',
      [join(PROJECT_ROOT, 'src/cli/bin.mjs'), '--db', db, 'migrate'],
      {
        cwd: tmpdir(),
      },
    );
    expect(stdout).toContain('up to date');
  });
});
