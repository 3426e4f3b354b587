import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { HomePage } from '../../views/home-page.tsx';
import type { AppEnv } from './app-env.ts';

const appCss = readFileSync(new URL('../../views/assets/app.css', import.meta.url));

/** Server-rendered pages and their static assets. */
export const pageRoutes = new Hono<AppEnv>()
  .get('/', (c) => c.html(<HomePage publicUrl={c.var.deps.config.publicUrl} />))
  .get('/static/app.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(appCss);
  });
