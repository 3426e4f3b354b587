import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app.ts';
import { announceFirstSetup } from './auth/announce-first-setup.ts';
import type { Config } from './config.ts';
import { openDb } from './db/client.ts';
import { createLockTurn } from './db/lock-turn.ts';
import { migrateDb } from './db/migrate.ts';
import { startWriterThread } from './ingest/ingest-writer.ts';
import type { Deps } from './deps.ts';
import { createLogger } from './log.ts';
import { describeRuleNeedingChange, rulesNeedingChange } from './rules/rules-needing-change.ts';

/** How long one dashboard write attempt waits for the lock, blocking the HTTP thread: briefly;
 * a write that finds the lock taken is tried again asynchronously (src/http/lock-retry.ts). */
const HTTP_THREAD_BUSY_TIMEOUT_MS = 20;

export type RunningServer = { url: string; deps: Deps; close: () => Promise<void> };

/**
 * Opens and migrates the database, then serves the app on config.host:config.port. Resolves
 * once listening; rejects with a readable error when the port cannot be taken.
 */
export async function startServer(config: Config): Promise<RunningServer> {
  const log = createLogger(config.logLevel);
  // The HTTP thread's own connection reads, and writes what people do in the dashboard; it never
  // waits long for a lock inside SQLite (that would freeze every request): a dashboard write
  // that finds the lock taken is retried between other requests, and the writer thread gives
  // way to it; only a lock held elsewhere for seconds makes it fail with 503.
  const db = openDb(config.databasePath);
  migrateDb(db);
  db.$client.pragma(`busy_timeout = ${HTTP_THREAD_BUSY_TIMEOUT_MS}`);
  // Started beside the listening socket (each loads its modules in its own thread).
  const lockTurn = createLockTurn();
  const writer = startWriterThread({ databasePath: config.databasePath, log, lockTurn });
  const deps: Deps = { db, config, now: Date.now, log, writer, lockTurn };
  for (const rule of rulesNeedingChange(db)) {
    log.warn({ ruleId: rule.id }, describeRuleNeedingChange(rule));
  }
  const app = createApp(deps);

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({
      fetch: app.fetch,
      port: config.port,
      hostname: config.host,
      // A sender trickling a body (a byte a second) is cut off instead of holding a socket.
      serverOptions: {
        requestTimeout: config.requestTimeoutMs,
        headersTimeout: config.requestTimeoutMs,
        connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs),
      },
    });
    s.once('listening', () => resolve(s));
    s.once('error', (error: NodeJS.ErrnoException) => {
      void writer.close();
      db.$client.close();
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${config.port} on ${config.host} is already in use (set PORT to another)`,
            )
          : error,
      );
    });
  });
  try {
    await writer.ready;
  } catch (error) {
    server.close();
    db.$client.close();
    throw new Error(`the ingest writer thread did not start: ${(error as Error).message}`);
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log.info(
    { url, publicUrl: config.publicUrl, database: config.databasePath },
    `modhook listening on ${url}`,
  );

  // No dashboard account yet: print a one-time link that creates the first admin.
  announceFirstSetup(deps, (text) => process.stderr.write(text));

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      server.close(() => {
        // In-flight deliveries were answered; the writer commits what it still holds.
        void writer.close().then(() => {
          db.$client.close();
          resolve();
        });
      });
      // Keep-alive connections would hold close() open; in-flight requests still finish.
      if ('closeIdleConnections' in server) server.closeIdleConnections();
    }));
  return { url, deps, close };
}
