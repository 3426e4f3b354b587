import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from '../db/client.ts';
import { commitQueue } from '../db/group-commit.ts';
import { giveWay, type LockTurn } from '../db/lock-turn.ts';
import { isLockError } from '../db/sqlite-error.ts';
import { languageDetectionSettled } from '../language/detect-language.ts';
import { runIngestJob, type IngestJob } from './ingest-job.ts';

// The body of the ingest writer thread: it owns the ingest connection, runs each job in the
// group commit (src/db/group-commit.ts) and answers with its result after the COMMIT. While one
// batch's fsync blocks this thread, the HTTP thread goes on receiving: the jobs that arrive
// meanwhile form the next batch, whatever the senders' connection pattern.

type Request = { id: number; deadline: number; job: IngestJob } | { type: 'close' | 'stats' };

/** A job found waiting past its deadline: the caller was answered busy, so nothing is written. */
class Expired extends Error {}

const port = parentPort!;
const { databasePath, busyTimeoutMs, lockTurn } = workerData as {
  databasePath: string;
  busyTimeoutMs: number;
  lockTurn?: LockTurn;
};
const db = openDb(databasePath, { busyTimeoutMs });
const queue = commitQueue(db);
/** Long enough for a dashboard write to take its turn, short against a batch's deadline. */
const GIVE_WAY_MAX_MS = 50;
if (lockTurn !== undefined) queue.onBeforeBegin(() => giveWay(lockTurn, GIVE_WAY_MAX_MS));
let inFlight = 0;
let closing = false;

const isBusy = (error: unknown) => error instanceof Expired || isLockError(error);

/** The newest commit's outcome, its time as wall time (this thread's clock has its own origin). */
function lastCommit() {
  const last = queue.lastCommit();
  return last === undefined ? undefined : { ...last, at: last.at + performance.timeOrigin };
}

async function finish(): Promise<void> {
  if (!closing || inFlight > 0) return;
  await languageDetectionSettled(db).catch(() => undefined);
  db.$client.close();
  process.exit(0);
}

port.on('message', (request: Request) => {
  if ('type' in request && request.type === 'stats') {
    port.postMessage({ type: 'stats', value: queue.stats() });
    return;
  }
  if ('type' in request) {
    closing = true;
    void finish();
    return;
  }
  const { id, deadline, job } = request;
  inFlight++;
  queue
    .run(() => {
      if (Date.now() > deadline) throw new Expired();
      return runIngestJob(db, job);
    })
    .then(
      (value) => port.postMessage({ type: 'result', id, value, commit: lastCommit() }),
      (error: unknown) =>
        port.postMessage({
          type: 'failed',
          id,
          commit: lastCommit(),
          busy: isBusy(error),
          message: error instanceof Error ? error.message : String(error),
        }),
    )
    .finally(() => {
      inFlight--;
      void finish();
    });
});

port.postMessage({ type: 'ready' });
