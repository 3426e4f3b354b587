import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Deps } from './deps.ts';
import type { AppEnv } from './http/app-env.ts';
import { errorBody, respondToError } from './http/error-response.ts';
import { healthRoutes } from './http/health-routes.ts';
import { pageRoutes } from './http/page-routes.tsx';
import { webhookRoutes } from './http/webhook-routes.ts';

/** Builds the whole HTTP app around its dependencies; no I/O at import time, so tests build it too. */
export function createApp(deps: Deps) {
  return new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set('deps', deps);
      await next();
    })
    .use(
      secureHeaders({
        contentSecurityPolicy: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
        },
      }),
    )
    .route('/hooks', webhookRoutes)
    .route('/healthz', healthRoutes)
    .route('/', pageRoutes)
    .notFound((c) => c.json(errorBody('not_found', `nothing at ${c.req.path}`), 404))
    .onError(respondToError);
}

export type App = ReturnType<typeof createApp>;
