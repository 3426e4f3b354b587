import type { Activity } from '../src/activity/read-activity.ts';
import { BarChart } from './components/bar-chart.tsx';
import { ExportLinks } from './components/export-links.tsx';
import { ago, isoTime, When } from './components/when.tsx';

/** The UTC day of a time, as the exports' `since` takes it (YYYY-MM-DD). */
const dayOf = (ms: number) => isoTime(ms)?.slice(0, 10) ?? '';

const SERIES = [
  { name: 'messages', title: 'Messages received', unit: 'messages' },
  { name: 'flags', title: 'Flags raised', unit: 'flags' },
  { name: 'decisions', title: 'Decisions made', unit: 'decisions' },
] as const;

/** `/activity`: how busy the chat and the moderators were, and how long the queue is. */
export function ActivityPageView(props: { activity: Activity; cacheSeconds: number }) {
  const a = props.activity;
  return (
    <section class="activity-page" data-page="activity">
      <h1>Activity</h1>
      <dl class="queue-depth">
        <div>
          <dt>Open items</dt>
          <dd data-open-items={a.openItems}>
            <a href="/">{a.openItems.toLocaleString('en')}</a>
          </dd>
        </div>
        <div>
          <dt>Oldest open item</dt>
          <dd>
            {a.oldestOpenAt === null ? (
              'none: the queue is empty'
            ) : (
              <>
                waiting {ago(a.oldestOpenAt, a.at)} (since <When at={a.oldestOpenAt} />)
              </>
            )}
          </dd>
        </div>
      </dl>
      <h2>Last 24 hours, per hour (UTC)</h2>
      <div class="charts">
        {SERIES.map((s) => (
          <BarChart
            id={`hourly-${s.name}`}
            title={`${s.title}, per hour`}
            window={a.hourly}
            values={a.counts[s.name].hourly}
            unit={s.unit}
            labelEvery={6}
            series={`series-${s.name}`}
          />
        ))}
      </div>
      <h2>Last 30 days, per day (UTC)</h2>
      <p class="activity-exports">
        <ExportLinks query={`?since=${dayOf(a.daily.start)}`} />{' '}
        <span class="muted">(from {dayOf(a.daily.start)})</span>
      </p>
      <div class="charts">
        {SERIES.map((s) => (
          <BarChart
            id={`daily-${s.name}`}
            title={`${s.title}, per day`}
            window={a.daily}
            values={a.counts[s.name].daily}
            unit={s.unit}
            labelEvery={7}
            series={`series-${s.name}`}
          />
        ))}
      </div>
      <p class="muted">
        As of <When at={a.at} />
        {props.cacheSeconds > 0 ? `; counted at most ${props.cacheSeconds} s earlier` : ''}.
        Messages count when they arrived; flags of rules on trial are not counted.
      </p>
    </section>
  );
}
