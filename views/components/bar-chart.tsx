import {
  axisTicks,
  barHeight,
  bucketLabel,
  bucketSpan,
  niceCeiling,
  type BucketWindow,
} from '../../src/activity/activity-buckets.ts';

const WIDTH = 600;
const HEIGHT = 170;
const LEFT = 56;
const RIGHT = 4;
const TOP = 8;
const BOTTOM = 28;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;
const PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;

export type BarChartProps = {
  /** Unique in the page: the ids of the accessible title and description derive from it. */
  id: string;
  title: string;
  window: BucketWindow;
  values: number[];
  /** What is counted, plural ("messages"). */
  unit: string;
  /** Label every n-th bucket on the x axis. */
  labelEvery: number;
  /** CSS class of the bars (the series' colour, views/assets/app.css). */
  series: string;
};

/**
 * A small bar chart as inline SVG (no script, no inline style: the CSP holds): an axis with
 * nice round ticks, one bar per bucket with its exact count as a tooltip, an accessible title
 * and a text summary, and the numbers as a table for screen readers and copying.
 */
export function BarChart(props: BarChartProps) {
  const { window, values } = props;
  const total = values.reduce((sum, n) => sum + n, 0);
  const peak = Math.max(0, ...values);
  const peakIndex = values.indexOf(peak);
  const ceiling = niceCeiling(peak);
  const slot = PLOT_WIDTH / window.count;
  const summary =
    total === 0
      ? `No ${props.unit}.`
      : `${total.toLocaleString('en')} ${props.unit} in all; the most, ${peak.toLocaleString('en')}, in ${bucketSpan(window, peakIndex)}.`;
  const y = (value: number) => TOP + PLOT_HEIGHT - barHeight(value, ceiling, PLOT_HEIGHT);
  return (
    <figure class="chart" id={props.id}>
      <svg
        class={`bar-chart ${props.series}`}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${props.id}-title ${props.id}-desc`}
      >
        <title id={`${props.id}-title`}>{props.title}</title>
        <desc id={`${props.id}-desc`}>{summary}</desc>
        {axisTicks(ceiling).map((tick) => (
          <g class="tick">
            <line class="grid" x1={LEFT} x2={WIDTH - RIGHT} y1={y(tick)} y2={y(tick)} />
            <text class="axis-label" x={LEFT - 6} y={y(tick) + 6} text-anchor="end">
              {tick.toLocaleString('en')}
            </text>
          </g>
        ))}
        {values.map((value, i) => {
          const height = barHeight(value, ceiling, PLOT_HEIGHT);
          return (
            <rect
              class="bar"
              x={round(LEFT + i * slot + slot * 0.1)}
              y={round(TOP + PLOT_HEIGHT - height)}
              width={round(slot * 0.8)}
              height={height}
              data-count={value}
            >
              <title>{`${bucketSpan(window, i)}: ${value.toLocaleString('en')} ${props.unit}`}</title>
            </rect>
          );
        })}
        {values.map((_, i) =>
          i % props.labelEvery === 0 ? (
            <text
              class="axis-label"
              x={round(LEFT + (i + 0.5) * slot)}
              y={HEIGHT - 8}
              text-anchor="middle"
            >
              {bucketLabel(window, i)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption>
        <strong>{props.title}</strong>: {summary}
      </figcaption>
      <details class="chart-numbers">
        <summary>Numbers</summary>
        <table class="messages">
          <thead>
            <tr>
              <th>When</th>
              <th>{props.unit}</th>
            </tr>
          </thead>
          <tbody>
            {values.map((value, i) => (
              <tr>
                <td data-label="When">{bucketSpan(window, i)}</td>
                <td data-label={props.unit}>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
