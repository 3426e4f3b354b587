import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import type { AppEnv } from './app-env.ts';

const resolve = createRequire(import.meta.url).resolve;
const STATIC_FILES: Record<string, { type: string; body: Buffer }> = {
  // The design's foundation from node_modules (open-props 1.x in package.json), no CDN: its
  // tokens (sizes, type scale, colours, radii, shadows), its normalize (the reset, light and
  // dark) and its buttons. app.css builds the dashboard's look on their custom properties.
  'open-props.min.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(resolve('open-props/style')),
  },
  'normalize.min.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(resolve('open-props/normalize')),
  },
  'buttons.min.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(resolve('open-props/buttons')),
  },
  'favicon.svg': {
    type: 'image/svg+xml',
    body: readFileSync(new URL('../../views/assets/favicon.svg', import.meta.url)),
  },
  'app.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(new URL('../../views/assets/app.css', import.meta.url)),
  },
  'queue.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(new URL('../../views/assets/queue.css', import.meta.url)),
  },
  // htmx and its SSE extension from node_modules (pinned 2.x in package.json): no CDN.
  'htmx.min.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(resolve('htmx.org/dist/htmx.min.js')),
  },
  'app.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('../../views/assets/app.js', import.meta.url)),
  },
  // Copy buttons and in-place form errors of the sources screens.
  'sources.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('../../views/assets/sources.js', import.meta.url)),
  },
  // The display overlay's own script and styles (views/overlay-page.tsx), no htmx.
  'overlay.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('../../views/assets/overlay.js', import.meta.url)),
  },
  'overlay.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(new URL('../../views/assets/overlay.css', import.meta.url)),
  },
  'sse.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(resolve('htmx-ext-sse/dist/sse.min.js')),
  },
};

// Looked up in a Map: a file name from the URL must not find `constructor` or `__proto__`.
const BY_NAME = new Map(Object.entries(STATIC_FILES));

/** Static assets: styles, the keyboard script, htmx, the icon. */
export const pageRoutes = new Hono<AppEnv>()
  .get('/static/:file', (c) => {
    const file = BY_NAME.get(c.req.param('file'));
    if (file === undefined) return c.notFound();
    c.header('Content-Type', file.type);
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(new Uint8Array(file.body));
  })
  // Browsers ask for /favicon.ico whatever the page links; the layout links the SVG.
  .get('/favicon.ico', (c) => c.redirect('/static/favicon.svg', 301));
