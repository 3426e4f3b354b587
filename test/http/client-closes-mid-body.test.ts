import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createHarness } from '../helpers/harness.ts';
import { addKindSource, streamPush } from '../helpers/senders.ts';
import { addFixtureSource } from '../helpers/sources.ts';

type LogEntry = { level: number; msg: string; [key: string]: unknown };

/** Polls `check` until it returns true, for at most `ms`. */
async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterEach(() => vi.restoreAllMocks());

describe('a client that closes the connection mid-body', () => {
  it.each([
    ['a delivery', '/hooks/%s'],
    ['a before-send check', '/hooks/%s/before-send'],
  ])(
    'of %s gets no 5xx and no error log: one debug line and a rejected delivery row',
    async (_, pathPattern) => {
      const h = createHarness();
      const { id } = pathPattern.endsWith('/before-send')
        ? addKindSource(h, { kind: 'stream', secret: streamPush.secret })
        : addFixtureSource(h);
      const logs: LogEntry[] = [];
      const log = pino(
        { level: 'debug' },
        { write: (line: string) => logs.push(JSON.parse(line) as LogEntry) },
      );
      const consoleError = vi.spyOn(console, 'error');
      const consoleInfo = vi.spyOn(console, 'info');
      const app = createApp({ ...h.deps, log });
      const server = await new Promise<ServerType>((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
      const arrived = new Promise<void>((resolve) => server.once('request', () => resolve()));
      const { port } = server.address() as AddressInfo;
      try {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => {});
        socket.write(
          `POST ${pathPattern.replace('%s', id)} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
            'Content-Type: application/json\r\nX-Eventyay-Signature: sha256=00\r\n' +
            'Content-Length: 1000\r\n\r\n{"a":12345',
        );
        await arrived;
        socket.destroy();
        // Today's debug line, or the error line and 500 of before.
        await waitFor(() => logs.some((l) => l.level >= 20));
        // Room for anything else the answer to a gone client might print.
        await new Promise((resolve) => setTimeout(resolve, 200));
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
      expect(logs.filter((l) => l.level >= 40)).toEqual([]);
      expect(consoleError).not.toHaveBeenCalled();
      expect(consoleInfo).not.toHaveBeenCalled();
      expect(logs.filter((l) => l.level === 20)).toHaveLength(1);
      const rows = h.db.$client.prepare('SELECT outcome, reason, status FROM deliveries').all();
      expect(rows).toEqual([{ outcome: 'rejected', reason: 'body_incomplete', status: 400 }]);
    },
  );
});

describe('a request body stream that fails before its end', () => {
  it('is answered 400 body_incomplete and recorded, not a 500', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"a":12345'));
        controller.error(new Error('connection reset'));
      },
    });
    const res = await h.app.request(`/hooks/${id}`, {
      method: 'POST',
      body,
      headers: { 'X-Eventyay-Signature': `sha256=${'0'.repeat(64)}` },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'body_incomplete' } });
    expect(h.count('deliveries', "reason = 'body_incomplete' AND status = 400")).toBe(1);
  });
});
