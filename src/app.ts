import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { except } from 'hono/combine';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { Deps } from './deps.ts';
import type { AppEnv } from './http/app-env.ts';
import { authRoutes } from './http/auth-routes.tsx';
import { csrfProtection } from './http/csrf.ts';
import { errorBody, respondToError } from './http/error-response.ts';
import { healthRoutes } from './http/health-routes.ts';
import { pageRoutes } from './http/page-routes.tsx';
import { reviewRoutes } from './http/review-routes.tsx';
import { messageListRoutes } from './http/message-list-routes.tsx';
import { exportRoutes } from './http/export-routes.ts';
import { auditRoutes } from './http/audit-routes.tsx';
import { accountRoutes } from './http/account-routes.tsx';
import { activityRoutes } from './http/activity-routes.tsx';
import { sourceRoutes } from './http/source-routes.tsx';
import { channelRoutes } from './http/channel-routes.tsx';
import { displayAdminRoutes, displayFeedRoutes } from './http/display-routes.tsx';
import { ruleRoutes } from './http/rule-routes.tsx';
import { pageRenderer } from './http/page-renderer.tsx';
import { isMachinePath } from './http/request-info.ts';
import { retryDashboardWrites } from './http/lock-retry.ts';
import { loadSession } from './http/session-middleware.ts';
import { webhookRoutes } from './http/webhook-routes.ts';

/** Dashboard forms are small; an anonymous POST /login must not make the server buffer megabytes. */
const DASHBOARD_MAX_BODY_BYTES = 256 * 1024;

const machinePath = (c: { req: { path: string } }) => isMachinePath(c.req.path);
const machineOrStaticPath = (c: { req: { path: string } }) =>
  machinePath(c) || c.req.path.startsWith('/static/');

/** Builds the whole HTTP app around its dependencies; no I/O at import time, so tests build it too. */
export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      c.set('deps', deps);
      await next();
    })
    // /hooks/* and /healthz are for machines: no session, no CSRF, no cookies, no page
    // headers (the middleware below is registered after them, so it never runs for them).
    .route('/hooks', webhookRoutes)
    .route('/healthz', healthRoutes)
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
    .use(except(machinePath, pageRenderer))
    .use(
      except(
        machineOrStaticPath,
        bodyLimit({
          maxSize: DASHBOARD_MAX_BODY_BYTES,
          onError: () => {
            throw new HTTPException(413, { message: 'This request is too large.' });
          },
        }),
        loadSession,
        csrfProtection,
      ),
    )
    .route('/', authRoutes)
    .route('/', messageListRoutes)
    .route('/', reviewRoutes)
    .route('/', exportRoutes)
    .route('/', auditRoutes)
    .route('/', accountRoutes)
    .route('/', activityRoutes)
    .route('/', sourceRoutes)
    .route('/', channelRoutes)
    .route('/', displayAdminRoutes)
    // Display feeds: page headers (CSP) apply, but no session, cookies or CSRF (isMachinePath).
    .route('/display', displayFeedRoutes)
    .route('/', ruleRoutes)
    .route('/', pageRoutes)
    .notFound((c) => c.json(errorBody('not_found', `nothing at ${c.req.path}`), 404))
    .onError(respondToError);
  app.fetch = retryDashboardWrites(app.fetch, deps.lockTurn);
  return app;
}

export type App = ReturnType<typeof createApp>;
