import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { saveRule } from '../../src/rules/save-rule.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { spawnServer } from '../helpers/spawn-server.ts';

// What one chat user, one rule or one lock held elsewhere costs the rest of the server: while
// each runs, /healthz and the sign-in page keep answering. The thresholds are loose enough for a
// busy 2-core machine and still catch a stall (each of these froze the server for seconds).
const HEALTH_P99_MS = 150;
const HEALTH_MAX_MS = 500;
const LOGIN_P99_MS = 300;

const SECRET = 'stall-test-secret-0123456789';

type Probe = { health: number[]; login: number[] };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Times /healthz and GET /login, one after another, until `done` settles. */
async function probeWhile(url: string, done: Promise<unknown>): Promise<Probe> {
  const probe: Probe = { health: [], login: [] };
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    for (const [path, into] of [
      ['/healthz', probe.health],
      ['/login', probe.login],
    ] as const) {
      const started = performance.now();
      const res = await fetch(`${url}${path}`, { headers: { accept: 'text/html' } });
      await res.arrayBuffer();
      into.push(performance.now() - started);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await done;
  return probe;
}

function expectResponsive(probe: Probe) {
  const figures = {
    healthP99: percentile(probe.health, 99),
    healthMax: Math.max(...probe.health),
    loginP99: percentile(probe.login, 99),
    samples: probe.health.length,
  };
  expect(figures.samples).toBeGreaterThan(10);
  expect(figures.healthP99, JSON.stringify(figures)).toBeLessThan(HEALTH_P99_MS);
  expect(figures.healthMax, JSON.stringify(figures)).toBeLessThan(HEALTH_MAX_MS);
  expect(figures.loginP99, JSON.stringify(figures)).toBeLessThan(LOGIN_P99_MS);
}

/** A database with one eventyay source (and the default rules), and a server on it. */
async function serverWith(setUp: (deps: Parameters<typeof saveRule>[0]) => void = () => {}) {
  const dir = mkdtempSync(join(tmpdir(), 'modhook-stalls-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const databasePath = join(dir, 'modhook.db');
  const db = openDb(databasePath);
  migrateDb(db);
  const deps = { db, now: Date.now };
  const { id } = addSource(deps, { kind: 'eventyay', name: 'stalls', secret: SECRET }, 'test');
  setUp(deps);
  db.$client.close();
  const server = await spawnServer({ DATABASE_PATH: databasePath });
  return { server, databasePath, hook: `${server.url}/hooks/${id}` };
}

let nextMessageId = 1;

async function post(hook: string, text: string, sender = 'stall-sender') {
  const messageId = nextMessageId++;
  const body = eventyayJson(
    textPayload({ message_id: messageId, message: text, sender_id: sender }),
  );
  const res = await fetch(hook, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-eventyay-signature': eventyaySignature(body, SECRET),
    },
    body,
  });
  await res.arrayBuffer();
  return { messageId, status: res.status, retryAfter: res.headers.get('retry-after') };
}

/** Every delivery answered 200 is stored, exactly once. */
function expectStored(databasePath: string, answered: { messageId: number; status: number }[]) {
  const db = new Database(databasePath, { readonly: true });
  try {
    const stored = new Set(
      (db.prepare('SELECT external_id FROM messages').all() as { external_id: string }[]).map(
        (r) => r.external_id,
      ),
    );
    for (const a of answered.filter((x) => x.status === 200)) {
      expect(stored.has(String(a.messageId)), `message ${a.messageId} answered 200`).toBe(true);
    }
  } finally {
    db.close();
  }
}

function randomText(length: number, seed: number): string {
  let x = seed;
  let text = '';
  while (text.length < length) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    text += x % 7 === 0 ? ' ' : String.fromCharCode(97 + (x % 26));
  }
  return text;
}

describe('nothing stalls the HTTP thread', () => {
  it('keeps answering while 40 successive 60,000-character messages arrive', async () => {
    const { server, databasePath, hook } = await serverWith();
    const answered: { messageId: number; status: number }[] = [];
    const flood = (async () => {
      for (let i = 0; i < 40; i++) answered.push(await post(hook, randomText(60_000, i + 1)));
    })();
    expectResponsive(await probeWhile(server.url, flood));
    expect(answered.every((a) => a.status === 200 || a.status === 503)).toBe(true);
    expectStored(databasePath, answered);
  }, 120_000);

  it('keeps answering while a rule meets its worst input', async () => {
    const { server, databasePath, hook } = await serverWith((deps) => {
      saveRule(
        deps,
        {
          draft: {
            kind: 'keyword',
            name: 'wildcards',
            severity: 'medium',
            action: 'flag',
            settings: { words: ['a*b*c*d'] },
          },
        },
        'test',
      );
      try {
        saveRule(
          deps,
          {
            draft: {
              kind: 'regex',
              name: 'nested',
              severity: 'medium',
              action: 'flag',
              settings: { patterns: ['(\\w|\\d)+$'] },
            },
          },
          'test',
        );
      } catch {
        // Refused at save time: then it cannot stall anything either.
      }
    });
    const answered: { messageId: number; status: number }[] = [];
    // For at least 3 s (bounded: a few hundred deliveries), so the probe sees the whole of it.
    const worst = (async () => {
      const until = performance.now() + 3000;
      for (let i = 0; i < 3 || (performance.now() < until && i < 500); i++) {
        answered.push(await post(hook, `${'1'.repeat(40)}!`, `digits-${i}`));
        answered.push(await post(hook, 'a'.repeat(6000), `letters-${i}`));
      }
    })();
    expectResponsive(await probeWhile(server.url, worst));
    expectStored(databasePath, answered);
  }, 120_000);

  it('keeps answering while another process holds the write lock for 8 s, then answers 503', async () => {
    const { server, databasePath, hook } = await serverWith();
    // Warm: the writer thread is up and the first delivery stored.
    expect((await post(hook, 'before the lock')).status).toBe(200);
    const other = new Database(databasePath);
    other.pragma('busy_timeout = 5000');
    other.exec('BEGIN IMMEDIATE');
    const answered: { messageId: number; status: number; retryAfter: string | null }[] = [];
    const locked = (async () => {
      const released = new Promise<void>((resolve) =>
        setTimeout(() => {
          other.exec('COMMIT');
          other.close();
          resolve();
        }, 8000),
      );
      const during = Promise.all([0, 1, 2].map((i) => post(hook, `during the lock ${i}`)));
      answered.push(...(await during));
      await released;
    })();
    expectResponsive(await probeWhile(server.url, locked));
    // Not stored in time, so not acknowledged: 503 with a hint when to try again.
    for (const a of answered) {
      expect(a.status).toBe(503);
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    const after = await post(hook, 'after the lock');
    expect(after.status).toBe(200);
    expectStored(databasePath, [...answered, after]);
  }, 120_000);

  it('lets a dashboard write wait out a lock held briefly elsewhere, and 503 only after seconds', async () => {
    const { server, databasePath } = await serverWith();
    // A failed sign-in writes (the attempt counts towards throttling): a dashboard write.
    const page = await fetch(`${server.url}/login`);
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const signIn = async () => {
      const started = performance.now();
      const res = await fetch(`${server.url}/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: server.url,
          cookie: `modhook_csrf=${token}`,
        },
        body: new URLSearchParams({ _csrf: token, username: 'nobody', password: 'wrong' }),
      });
      await res.arrayBuffer();
      return {
        status: res.status,
        took: performance.now() - started,
        retryAfter: res.headers.get('retry-after'),
        marker: res.headers.get('x-modhook-lock-busy'),
      };
    };
    expect((await signIn()).status).toBe(401);

    const other = new Database(databasePath);
    other.exec('BEGIN IMMEDIATE');
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        other.exec('COMMIT');
        resolve();
      }, 600),
    );
    // Held for 0.6 s (a slow commit, a checkpoint): answered once the lock is free.
    const brief = await signIn();
    await released;
    expect(brief.status).toBe(401);
    expect(brief.took).toBeGreaterThan(400);

    // Held for good: a clear 503 after the dashboard's deadline, and the HTTP thread answers
    // meanwhile.
    other.exec('BEGIN IMMEDIATE');
    try {
      const held = signIn();
      expectResponsive(await probeWhile(server.url, held));
      const answer = await held;
      expect(answer.status).toBe(503);
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      expect(answer.marker).toBeNull();
      expect(answer.took).toBeGreaterThan(2500);
      expect(answer.took).toBeLessThan(8000);
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    expect((await signIn()).status).toBe(401);
  }, 60_000);
});
