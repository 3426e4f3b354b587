import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { ROLES } from '../auth/account-fields.ts';
import { HomePage } from '../../views/home-page.tsx';
import type { AppEnv } from './app-env.ts';
import { requireRole } from './require-role.ts';

const resolve = createRequire(import.meta.url).resolve;
const STATIC_FILES: Record<string, { type: string; body: Buffer }> = {
  'app.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(new URL('../../views/assets/app.css', import.meta.url)),
  },
  // htmx and its SSE extension from node_modules (pinned 2.x in package.json): no CDN.
  'htmx.min.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(resolve('htmx.org/dist/htmx.min.js')),
  },
  'sse.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(resolve('htmx-ext-sse/dist/sse.min.js')),
  },
};

/** Server-rendered pages and their static assets. */
export const pageRoutes = new Hono<AppEnv>()
  .get('/', requireRole(...ROLES), (c) =>
    c.render(
      <HomePage account={c.var.session!.account} publicUrl={c.var.deps.config.publicUrl} />,
      {
        title: 'Queue',
      },
    ),
  )
  .get('/static/:file', (c) => {
    const file = STATIC_FILES[c.req.param('file')];
    if (file === undefined) return c.notFound();
    c.header('Content-Type', file.type);
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(new Uint8Array(file.body));
  });
