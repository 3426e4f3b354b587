import { createServer } from 'node:http';
import { answerStatsRequests } from './process-stats.ts';

// The baseline of the ingest benchmark: a bare node:http server that reads each request and
// answers what modhook answers, without verifying or storing anything. It counts the
// connections it accepts, which shows whether the load generator really reconnects per request.
let accepted = 0;
const server = createServer((req, res) => {
  req.resume();
  req.once('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
server.on('connection', () => accepted++);
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('hello listening'));
answerStatsRequests(async () => ({ accepted, writer: null }));
