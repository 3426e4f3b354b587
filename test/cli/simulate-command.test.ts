import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { runCli } from '../../src/cli/main.ts';
import { openDb } from '../../src/db/client.ts';
import { loadSimulationSource } from '../../src/simulate/load-simulation-source.ts';
import { cli, readDb, tempDbPath } from '../helpers/run-cli.ts';
import {
  freePort,
  PROJECT_ROOT,
  startServerProcess,
  stopProcess,
  type ServerProcess,
} from '../helpers/server-process.ts';
import { spawnServer } from '../helpers/spawn-server.ts';

type Summary = {
  source: string;
  seed: number;
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: number;
  messages: number;
  reactions: number;
  rejectedBy: Record<string, number>;
  seconds: number;
  interrupted: boolean;
};

/** Runs the CLI in-process; `stopAfterMs` plays a Ctrl-C after that long (never by default). */
async function simulate(
  args: string[],
  options: { env?: Record<string, string>; stopAfterMs?: number; errIsTerminal?: boolean } = {},
) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    errIsTerminal: options.errIsTerminal ?? false,
    env: options.env ?? {},
    readStdin: async () => '',
    untilStopped: () =>
      new Promise((resolve) => {
        if (options.stopAfterMs !== undefined)
          setTimeout(() => resolve('SIGINT'), options.stopAfterMs);
      }),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

async function addSource(db: string, kind = 'eventyay', extra: string[] = []): Promise<string> {
  const { code, stdout } = await cli([
    '--db',
    db,
    'source',
    'add',
    '--kind',
    kind,
    '--name',
    'Hall',
    '--json',
    ...extra,
  ]);
  expect(code).toBe(0);
  return (JSON.parse(stdout) as { id: string }).id;
}

const count = (db: string, sql: string) => readDb<{ n: number }>(db, sql)[0]!.n;

describe('modhook simulate against a running server', () => {
  let dir: string;
  let db: string;
  let sourceId: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modhook-simulate-'));
    db = join(dir, 'modhook.db');
    const { stdout } = await cli([
      '--db',
      db,
      'source',
      'add',
      '--kind',
      'eventyay',
      '--name',
      'Main hall',
      '--json',
    ]);
    sourceId = (JSON.parse(stdout) as { id: string }).id;
    server = await startServerProcess({ DATABASE_PATH: db });
  }, 30_000);

  afterAll(async () => {
    if (server !== undefined) await stopProcess(server.child);
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays 2 s at 20/s: every delivery accepted, messages, reactions and rule flags stored', async () => {
    const run = await simulate([
      '--db',
      db,
      'simulate',
      '--source',
      sourceId,
      '--rate',
      '20/s',
      '--duration',
      '2s',
      '--seed',
      '1',
      '--url',
      server.url,
      '--json',
    ]);
    expect(run.stderr).toContain('Simulating a live chat on "Main hall" at 20/s for 2 s (seed 1)');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary).toMatchObject({
      source: sourceId,
      seed: 1,
      rejected: 0,
      errors: 0,
      interrupted: false,
    });
    expect(summary.sent).toBeGreaterThanOrEqual(36);
    expect(summary.sent).toBeLessThanOrEqual(44);
    expect(summary.accepted + summary.duplicates).toBe(summary.sent);
    expect(summary.messages).toBeGreaterThan(0);
    expect(summary.reactions).toBeGreaterThan(0);
    expect(summary.seconds).toBeGreaterThanOrEqual(2);

    // What the server stored: nothing refused, and the queue has something in it.
    expect(
      count(
        db,
        "SELECT count(*) AS n FROM deliveries WHERE outcome = 'rejected' OR status IN (401, 422)",
      ),
    ).toBe(0);
    // The simulator's deliberate repeats are counted as duplicates, nothing else.
    expect(
      count(
        db,
        "SELECT coalesce(sum(count), 0) AS n FROM rejection_counters WHERE reason <> 'duplicate'",
      ),
    ).toBe(0);
    expect(count(db, "SELECT count(*) AS n FROM deliveries WHERE outcome = 'accepted'")).toBe(
      summary.accepted,
    );
    expect(count(db, 'SELECT count(*) AS n FROM messages')).toBe(
      summary.messages - summary.duplicates,
    );
    expect(count(db, 'SELECT count(*) AS n FROM reactions')).toBe(summary.reactions);
    // Every reaction found its message. Reactors are inferred from the snapshots; a burst's
    // reactions to one message may overtake each other (as Eventyay's may), leaving some unknown.
    expect(count(db, 'SELECT count(*) AS n FROM reactions WHERE message_id IS NULL')).toBe(0);
    expect(
      count(db, 'SELECT count(*) AS n FROM reactions WHERE reactor_sender_id IS NOT NULL'),
    ).toBeGreaterThanOrEqual(summary.reactions / 2);
    expect(count(db, 'SELECT count(DISTINCT sender_id) AS n FROM messages')).toBeGreaterThanOrEqual(
      10,
    );
    expect(count(db, 'SELECT count(*) AS n FROM channels')).toBeGreaterThanOrEqual(2);
    expect(
      count(db, "SELECT count(*) AS n FROM flags WHERE rule_id IS NOT NULL AND status = 'open'"),
    ).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('continues after the highest stored message id, so a second run adds new messages', async () => {
    const before = count(db, 'SELECT count(*) AS n FROM messages');
    const run = await simulate([
      '--db',
      db,
      'simulate',
      '--source',
      sourceId,
      '--rate',
      '20/s',
      '--duration',
      '1s',
      '--seed',
      '1',
      '--url',
      server.url,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Sent \d+ deliveries in 1 s \(\d+(\.\d)?\/s\): \d+ messages?, \d+ reactions?\./,
    );
    expect(run.stdout).toMatch(/\d+ sent: \d+ accepted, \d+ duplicates?, 0 rejected, 0 errors/);
    expect(run.stdout).toContain(`review queue: ${server.url}/`);
    expect(count(db, 'SELECT count(*) AS n FROM messages')).toBeGreaterThan(before + 5);
  }, 30_000);

  it('stops on Ctrl-C with the summary so far, and exits 0', async () => {
    const run = await simulate(
      [
        '--db',
        db,
        'simulate',
        '--source',
        sourceId,
        '--duration',
        '60s',
        '--url',
        server.url,
        '--json',
      ],
      { stopAfterMs: 700 },
    );
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.interrupted).toBe(true);
    expect(summary.seconds).toBeLessThan(5);
    expect(summary.sent).toBeGreaterThan(0);
    expect(summary.accepted + summary.duplicates).toBe(summary.sent);
  }, 30_000);

  it('prints a progress line on a terminal', async () => {
    const run = await simulate(
      [
        '--db',
        db,
        'simulate',
        '--source',
        sourceId,
        '--duration',
        '4s',
        '--rate',
        '10/s',
        '--url',
        server.url,
      ],
      { errIsTerminal: true },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      / {2}\d+ sent: \d+ accepted, \d+ duplicates?, 0 rejected, 0 errors; \d(\.\d)? s left\n/,
    );
  }, 30_000);

  it('stops at once, saying why, when the server uses another database', async () => {
    const other = join(dir, 'other.db');
    const otherId = await addSource(other);
    const run = await simulate([
      '--db',
      other,
      'simulate',
      '--source',
      otherId,
      '--duration',
      '5s',
      '--rate',
      '20/s',
      '--url',
      server.url,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`does not know source ${otherId}`);
    expect(run.stderr).toContain('same database');
    expect(run.stdout).toMatch(/Sent \d+ deliver(y|ies) in [0-4](\.\d)? s/);
  }, 30_000);

  it('stops on SIGINT as a real process, with the summary so far, and exits 0', async () => {
    const child = spawn(
      process.execPath,
      [
        'src/cli/bin.mjs',
        '--db',
        db,
        'simulate',
        '--source',
        sourceId,
        '--duration',
        '60s',
        '--url',
        server.url,
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('Ctrl-C stops')) setTimeout(() => child.kill('SIGINT'), 500);
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).toContain('Ctrl-C stops');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Stopped early\. Sent \d+ deliveries/);
  }, 30_000);
});

/** A stand-in server on 127.0.0.1: healthy, and answering deliveries with `answer`. */
async function fakeServer(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer((req, res) => {
    if (req.url === '/healthz') return res.end('{"ok":true}');
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address() as { port: number };
  return `http://127.0.0.1:${address.port}`;
}

describe('modhook simulate without a server', () => {
  it('says to run npm start first and exits 1 when nothing listens at the URL', async () => {
    const db = tempDbPath();
    const id = await addSource(db);
    const port = await freePort();
    const run = await simulate(['--db', db, 'simulate', '--source', id], {
      env: { PORT: String(port) },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `no modhook server at http://127.0.0.1:${port} (connection refused)`,
    );
    expect(run.stderr).toContain('npm start');
    expect(run.stdout).toBe('');
  });

  it('says so when the URL answers but is not modhook', async () => {
    const db = tempDbPath();
    const id = await addSource(db);
    const other = await spawnServer({ DATABASE_PATH: join(tempDbPath(), '..', 'x.db') });
    const run = await simulate([
      '--db',
      db,
      'simulate',
      '--source',
      id,
      '--url',
      `${other.url}/nothing-here`,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('/nothing-here/healthz answered 404');
  }, 30_000);

  it('gives up, saying so, when the server stops answering', async () => {
    const db = tempDbPath();
    const id = await addSource(db);
    const url = await fakeServer((req) => req.socket.destroy());
    const run = await simulate([
      '--db',
      db,
      'simulate',
      '--source',
      id,
      '--rate',
      '50/s',
      '--duration',
      '20s',
      '--url',
      url,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the server at ${url} stopped answering`);
    expect(run.stdout).toMatch(/Sent \d+ deliver(y|ies) in [0-4](\.\d)? s/);
  });

  it('counts rejections by reason, exits 1 and explains a signature mismatch', async () => {
    const db = tempDbPath();
    const id = await addSource(db);
    const url = await fakeServer((req, res) => {
      expect(req.headers['x-eventyay-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"signature_mismatch","message":"no"}}');
    });
    const run = await simulate([
      '--db',
      db,
      'simulate',
      '--source',
      id,
      '--rate',
      '20/s',
      '--duration',
      '1s',
      '--url',
      url,
      '--json',
    ]);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout) as Summary;
    expect(summary.rejected).toBe(summary.sent);
    expect(summary.rejectedBy).toEqual({ signature_mismatch: summary.sent });
    expect(run.stderr).toContain(`${summary.sent} of ${summary.sent} deliveries were not accepted`);
    expect(run.stderr).toContain('the secret changed');
  });

  it.each([
    ['an unknown source', ['--source', 'no-such-source'], 'no source with id no-such-source'],
    ['a bad rate', ['--rate', 'fast'], '"fast" is not a rate'],
    ['a bad duration', ['--duration', '1h30m'], '"1h30m" is not a duration'],
    ['a zero duration', ['--duration', '0'], '--duration must be longer than 0'],
    ['a bad seed', ['--seed', '-1'], '--seed must be a whole number'],
    ['a bad URL', ['--url', 'ftp://x'], '--url must be an http:// or https:// URL'],
  ])('refuses %s with exit 1 and a clear message', async (_, args, message) => {
    const db = tempDbPath();
    const id = await addSource(db);
    const run = await simulate(['--db', db, 'simulate', '--source', id, ...args]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(message);
  });

  it('supports eventyay sources only, and says so', async () => {
    const db = tempDbPath();
    const id = await addSource(db, 'stream', ['--secret', 'a-stream-api-secret-long-enough']);
    const run = await simulate(['--db', db, 'simulate', '--source', id]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('simulate supports eventyay sources');
  });

  it('refuses a disabled source, naming the command that enables it', async () => {
    const db = tempDbPath();
    const id = await addSource(db);
    expect((await cli(['--db', db, 'source', 'disable', id])).code).toBe(0);
    const run = await simulate(['--db', db, 'simulate', '--source', id]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`modhook source enable ${id}`);
  });

  it('signs with the newest secret after a rotation', async () => {
    const db = tempDbPath();
    const id = await addSource(db);
    const { stdout } = await cli(['--db', db, 'source', 'rotate', id, '--grace', '0', '--json']);
    const rotated = (JSON.parse(stdout) as { secret: string }).secret;
    const handle = openDb(db);
    try {
      expect(loadSimulationSource({ db: handle, now: Date.now }, id).secret).toBe(rotated);
    } finally {
      handle.$client.close();
    }
  });
});
