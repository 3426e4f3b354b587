import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { commitQueue, type CommitOutcome } from '../db/group-commit.ts';
import type { LockTurn } from '../db/lock-turn.ts';
import { runIngestJob, type IngestJob, type IngestJobResult } from './ingest-job.ts';

/**
 * Where ingest writes go: one narrow seam. The server runs it in its own thread
 * (startWriterThread) so the HTTP thread never waits on a commit's fsync, a lock or a rule; tests
 * and the CLI run the same jobs on their own connection (inlineWriter).
 */
export type IngestWriter = {
  /**
   * Runs `job` in the next group transaction (its own savepoint) and resolves after that COMMIT is
   * on disk. Rejects with WriterBusyError when it could not be written in time (the database is
   * locked by another process): then nothing of it was written.
   */
  write<J extends IngestJob>(job: J): Promise<IngestJobResult<J>>;
  /** Transactions committed and jobs they held so far (benchmarks: commits per delivery). */
  stats(): Promise<WriterStats>;
  /** How the writer's newest group transaction ended, as far as known here (/healthz). */
  lastCommit(): CommitOutcome | undefined;
  /** Finishes what was handed in, then releases the writer. */
  close(): Promise<void>;
};

export type WriterStats = { commits: number; jobs: number };

/** How long a delivery may wait for the writer: under Eventyay's 5 s request timeout. */
export const WRITE_DEADLINE_MS = 4000;

/** A job the writer could not write in time, e.g. while another process holds the write lock. */
export class WriterBusyError extends Error {
  constructor(message = 'the database is busy; try again shortly') {
    super(message);
    this.name = 'WriterBusyError';
  }
}

/**
 * Waits for a bookkeeping write (a rejected request's or a challenge's row) without letting a
 * busy database change the answer: the request is answered all the same, only its row is lost.
 */
export async function unlessBusy(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof WriterBusyError)) throw error;
  }
}

/** Runs jobs on `db` itself, in the group commit of its connection (tests, the CLI). */
export function inlineWriter(db: Db): IngestWriter {
  return {
    write: (job) => commitQueue(db).run(() => runIngestJob(db, job)),
    stats: () => Promise.resolve(commitQueue(db).stats()),
    lastCommit: () => commitQueue(db).lastCommit(),
    close: () => Promise.resolve(),
  };
}

type Waiting = {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
};

type Reply =
  | { type: 'ready' }
  | { type: 'result'; id: number; value: unknown; commit: CommitOutcome | undefined }
  | { type: 'stats'; value: WriterStats }
  | {
      type: 'failed';
      id: number;
      busy: boolean;
      message: string;
      commit: CommitOutcome | undefined;
    };

/**
 * Starts the writer thread (src/ingest/writer-thread.mjs) on its own connection to
 * `databasePath`; `ready` resolves once it runs (jobs written before wait for it). A thread that dies fails what it held (those
 * deliveries are answered 5xx, nothing of them acknowledged) and is started again for the next
 * job.
 */
export function startWriterThread(options: {
  databasePath: string;
  log: Logger;
  deadlineMs?: number;
  /** Shared with the dashboard's writes, which the thread lets through between batches. */
  lockTurn?: LockTurn;
}): IngestWriter & { ready: Promise<void> } {
  const deadlineMs = options.deadlineMs ?? WRITE_DEADLINE_MS;
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let closed = false;
  const statsWaiting: ((stats: WriterStats) => void)[] = [];
  let lastCommit: CommitOutcome | undefined;

  const settle = (id: number): Waiting | undefined => {
    const entry = waiting.get(id);
    if (entry === undefined) return undefined;
    waiting.delete(id);
    clearTimeout(entry.timer);
    return entry;
  };

  const spawn = () =>
    new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(new URL('./writer-thread.mjs', import.meta.url), {
        workerData: {
          databasePath: options.databasePath,
          busyTimeoutMs: deadlineMs,
          lockTurn: options.lockTurn,
        },
      });
      worker.on('message', (reply: Reply) => {
        if (reply.type === 'ready') return resolve(worker);
        if (reply.type === 'stats') {
          for (const answer of statsWaiting.splice(0)) answer(reply.value);
          return;
        }
        // The thread's clock starts at its own time origin: carried over as wall time.
        if (reply.commit !== undefined) {
          const at = reply.commit.at - performance.timeOrigin;
          if (lastCommit === undefined || at >= lastCommit.at) lastCommit = { ...reply.commit, at };
        }
        const entry = settle(reply.id);
        if (entry === undefined) return;
        if (reply.type === 'result') entry.resolve(reply.value as never);
        else entry.reject(reply.busy ? new WriterBusyError() : new Error(reply.message));
      });
      worker.once('error', (error) => {
        options.log.error({ err: error }, 'ingest writer thread failed');
        reject(error);
      });
      worker.once('exit', (code) => {
        current = undefined;
        const error = new Error(`ingest writer thread exited with code ${code}`);
        for (const id of [...waiting.keys()]) settle(id)?.reject(error);
        reject(error);
      });
    });

  let current: Promise<Worker> | undefined = spawn();

  return {
    ready: current.then(() => undefined),
    async write(job) {
      if (closed) throw new Error('the ingest writer is closed');
      current ??= spawn();
      const worker = await current;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        // The thread skips a job whose deadline passed; this answers the caller even if the
        // thread itself is stuck (a blocked fsync), a little after that.
        const timer = setTimeout(() => settle(id)?.reject(new WriterBusyError()), deadlineMs + 500);
        waiting.set(id, { resolve: resolve as (value: never) => void, reject, timer });
        worker.postMessage({ id, deadline: Date.now() + deadlineMs, job });
      });
    },
    async stats() {
      // Never a new thread after close: it would keep the process alive.
      if (closed) throw new Error('the ingest writer is closed');
      const worker = await (current ??= spawn());
      return new Promise<WriterStats>((resolve) => {
        statsWaiting.push(resolve);
        worker.postMessage({ type: 'stats' });
      });
    },
    lastCommit: () => lastCommit,
    async close() {
      closed = true;
      const running = current;
      current = undefined;
      if (running === undefined) return;
      const worker = await running.catch(() => undefined);
      if (worker === undefined) return;
      // The thread finishes what it holds, closes its connection and exits.
      await new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.postMessage({ type: 'close' });
      });
    },
  };
}
