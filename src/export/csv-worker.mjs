// Quotes batches of CSV rows off the main thread: csv-stringify costs as much per row as
// reading the row, so an export uses both cores (plain JavaScript: workers load no TypeScript).
import { TextEncoder } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { stringify } from 'csv-stringify/sync';

const utf8 = new TextEncoder();
// The bytes are encoded here and moved, not copied: the main thread only writes them.
parentPort.on('message', ({ id, rows }) => {
  const bytes = utf8.encode(stringify(rows, { record_delimiter: 'windows' }));
  parentPort.postMessage({ id, bytes }, [bytes.buffer]);
});
