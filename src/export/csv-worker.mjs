// Quotes batches of CSV rows off the main thread: csv-stringify costs as much per row as
// reading the row, so an export uses both cores (plain JavaScript: workers load no TypeScript).
import { parentPort } from 'node:worker_threads';
import { stringify } from 'csv-stringify/sync';

parentPort.on('message', ({ id, rows }) => {
  parentPort.postMessage({ id, text: stringify(rows, { record_delimiter: 'windows' }) });
});
