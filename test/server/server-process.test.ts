import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { runToExit, spawnServer } from '../helpers/spawn-server.ts';

const SECRET = 'durability-secret-0123456789';

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modhook-server-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'data', 'modhook.db');
}

function createSource(path: string): string {
  const db = openDb(path);
  migrateDb(db);
  const { id } = addSource(
    { db, now: Date.now },
    { kind: 'eventyay', name: 'Hall', secret: SECRET },
    'test',
  );
  db.$client.close();
  return id;
}

function signedBody(messageId: number) {
  const body = eventyayJson(
    textPayload({ message_id: messageId, message: `message ${messageId}` }),
  );
  return { body, signature: eventyaySignature(body, SECRET) };
}

function post(url: string, id: string, messageId: number) {
  const { body, signature } = signedBody(messageId);
  return fetch(`${url}/hooks/${id}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Eventyay-Signature': signature },
    body,
  });
}

describe('the server process (npm start)', { timeout: 90_000 }, () => {
  it('creates its database folder, applies migrations and serves health and challenge', async () => {
    const path = tempDb();
    const server = await spawnServer({ DATABASE_PATH: path });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const db = new Database(path, { readonly: true });
    const tables = db
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'messages'")
      .get();
    db.close();
    expect(tables).toEqual({ n: 1 });
  });

  it('keeps every delivery answered 200 after kill -9, exactly once, with an intact file', async () => {
    const path = tempDb();
    const id = createSource(path);
    const server = await spawnServer({ DATABASE_PATH: path });
    const ids = Array.from({ length: 200 }, (_, i) => 10_000 + i);
    const answers = await Promise.all(ids.map((m) => post(server.url, id, m)));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));

    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('exit', resolve));

    const db = new Database(path, { readonly: true });
    const stored = db
      .prepare('SELECT count(DISTINCT external_id) AS d, count(*) AS n FROM messages')
      .get();
    const integrity = db.pragma('integrity_check', { simple: true });
    db.close();
    expect(stored).toEqual({ d: 200, n: 200 });
    expect(integrity).toBe('ok');

    const again = await spawnServer({ DATABASE_PATH: path });
    const resent = await Promise.all(ids.slice(0, 20).map((m) => post(again.url, id, m)));
    for (const answer of resent) expect(await answer.json()).toEqual({ ok: true, duplicate: true });
  });

  it('answers a streamed 50 MB body with a whole 413 without buffering it, and keeps serving', async () => {
    const path = tempDb();
    const id = createSource(path);
    const server = await spawnServer({ DATABASE_PATH: path });
    let sent = 0;
    const chunk = new Uint8Array(1024 * 1024);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 50) return controller.close();
        sent++;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${server.url}/hooks/${id}`, {
      method: 'POST',
      headers: { 'X-Eventyay-Signature': `sha256=${'0'.repeat(64)}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'body_too_large' } });
    expect(sent).toBeLessThan(50);
    expect((await post(server.url, id, 1)).status).toBe(200);
  });

  it('cuts off a body that trickles in a byte at a time, and keeps serving', async () => {
    const path = tempDb();
    const id = createSource(path);
    const server = await spawnServer({ DATABASE_PATH: path, REQUEST_TIMEOUT_MS: '1500' });
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    const started = Date.now();
    socket.write(
      `POST /hooks/${id} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: 100\r\nX-Eventyay-Signature: sha256=${'0'.repeat(64)}\r\n\r\n`,
    );
    const drip = setInterval(() => socket.writable && socket.write('x'), 200);
    const closedAt = await closed;
    clearInterval(drip);
    expect(closedAt - started).toBeLessThan(5000);
    expect(answer).toMatch(/^HTTP\/1.1 408/);
    expect((await post(server.url, id, 2)).status).toBe(200);
  });

  it('refuses to start on a bad setting and names the variable', async () => {
    const { code, output } = await runToExit({ DATABASE_PATH: tempDb(), MAX_BODY_BYTES: 'lots' });
    expect(code).toBe(1);
    expect(output).toContain('MAX_BODY_BYTES');
    expect(output).toContain('"lots"');
  });

  it('says so when the port is taken', async () => {
    const first = await spawnServer({ DATABASE_PATH: tempDb() });
    const port = new URL(first.url).port;
    const { code, output } = await runToExit({
      DATABASE_PATH: tempDb(),
      PORT: port,
      HOST: '127.0.0.1',
    });
    expect(code).toBe(1);
    expect(output).toContain(`port ${port} on 127.0.0.1 is already in use`);
  });
});
