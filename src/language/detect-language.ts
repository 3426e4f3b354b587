import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { Db } from '../db/client.ts';
import { commitQueue } from '../db/group-commit.ts';

// Language detection runs in a worker thread (language-worker.mjs, eld's extra-small n-gram set):
// inside the ingest transaction it cost ~60 µs of CPU per message, over a third of ingest.
// A message is stored with its sender's language (or none) and gets the detected one a moment
// later, when the text tells it reliably; a text without letters ("???", emoji) gets none, as
// the sender's language is no more than a guess there. Too short or odd a text keeps the
// sender's language (or none): the detector's guess on it is noise (language-worker.mjs).

/** What detectLanguages answers for a text without letters (ISO 639-2 "no linguistic
 * content"); such a message is stored with no language. */
export const NO_LANGUAGE = 'zxx';

type Batch = { resolve: (languages: (string | null)[]) => void; reject: (e: Error) => void };

let worker: Worker | undefined;
const batches = new Map<number, Batch>();
let nextBatch = 0;

/** The process's detector thread, started on first use. */
function detector(): Worker {
  if (worker !== undefined) return worker;
  const started = new Worker(new URL('./language-worker.mjs', import.meta.url));
  started.on('message', ({ id, languages }: { id: number; languages: (string | null)[] }) => {
    batches.get(id)?.resolve(languages);
    batches.delete(id);
    if (batches.size === 0) started.unref();
  });
  const fail = (error: Error) => {
    if (worker === started) worker = undefined; // the next batch starts a new one
    for (const batch of batches.values()) batch.reject(error);
    batches.clear();
  };
  started.on('error', fail);
  started.on('exit', (code) => fail(new Error(`language detector exited with code ${code}`)));
  // Idle, it does not keep the process alive (set after the listeners, which ref it again).
  started.unref();
  worker = started;
  return started;
}

/**
 * The languages of texts as ISO 639-1 codes, NO_LANGUAGE where a text has no letters ("???",
 * emoji), null where it is too short, repetitive or mixed to tell ("ok", "hellooooo", zalgo,
 * a link). Offline; looks at the first 400 characters of each text (the worker's
 * cap).
 */
export function detectLanguages(texts: string[]): Promise<(string | null)[]> {
  return new Promise((resolve, reject) => {
    const id = nextBatch++;
    batches.set(id, { resolve, reject });
    const thread = detector();
    thread.ref(); // until the answer: a short-lived process still gets its languages
    thread.postMessage({ id, texts });
  });
}

type Item = {
  id: number;
  sourceId: string;
  externalId: string;
  text: string;
  /** The language the message was stored with (the sender's); no write when detection agrees. */
  stored: string | null;
};

/** At most this many messages wait for their language (a bound on memory). */
const MAX_OUTSTANDING = 20_000;
/** How long arriving texts gather before they go to the detector thread together. */
const BATCH_MS = 50;
/** How long detected languages may wait for an ingest transaction to write them. */
const WRITE_LATER_MS = 250;

function createLanguageQueue(sqlite: Database.Database, db: Db) {
  // The source and external id guard against a row id reused after a rolled-back insert.
  const update = sqlite.prepare<[string | null, number, string, string]>(
    'UPDATE messages SET language = ? WHERE id = ? AND source_id = ? AND external_id = ?',
  );
  let waiting: Item[] = [];
  /**
   * Detected languages not written yet. The next ingest transaction writes them (no commit of
   * their own: under load, a transaction per batch cost ingest an fsync each), or their own
   * after WRITE_LATER_MS when no message comes.
   */
  let ready: { item: Item; language: string | null }[] = [];
  let outstanding = 0;
  let settled: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  const done = (count: number) => {
    outstanding -= count;
    if (outstanding === 0) {
      for (const resolve of settled) resolve();
      settled = [];
    }
  };
  const drop = () => {
    const count = ready.length;
    ready = [];
    done(count);
  };
  /** For the caller's transaction; never throws (a language is a hint). */
  const writeReady = () => {
    if (ready.length === 0) return;
    const batch = ready;
    ready = [];
    try {
      for (const { item, language } of batch)
        update.run(language, item.id, item.sourceId, item.externalId);
    } catch {
      // Lost with the hint only; the delivery being stored is not failed for it.
    } finally {
      done(batch.length);
    }
  };
  const writeSoon = () => {
    timer = undefined;
    if (ready.length === 0) return;
    if (!sqlite.open) return drop();
    commitQueue(db).run(writeReady).catch(drop);
  };
  const send = async () => {
    const batch = waiting;
    waiting = [];
    let kept = 0;
    try {
      const languages = await detectLanguages(batch.map((item) => item.text));
      batch.forEach((item, i) => {
        const detected = languages[i];
        if (typeof detected !== 'string') return;
        const language = detected === NO_LANGUAGE ? null : detected;
        if (language !== item.stored) {
          ready.push({ item, language });
          kept++;
        }
      });
    } catch {
      // A failed detector: the languages the messages were stored with stay.
    }
    done(batch.length - kept);
    if (kept > 0 && timer === undefined) {
      timer = setTimeout(writeSoon, WRITE_LATER_MS);
      timer.unref();
    }
  };
  return {
    add(item: Item) {
      // A detector starved of CPU for long: new messages keep the sender's language instead of
      // queueing without bound.
      if (outstanding >= MAX_OUTSTANDING) return;
      // Batched for up to BATCH_MS: a message to the thread per event-loop turn cost the main
      // thread more (structured clones, message events) than the detection saved it.
      if (waiting.length === 0) setTimeout(() => void send(), BATCH_MS);
      waiting.push(item);
      outstanding++;
    },
    writeReady,
    settled(): Promise<void> {
      if (outstanding === 0) return Promise.resolve();
      const promise = new Promise<void>((resolve) => settled.push(resolve));
      if (ready.length > 0) writeSoon();
      return promise;
    },
  };
}

/** A text's first this many characters are looked at: its language shows there. */
export const MAX_DETECT_CHARS = 400;

// Per connection, as src/db/per-connection.ts does; the queue also needs the Db for its writes.
const queues = new WeakMap<object, ReturnType<typeof createLanguageQueue>>();
const queueOf = (db: Db) => {
  let queue = queues.get(db.$client);
  if (queue === undefined) {
    queue = createLanguageQueue(db.$client, db);
    queues.set(db.$client, queue);
  }
  return queue;
};

/**
 * Detects a stored message's language after its transaction, off the main thread, and stores it
 * when the text tells it reliably, none when the text has no letters (otherwise the language it
 * was stored with stays).
 */
export function queueLanguageDetection(db: Db, item: Item): void {
  queueOf(db).add({ ...item, text: item.text.slice(0, MAX_DETECT_CHARS) });
}

/**
 * Writes the languages detected since the last call; for an ingest transaction (insertNewMessage),
 * so they need no commit of their own. Cheap when there are none.
 */
export function writeDetectedLanguages(db: Db): void {
  queues.get(db.$client)?.writeReady();
}

/** Resolves when every queued detection of this database was stored (for tests and shutdown). */
export function languageDetectionSettled(db: Db): Promise<void> {
  return queueOf(db).settled();
}
