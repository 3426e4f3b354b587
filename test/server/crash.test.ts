import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it, onTestFinished } from 'vitest';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { spawnServer } from '../helpers/spawn-server.ts';
import { stopProcess } from '../helpers/server-process.ts';

const SECRET = 'crash-test-secret-0123456789';
const WORKERS = 16;
const ROUNDS = 3;

function delivery(messageId: number) {
  const body = eventyayJson(
    textPayload({
      message_id: messageId,
      message: `crash test ${messageId}`,
      sender_id: `s${messageId % 40}`,
    }),
  );
  return { body, signature: eventyaySignature(body, SECRET) };
}

async function post(
  url: string,
  messageId: number,
): Promise<{ status: number; json: unknown } | null> {
  const { body, signature } = delivery(messageId);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Eventyay-Signature': signature },
      body,
    });
    return { status: res.status, json: await res.json() };
  } catch {
    return null; // the server died mid-request: not acknowledged
  }
}

it('keeps every acknowledged delivery exactly once across kill -9 at random moments', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'modhook-crash-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const databasePath = join(dir, 'modhook.db');
  const db = openDb(databasePath);
  migrateDb(db);
  const { id } = addSource(
    { db, now: Date.now },
    { kind: 'eventyay', name: 'crash', secret: SECRET },
    'test',
  );
  db.$client.close();

  const acknowledged = new Set<number>();
  const attempted: number[] = [];
  let nextId = 1;
  for (let round = 0; round < ROUNDS; round++) {
    const server = await spawnServer({ DATABASE_PATH: databasePath });
    const url = `${server.url}/hooks/${id}`;
    let running = true;
    const worker = async () => {
      while (running) {
        const messageId = nextId++;
        attempted.push(messageId);
        const answer = await post(url, messageId);
        if (answer === null) return;
        expect(answer.status).toBe(200);
        acknowledged.add(messageId);
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200));
    await stopProcess(server.child, 'SIGKILL');
    running = false;
    await Promise.all(workers);

    const check = new Database(databasePath, { readonly: true });
    const stored = check.prepare('SELECT external_id FROM messages').all() as {
      external_id: string;
    }[];
    const integrity = check.pragma('integrity_check', { simple: true });
    check.close();
    const ids = stored.map((r) => Number(r.external_id));
    expect(integrity).toBe('ok');
    expect(new Set(ids).size).toBe(ids.length);
    const missing = [...acknowledged].filter((m) => !ids.includes(m));
    expect(missing, `round ${round}: acknowledged but lost`).toEqual([]);
  }
  expect(acknowledged.size).toBeGreaterThan(50);

  // Everything again: acknowledged ones are duplicates, the rest are stored now, once.
  const server = await spawnServer({ DATABASE_PATH: databasePath });
  const url = `${server.url}/hooks/${id}`;
  for (let i = 0; i < attempted.length; i += WORKERS) {
    const answers = await Promise.all(attempted.slice(i, i + WORKERS).map((m) => post(url, m)));
    answers.forEach((answer, k) => {
      const messageId = attempted[i + k]!;
      expect(answer?.status).toBe(200);
      if (acknowledged.has(messageId)) expect(answer?.json).toEqual({ ok: true, duplicate: true });
    });
  }
  await stopProcess(server.child, 'SIGTERM');
  const check = new Database(databasePath, { readonly: true });
  const counts = check
    .prepare('SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM messages')
    .get();
  check.close();
  expect(counts).toEqual({ n: attempted.length, d: attempted.length });
}, 180_000);
