import type { RuleSummary } from '../src/rules/list-rules.ts';
import { precisionOf, type RuleStats } from '../src/rules/rule-stats.ts';

/** `problem`: why the stored rule no longer validates (not run until changed), if it does not. */
export type RuleRowView = RuleSummary & { stats: RuleStats; problem?: string | null };

/** "75% (3 rejected, 1 approved)": how often moderators agreed with the rule; n/a when never. */
export function PrecisionText(props: { stats: RuleStats }) {
  const precision = precisionOf(props.stats);
  if (precision === null) return <span class="muted">n/a</span>;
  return (
    <span class="precision">
      {`${Math.round(precision * 100)}%`}{' '}
      <span class="muted">{`(${props.stats.rejected} rejected, ${props.stats.approved} approved)`}</span>
    </span>
  );
}

/** Every rule with its hits in the last 24 h and its precision; admins get a "New rule" link. */
export function RulesPageView(props: { rules: RuleRowView[]; canEdit: boolean }) {
  return (
    <section class="rules-page" data-page="rules">
      <h1>Rules</h1>
      <p class="muted">
        Hits count the flags a rule raised in the last 24 hours, logged ones (action log) included.
        Precision: of its flagged messages that moderators decided, the share they rejected (the
        flag was right) against those they approved or highlighted.
      </p>
      {props.canEdit ? (
        <p>
          <a class="button" href="/rules/new">
            New rule
          </a>
        </p>
      ) : null}
      {props.rules.length === 0 ? <p class="empty">No rules yet.</p> : null}
      <table class="messages rules">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Severity</th>
            <th>Action</th>
            <th>Enabled</th>
            <th>Version</th>
            <th>Hits (24 h)</th>
            <th>Precision</th>
          </tr>
        </thead>
        <tbody>
          {props.rules.map((r) => (
            <tr class={r.enabled ? 'rule enabled' : 'rule disabled'} data-rule-id={r.id}>
              <td data-label="Name">
                <a href={`/rules/${r.id}`}>{r.name}</a>
                {r.problem ? (
                  <>
                    {' '}
                    <span class="badge needs-change" title={r.problem}>
                      needs a change
                    </span>
                  </>
                ) : null}
              </td>
              <td data-label="Kind">{r.kind}</td>
              <td data-label="Severity">
                <span class={`badge ${r.severity}`}>{r.severity}</span>
              </td>
              <td data-label="Action">{r.action}</td>
              <td data-label="Enabled">{r.enabled ? 'yes' : 'no'}</td>
              <td data-label="Version">{r.version}</td>
              <td data-label="Hits (24 h)" class="hits">
                {r.stats.hits}
              </td>
              <td data-label="Precision" class="precision-cell">
                <PrecisionText stats={r.stats} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
