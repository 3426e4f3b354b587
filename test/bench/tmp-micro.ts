import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { loadConfig } from '../../src/config.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { receiveDelivery } from '../../src/ingest/receive-delivery.ts';
import { createApp } from '../../src/app.ts';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';
import { rmSync } from 'node:fs';
rmSync('/tmp/micro.db', { force: true });
rmSync('/tmp/micro.db-wal', { force: true });
const SECRET = 'bench-secret-0123456789abcdef';
const db = openDb('/tmp/micro.db');
migrateDb(db);
if (process.env.NORULES) db.$client.prepare('UPDATE rules SET enabled = 0').run();
const { id } = addSource(
  { db, now: Date.now },
  { kind: 'eventyay', name: 'b', secret: SECRET },
  'b',
);
const deps = {
  db,
  now: Date.now,
  config: { ...loadConfig({}), databasePath: '/tmp/micro.db' },
  log: pino({ level: 'silent' }),
};
const N = 5000;
const bodies = Array.from({ length: N * 2 }, (_, i) => {
  const body = eventyayJson(
    textPayload({
      message_id: i,
      message: `Great talk ${createHash('sha1').update(String(i)).digest('base64url').slice(0, 12)}`,
      sender_id: `s${i % 500}`,
      timestamp: new Date(Date.UTC(2026, 4, 1, 12) + i * 10).toISOString(),
    }),
  );
  return { body: Buffer.from(body), sig: eventyaySignature(body, SECRET) };
});
// domain only, batches of 50 concurrently (like group commit under load)
let t = performance.now();
for (let b = 0; b < N; b += 50) {
  await Promise.all(
    bodies
      .slice(b, b + 50)
      .map((d) =>
        receiveDelivery(deps, { sourceId: id, header: () => d.sig, readBody: async () => d.body }),
      ),
  );
}
console.log('domain µs/delivery', (((performance.now() - t) / N) * 1000).toFixed(1));
const app = createApp(deps as never);
t = performance.now();
for (let b = N; b < 2 * N; b += 50) {
  await Promise.all(
    bodies.slice(b, b + 50).map((d) =>
      app.request(`/hooks/${id}`, {
        method: 'POST',
        body: d.body,
        headers: { 'x-eventyay-signature': d.sig, 'content-type': 'application/json' },
      }),
    ),
  );
}
console.log('app.request µs/delivery', (((performance.now() - t) / N) * 1000).toFixed(1));
import {
  parseEventyayDelivery,
  verifyEventyaySignature,
} from '../../src/ingest/senders/eventyay.ts';
t = performance.now();
for (let i = 0; i < N; i++) {
  const d = bodies[i]!;
  verifyEventyaySignature(d.sig, d.body, [{ id: 1, secret: SECRET }]);
  parseEventyayDelivery(d.body);
}
console.log('verify+parse µs', (((performance.now() - t) / N) * 1000).toFixed(1));
