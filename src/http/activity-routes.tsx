import { Hono } from 'hono';
import { ROLES } from '../auth/account-fields.ts';
import { readActivity } from '../activity/read-activity.ts';
import { ActivityPageView } from '../../views/activity-page.tsx';
import type { AppEnv } from './app-env.ts';
import { requireRole } from './require-role.ts';

/** `/activity`: messages, flags and decisions over time and the queue's depth, for every role. */
export const activityRoutes = new Hono<AppEnv>().get('/activity', requireRole(...ROLES), (c) =>
  c.render(<ActivityPageView activity={readActivity(c.var.deps)} cacheSeconds={0} />, {
    title: 'Activity',
  }),
);
