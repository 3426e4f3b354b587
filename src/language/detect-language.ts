import type Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { Db } from '../db/client.ts';
import { commitQueue } from '../db/group-commit.ts';

// Language detection runs in a worker thread (language-worker.mjs, eld's extra-small n-gram set):
// inside the ingest transaction it cost ~60 µs of CPU per message, over a third of ingest.
// A message is stored with its sender's language (or none) and gets the detected one a moment
// later, when the text tells it reliably.

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
 * The languages of texts as ISO 639-1 codes, null where a text is too short or mixed to tell
 * ("ok", emoji, a link). Offline; looks at the first 400 characters of each text (the worker's
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

type Item = { id: number; sourceId: string; externalId: string; text: string };

function createLanguageQueue(sqlite: Database.Database, db: Db) {
  // The source and external id guard against a row id reused after a rolled-back insert.
  const update = sqlite.prepare<[string, number, string, string]>(
    'UPDATE messages SET language = ? WHERE id = ? AND source_id = ? AND external_id = ?',
  );
  let waiting: Item[] = [];
  let outstanding = 0;
  let settled: (() => void)[] = [];
  const done = (count: number) => {
    outstanding -= count;
    if (outstanding === 0) {
      for (const resolve of settled) resolve();
      settled = [];
    }
  };
  const send = async () => {
    const batch = waiting;
    waiting = [];
    try {
      const languages = await detectLanguages(batch.map((item) => item.text));
      const found = batch.flatMap((item, i) => {
        const language = languages[i];
        return typeof language === 'string' ? [{ item, language }] : [];
      });
      if (found.length > 0 && sqlite.open) {
        await commitQueue(db).run(() => {
          for (const { item, language } of found)
            update.run(language, item.id, item.sourceId, item.externalId);
        });
      }
    } catch {
      // A language is a hint: on a failed detector or a closed database the fallback stays.
    } finally {
      done(batch.length);
    }
  };
  return {
    add(item: Item) {
      if (waiting.length === 0) setImmediate(() => void send());
      waiting.push(item);
      outstanding++;
    },
    settled(): Promise<void> {
      return outstanding === 0 ? Promise.resolve() : new Promise((r) => settled.push(r));
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
 * when the text tells it reliably (otherwise the language it was stored with stays).
 */
export function queueLanguageDetection(db: Db, item: Item): void {
  queueOf(db).add({ ...item, text: item.text.slice(0, MAX_DETECT_CHARS) });
}

/** Resolves when every queued detection of this database was stored (for tests and shutdown). */
export function languageDetectionSettled(db: Db): Promise<void> {
  return queueOf(db).settled();
}
