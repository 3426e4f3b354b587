import { Hono } from 'hono';
import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { deliveryBody, DELIVERY_OUTCOMES, listDeliveries } from '../sources/list-deliveries.ts';
import { listSources } from '../sources/list-sources.ts';
import { DeliveriesPageView, SourcesPageView } from '../../views/sources-page.tsx';
import type { AppEnv } from './app-env.ts';
import { optionalParam, parseQuery } from './query-params.ts';
import { requireRole } from './require-role.ts';

const DeliveriesQuery = z.object({
  outcome: optionalParam(z.enum(DELIVERY_OUTCOMES)),
  page: optionalParam(z.coerce.number().int().min(1).max(100_000)),
  body: optionalParam(z.coerce.number().int().positive()),
});

/** `/sources` and `/sources/:id`: the operator's view of what senders send (admins only). */
export const sourceRoutes = new Hono<AppEnv>()
  .get('/sources', requireRole('admin'), (c) =>
    c.render(
      <SourcesPageView sources={listSources(c.var.deps)} publicUrl={c.var.deps.config.publicUrl} />,
      {
        title: 'Sources',
      },
    ),
  )
  .get('/sources/:id', requireRole('admin'), (c) => {
    const { deps } = c.var;
    const source = listSources(deps).find((s) => s.id === c.req.param('id'));
    if (source === undefined) throw new DomainError('not_found', 'no such source');
    const query = parseQuery(DeliveriesQuery, c);
    const result = listDeliveries(deps.db, source.id, { outcome: query.outcome }, query.page ?? 1);
    const text = query.body === undefined ? null : deliveryBody(deps.db, source.id, query.body);
    return c.render(
      <DeliveriesPageView
        source={source}
        {...result}
        outcome={query.outcome}
        body={text === null || query.body === undefined ? null : { id: query.body, text }}
      />,
      { title: `Deliveries of ${source.name}` },
    );
  });
