import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import autocannon from 'autocannon';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
const SECRET = 'bench-secret-0123456789abcdef';
const db = openDb('/tmp/sp/b.db');
migrateDb(db);
const { id } = addSource(
  { db, now: Date.now },
  { kind: 'eventyay', name: 'b', secret: SECRET },
  'b',
);
db.$client.close();
const child = spawn(
  process.execPath,
  ['--cpu-prof', '--cpu-prof-dir=/tmp/sp', '--import', 'tsx', 'src/main.ts'],
  { env: { ...process.env, PORT: '9933', DATABASE_PATH: '/tmp/sp/b.db' }, stdio: 'inherit' },
);
await new Promise((r) => setTimeout(r, 2000));
const bodies = Array.from({ length: 60000 }, (_, i) => {
  const body = eventyayJson(
    textPayload({
      message_id: i,
      message: `Great talk ${createHash('sha1').update(String(i)).digest('base64url').slice(0, 12)}`,
      sender_id: `s${i % 500}`,
      timestamp: new Date(Date.UTC(2026, 4, 1, 12) + i * 10).toISOString(),
    }),
  );
  return { body, sig: eventyaySignature(body, SECRET) };
});
let i = 0;
const r = await autocannon({
  url: `http://127.0.0.1:9933/hooks/${id}`,
  method: 'POST',
  connections: 50,
  duration: 6,
  requests: [
    {
      setupRequest: (req) => {
        const d = bodies[i++]!;
        return {
          ...req,
          body: d.body,
          headers: { 'content-type': 'application/json', 'x-eventyay-signature': d.sig },
        };
      },
    },
  ],
});
console.log('rps', r.requests.average, 'p99', r.latency.p99);
child.kill('SIGINT');
await new Promise((r) => child.once('exit', r));
