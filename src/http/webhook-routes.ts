import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { answerChallenge } from '../ingest/answer-challenge.ts';
import { checkBeforeSend } from '../ingest/check-before-send.ts';
import type { DeliveryOutcome } from '../ingest/delivery-outcome.ts';
import { receiveDelivery } from '../ingest/receive-delivery.ts';
import type { AppEnv } from './app-env.ts';
import { errorBody } from './error-response.ts';
import { limitedBodyReader } from './read-limited-body.ts';
import { loggablePath } from './request-info.ts';

/** `/hooks/:sourceId`: the URL a chat platform is given (docs/architecture.md, Contracts). */
export const webhookRoutes = new Hono<AppEnv>()
  .get('/:sourceId', async (c) => {
    const { result, token } = await answerChallenge(c.var.deps, {
      sourceId: c.req.param('sourceId'),
      token: c.req.query('challenge'),
    });
    return result.outcome === 'accepted' ? c.json({ challenge: token }) : outcomeJson(c, result);
  })
  .post('/:sourceId', async (c) => {
    const result = await receiveDelivery(c.var.deps, {
      sourceId: c.req.param('sourceId'),
      header: (name) => c.req.header(name),
      readBody: limitedBodyReader(c),
    });
    noteClientGone(c, result);
    return outcomeJson(c, result);
  })
  .post('/:sourceId/before-send', async (c) => {
    const result = await checkBeforeSend(c.var.deps, {
      sourceId: c.req.param('sourceId'),
      header: (name) => c.req.header(name),
      readBody: limitedBodyReader(c),
    });
    noteClientGone(c, result);
    return result.outcome === 'decided' ? c.json(result.body, 200) : outcomeJson(c, result);
  })
  .all('/:sourceId/before-send', (c) => {
    c.header('Allow', 'POST');
    return c.json(errorBody('method_not_allowed', 'POST a signed before-send check'), 405);
  })
  .all('/:sourceId', (c) => {
    c.header('Allow', 'GET, POST');
    return c.json(errorBody('method_not_allowed', 'use GET ?challenge= or a signed POST'), 405);
  });

/**
 * A client that closed the connection mid-body did nothing wrong to modhook and nothing is
 * wrong with modhook: one debug line (its delivery row says the rest), never an error.
 */
function noteClientGone(c: Context<AppEnv>, result: { outcome: string; reason?: string }) {
  if (result.outcome === 'rejected' && result.reason === 'body_incomplete') {
    c.var.deps.log.debug(
      { method: c.req.method, path: loggablePath(c.req.path) },
      'client closed the connection mid-body',
    );
  }
}

function outcomeJson(
  c: {
    json: (body: unknown, status: ContentfulStatusCode) => Response;
    header: (name: string, value: string) => void;
  },
  result: DeliveryOutcome,
) {
  switch (result.outcome) {
    case 'unavailable':
      c.header('Retry-After', String(result.retryAfterSeconds));
      return c.json(errorBody('unavailable', result.message), 503);
    case 'accepted':
      return c.json(result.reply ?? { ok: true }, 200);
    case 'duplicate':
      return c.json(result.reply ?? { ok: true, duplicate: true }, 200);
    case 'ignored':
      return c.json(
        result.reply ?? { ok: true, ignored: true, reason: result.message },
        result.status,
      );
    case 'rejected':
      return c.json(
        errorBody(result.reason, result.message, result.field),
        result.status as ContentfulStatusCode,
      );
  }
}
