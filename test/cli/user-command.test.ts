import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/auth/password.ts';
import { cli, readDb, tempDbPath } from '../helpers/run-cli.ts';

const PROJECT_ROOT = new URL('../..', import.meta.url).pathname;
const PASSWORD = 'correct horse battery';

function addUser(db: string, username: string, role: string, stdin: string, ...more: string[]) {
  return cli(
    [
      '--db',
      db,
      'user',
      'add',
      '--username',
      username,
      '--role',
      role,
      '--password-stdin',
      ...more,
    ],
    {},
    stdin,
  );
}

type Row = { username: string; role: string; password_hash: string; disabled: number };
const accountRows = (db: string) =>
  existsSync(db)
    ? readDb<Row>(db, 'SELECT username, role, password_hash, disabled FROM accounts ORDER BY id')
    : [];

describe('modhook user add', () => {
  it('creates an account with the password read from stdin, dropping one trailing newline', async () => {
    const db = tempDbPath();
    const { code, stdout, stderr } = await addUser(db, 'ana', 'moderator', `${PASSWORD}\n`);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe(
      'Account "ana" (moderator) created. Sign in at http://127.0.0.1:8787/login\n',
    );
    const [row] = accountRows(db);
    expect(row).toMatchObject({ username: 'ana', role: 'moderator', disabled: 0 });
    expect(await verifyPassword(PASSWORD, row!.password_hash)).toBe(true);
    expect(readDb(db, 'SELECT actor, action FROM audit_log')).toEqual([
      { actor: 'cli', action: 'account.add' },
    ]);
  });

  it('prints {"id","username","role"} with --json', async () => {
    const db = tempDbPath();
    const { code, stdout } = await addUser(db, 'root', 'admin', PASSWORD, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ id: 1, username: 'root', role: 'admin' });
  });

  it.each([
    ['an 11-character password', 'x'.repeat(11), 'password must be at least 12 characters'],
    ['an empty stdin', '', 'no password on standard input'],
    ['only a newline', '\n', 'no password on standard input'],
  ])('refuses %s with exit 1 and a clear message', async (_, stdin, message) => {
    const db = tempDbPath();
    const { code, stderr } = await addUser(db, 'ana', 'moderator', stdin);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(accountRows(db)).toEqual([]);
  });

  it('refuses an unknown role, naming the roles', async () => {
    const db = tempDbPath();
    const { code, stderr } = await addUser(db, 'ana', 'owner', PASSWORD);
    expect(code).toBe(1);
    expect(stderr).toContain('role must be one of: admin, moderator, auditor');
  });

  it('refuses a username taken in another letter case', async () => {
    const db = tempDbPath();
    await addUser(db, 'Ana', 'moderator', PASSWORD);
    const { code, stderr } = await addUser(db, 'ANA', 'admin', PASSWORD);
    expect(code).toBe(1);
    expect(stderr).toContain('already exists');
    expect(accountRows(db)).toHaveLength(1);
  });

  it('refuses to run without --password-stdin, so no password is read from anywhere else', async () => {
    const db = tempDbPath();
    const { code, stderr } = await cli(
      ['--db', db, 'user', 'add', '--username', 'ana', '--role', 'admin'],
      {},
      PASSWORD,
    );
    expect(code).toBe(1);
    expect(stderr).toContain('--password-stdin');
    expect(accountRows(db)).toEqual([]);
  });

  it('exits 2 with usage help when --username is missing', async () => {
    const db = tempDbPath();
    const { code, stderr } = await cli(
      ['--db', db, 'user', 'add', '--role', 'admin'],
      {},
      PASSWORD,
    );
    expect(code).toBe(2);
    expect(stderr).toContain('--username');
  });

  it('reads the password from the real standard input of `npx modhook`', async () => {
    const db = tempDbPath();
    const child = spawn(
      'npx',
      [
        '--no-install',
        'modhook',
        'user',
        'add',
        '--username',
        'piped',
        '--role',
        'auditor',
        '--password-stdin',
        '--json',
      ],
      { cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_PATH: db } },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.end(`${PASSWORD}\n`);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ username: 'piped', role: 'auditor' });
    expect(await verifyPassword(PASSWORD, accountRows(db)[0]!.password_hash)).toBe(true);
  });
});

describe('modhook user list', () => {
  it('lists accounts with role and status, never a hash', async () => {
    const db = tempDbPath();
    await addUser(db, 'root', 'admin', PASSWORD);
    await addUser(db, 'ana', 'auditor', PASSWORD);
    await cli(['--db', db, 'user', 'disable', 'ana']);
    const { code, stdout } = await cli(['--db', db, 'user', 'list']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^USERNAME\s+ROLE\s+STATUS\s+CREATED\s+LAST SIGN-IN$/);
    expect(lines[1]).toMatch(/^root\s+admin\s+active\s+\d{4}-\d\d-\d\dT[\d:.]+Z\s+-$/);
    expect(lines[2]).toMatch(/^ana\s+auditor\s+disabled\s/);
    expect(stdout).not.toContain('$scrypt$');
  });

  it('prints a JSON array without hashes with --json', async () => {
    const db = tempDbPath();
    await addUser(db, 'root', 'admin', PASSWORD);
    const { stdout } = await cli(['--db', db, 'user', 'list', '--json']);
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    expect(rows).toEqual([
      {
        id: 1,
        username: 'root',
        role: 'admin',
        disabled: false,
        createdAt: expect.stringMatching(/Z$/),
        lastLoginAt: null,
      },
    ]);
    expect(stdout).not.toContain('scrypt');
  });

  it('says how to add the first account when there is none', async () => {
    const db = tempDbPath();
    const { stdout } = await cli(['--db', db, 'user', 'list']);
    expect(stdout).toContain('No accounts yet');
    expect(stdout).toContain('modhook user add');
  });
});

describe('modhook user disable', () => {
  it('disables an account by its name in any letter case, and audits it once', async () => {
    const db = tempDbPath();
    await addUser(db, 'ana', 'moderator', PASSWORD);
    const first = await cli(['--db', db, 'user', 'disable', 'ANA']);
    expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining('disabled') });
    expect(accountRows(db)[0]!.disabled).toBe(1);
    const again = await cli(['--db', db, 'user', 'disable', 'ana']);
    expect(again.stdout).toContain('already disabled');
    expect(
      readDb(db, "SELECT count(*) AS n FROM audit_log WHERE action = 'account.disable'"),
    ).toEqual([{ n: 1 }]);
  });

  it('enables it again', async () => {
    const db = tempDbPath();
    await addUser(db, 'ana', 'moderator', PASSWORD);
    await cli(['--db', db, 'user', 'disable', 'ana']);
    const { code } = await cli(['--db', db, 'user', 'enable', 'ana']);
    expect(code).toBe(0);
    expect(accountRows(db)[0]!.disabled).toBe(0);
  });

  it('fails with exit 1 for an unknown account', async () => {
    const db = tempDbPath();
    const { code, stderr } = await cli(['--db', db, 'user', 'disable', 'nobody']);
    expect(code).toBe(1);
    expect(stderr).toContain('no account named "nobody"');
  });
});
