import { Hono } from 'hono';
import { z } from 'zod';
import { ROLES } from '../auth/account-fields.ts';
import { listMessages, MESSAGE_STATES, messageFilterChoices } from '../messages/list-messages.ts';
import { MessageListView } from '../../views/messages-page.tsx';
import type { AppEnv } from './app-env.ts';
import { dayParam, optionalParam, parseQuery } from './query-params.ts';
import { requireRole } from './require-role.ts';

/** /messages's filters, as its GET form and its "Export CSV" link (export-routes.ts) name them. */
const MessagesQuery = z.object({
  q: optionalParam(z.string().max(200)),
  sender: optionalParam(z.string().max(200)),
  channel: optionalParam(z.string().max(200)),
  source: optionalParam(z.string().max(100)),
  state: optionalParam(z.enum(MESSAGE_STATES)),
  since: dayParam('start'),
  until: dayParam('end'),
  page: optionalParam(z.coerce.number().int().min(1).max(10_000)),
});

/** `GET /messages`: every message, filtered by names picked from lists, newest first. */
export const messageListRoutes = new Hono<AppEnv>().get('/messages', requireRole(...ROLES), (c) => {
  const { source, page, ...rest } = parseQuery(MessagesQuery, c);
  const filters = Object.fromEntries(
    Object.entries({ ...rest, sourceId: source }).filter(([, v]) => v !== undefined),
  );
  const { db } = c.var.deps;
  const result = listMessages(db, filters, page ?? 1);
  const query = new URL(c.req.url).search;
  return c.render(
    <MessageListView
      {...result}
      filters={filters}
      choices={messageFilterChoices(db)}
      query={query}
    />,
    { title: 'Messages' },
  );
});
