import { serve } from '@hono/node-server';
import { Hono } from 'hono';

// The baseline of the ingest benchmark: a bare Hono app on the same server adapter and port
// settings, answering the same requests without verifying or storing anything.
const app = new Hono().post('/hooks/:sourceId', (c) => c.json({ ok: true }));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () =>
  console.log('hello listening'),
);
