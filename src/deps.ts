import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { Db } from './db/client.ts';
import type { LockTurn } from './db/lock-turn.ts';
import type { IngestWriter } from './ingest/ingest-writer.ts';

/** The one bag of dependencies handed to createApp and, narrowed with Pick, to domain verbs. */
export type Deps = {
  db: Db;
  config: Config;
  /** Current time in epoch milliseconds; injected so tests are exact. */
  now: () => number;
  log: Logger;
  /** Where ingest writes go (its own thread in the server, the same connection in tests). */
  writer: IngestWriter;
  /** Turns at the write lock shared with the writer thread (the server only; see lock-turn.ts). */
  lockTurn?: LockTurn;
};
