// Detects the language of batches of chat texts off the main thread (plain JavaScript: workers
// load no TypeScript). Inside the ingest transaction detection cost ~60 µs of CPU per message
// (measured; ~18 µs in a tight loop, its tables falling out of cache between database work);
// here they cost the main thread nothing, and eld's tables stay out of its heap (the extra-small
// set: ~10 MB resident, ~25 µs per line; the small one told our test lines no better for 60 MB).
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { eld } from 'eld/extrasmall';

// Lowest CPU priority for this thread only (on Linux, a nice value is per thread): on a busy
// machine ingest keeps the cores and languages arrive later instead.
try {
  setPriority(19);
} catch {
  // Not allowed here: detection runs at normal priority.
}

/** A chat line's language shows in its first sentences; the cost grows with the length. */
const MAX_DETECT_CHARS = 400;

/** An ISO 639-1 code, or null when the text is too short or mixed to tell ("ok", emoji, a link). */
function detect(text) {
  const result = eld.detect(
    text.length > MAX_DETECT_CHARS ? text.slice(0, MAX_DETECT_CHARS) : text,
  );
  return result.language !== '' && result.isReliable() ? result.language : null;
}

parentPort.on('message', ({ id, texts }) => {
  parentPort.postMessage({ id, languages: texts.map(detect) });
});
