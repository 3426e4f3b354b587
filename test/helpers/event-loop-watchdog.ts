import { Worker } from 'node:worker_threads';
import { beforeEach } from 'vitest';

/**
 * Every test file's process gets a watchdog thread. A test stuck in a synchronous loop blocks
 * its event loop, so no test timeout ever fires and the whole run hangs until CI gives up (this
 * happened: a keyword pattern looping forever on one random input). When the loop has not
 * turned for BLOCKED_LIMIT_MS, the watchdog names the test and kills its process, which vitest
 * reports as a failed file.
 */
const BLOCKED_LIMIT_MS = 60_000;
const NAME_BYTES = 1024;

/** Counts the loop's turns: a count, not a time, so fake timers in a test cannot fool it. */
const beat = new Int32Array(new SharedArrayBuffer(4));
const name = new Uint8Array(new SharedArrayBuffer(NAME_BYTES));
const encoder = new TextEncoder();

const setCurrent = (text: string) => {
  name.fill(0);
  encoder.encodeInto(text.slice(0, NAME_BYTES / 4), name);
};

setInterval(() => Atomics.add(beat, 0, 1), 1000).unref();
beforeEach((context) => {
  setCurrent(`${context.task.file?.name ?? '?'} > ${context.task.name}`);
});

const watchdog = new Worker(
  `
  const { workerData } = require('node:worker_threads');
  const { writeSync } = require('node:fs');
  const { beat, name, limit } = workerData;
  let seen = -1;
  let since = Date.now();
  setInterval(() => {
    const count = Atomics.load(beat, 0);
    if (count !== seen) {
      seen = count;
      since = Date.now();
      return;
    }
    const blocked = Date.now() - since;
    if (blocked < limit) return;
    const test = new TextDecoder().decode(name).replace(/\\0+$/, '');
    // Written straight to the descriptor: a worker's process.stderr goes through the blocked thread.
    writeSync(2, '\\n\\nEVENT LOOP BLOCKED for ' + Math.round(blocked / 1000) +
      ' s in "' + test + '": killing this test process so the run ends.\\n\\n');
    process.kill(process.pid, 'SIGKILL');
  }, 1000);
  `,
  { eval: true, workerData: { beat, name, limit: BLOCKED_LIMIT_MS } },
);
watchdog.unref();
