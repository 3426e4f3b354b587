import type { Child } from 'hono/jsx';
import type { RuleSummary } from '../src/rules/list-rules.ts';
import type { DryRunResult } from '../src/rules/dry-run-rule.ts';
import {
  isRuleKind,
  RULE_ACTIONS,
  RULE_KIND_NAMES,
  RULE_KINDS,
  SEVERITIES,
  type RuleKind,
} from '../src/rules/rule-kinds.ts';
import type { RuleStats } from '../src/rules/rule-stats.ts';
import type { VersionEntry } from '../src/rules/rule-version-changes.ts';
import type { TextTestResult } from '../src/rules/try-rules.ts';
import { CsrfField } from './components/csrf-field.tsx';
import { HighlightedText } from './components/highlighted-text.tsx';
import { NoticeLine, type Notice } from './components/notice.tsx';
import { UserText } from './components/user-text.tsx';
import { When } from './components/when.tsx';
import { PrecisionText } from './rules-page.tsx';
import { actorName } from './components/actor-name.ts';

/** The fields of the rule form, as typed (strings), so a refused form comes back as it was. */
export type RuleFormValues = {
  /** null: a new rule. */
  ruleId: number | null;
  kind: string;
  name: string;
  severity: string;
  action: string;
  /** Settings as JSON text. */
  settings: string;
  /** Source ids, comma- or line-separated; empty: every source. */
  sources: string;
  /** Channel external ids, comma- or line-separated; empty: every channel. */
  channels: string;
  enabled: boolean;
  /** The test box's text. */
  text: string;
  /** The dry run's window in days. */
  days: string;
};

export const RULE_FORM_FIELDS = [
  'kind',
  'name',
  'severity',
  'action',
  'settings',
  'sources',
  'channels',
  'text',
  'days',
  'form',
] as const;
export type RuleFormField = (typeof RULE_FORM_FIELDS)[number];
export type RuleFormErrors = Partial<Record<RuleFormField, string>>;

/** A starting point for each kind's settings (every key shown, defaults filled in). */
export const SETTINGS_EXAMPLES: Record<RuleKind, unknown> = {
  keyword: { words: ['spam', 'sp*m'], match: 'word', allow: [], leet: false },
  regex: { patterns: ['buy\\s+now'], caseSensitive: false, on: 'normalized' },
  personal_data: { kinds: ['email', 'phone', 'card', 'iban'] },
  link: { mode: 'block', domains: ['example.com'] },
  shouting: { minLetters: 12, share: 0.7 },
  flood: { messages: 10, seconds: 30 },
  repetition: { times: 3, seconds: 60, maxDistance: 0, across: 'sender', minLength: 4 },
  new_sender: { minutes: 60, check: { kind: 'link', settings: { mode: 'any', domains: [] } } },
  reaction_signal: { emoji: ['👎'], users: 3 },
  reaction_flood: { reactions: 30, seconds: 60 },
};

export const settingsExample = (kind: RuleKind) => JSON.stringify(SETTINGS_EXAMPLES[kind], null, 2);

function settingsKeys(kind: string): string {
  return isRuleKind(kind) ? Object.keys(RULE_KINDS[kind].shape).join(', ') : '';
}

function FieldError(props: { errors: RuleFormErrors; field: RuleFormField }) {
  const message = props.errors[props.field];
  if (message === undefined) return null;
  return (
    <p class="error field-error" role="alert" data-field={props.field}>
      {message}
    </p>
  );
}

function Select(props: { name: string; value: string; options: readonly string[] }) {
  return (
    <select name={props.name} id={`rule-${props.name}`}>
      {props.options.map((o) => (
        <option value={o} selected={props.value === o}>
          {o}
        </option>
      ))}
    </select>
  );
}

/**
 * The create/edit form of a rule, with its test box and dry run: the fragment a refused save
 * (422) replaces in place. Test and dry run send the same fields, so they try the draft as typed.
 */
export function RuleForm(props: {
  values: RuleFormValues;
  errors: RuleFormErrors;
  csrfToken: string;
  testResult?: Child;
  dryRun?: Child;
}) {
  const { values: v, errors } = props;
  const action = v.ruleId === null ? '/rules' : `/rules/${v.ruleId}`;
  return (
    <form
      id="rule-form"
      class="rule-form"
      method="post"
      action={action}
      hx-post={action}
      hx-target="this"
      hx-swap="outerHTML"
    >
      <CsrfField token={props.csrfToken} />
      {v.ruleId === null ? null : <input type="hidden" name="ruleId" value={String(v.ruleId)} />}
      <FieldError errors={errors} field="form" />
      <p>
        <label for="rule-kind">Kind</label>
        {v.ruleId === null ? (
          <select
            name="kind"
            id="rule-kind"
            hx-get="/rules/form"
            hx-trigger="change"
            hx-target="#rule-form"
            hx-swap="outerHTML"
            hx-include="#rule-name, #rule-severity, #rule-action, #rule-settings, #rule-sources, #rule-channels, #rule-enabled"
          >
            {RULE_KIND_NAMES.map((k) => (
              <option value={k} selected={v.kind === k}>
                {k}
              </option>
            ))}
          </select>
        ) : (
          <>
            <input type="hidden" name="kind" value={v.kind} />
            <strong id="rule-kind">{v.kind}</strong>{' '}
            <span class="muted">(cannot change; create a new rule instead)</span>
          </>
        )}
        <FieldError errors={errors} field="kind" />
      </p>
      <p>
        <label for="rule-name">Name</label>
        <input type="text" name="name" id="rule-name" value={v.name} maxlength={100} />
        <FieldError errors={errors} field="name" />
      </p>
      <p>
        <label for="rule-severity">Severity</label>
        <Select name="severity" value={v.severity} options={SEVERITIES} />
        <FieldError errors={errors} field="severity" />
      </p>
      <p>
        <label for="rule-action">Action</label>
        <Select name="action" value={v.action} options={RULE_ACTIONS} />
        <span class="muted">
          {' '}
          log: record only, to trial a rule; scrub and block act only where a sender asks first
        </span>
        <FieldError errors={errors} field="action" />
      </p>
      <p>
        <label for="rule-settings">Settings (JSON)</label>
        <textarea name="settings" id="rule-settings" rows={8} cols={70} spellcheck={false}>
          {v.settings}
        </textarea>
        <span class="muted hint">
          Keys for {v.kind}: {settingsKeys(v.kind)}
        </span>
        <FieldError errors={errors} field="settings" />
      </p>
      <p>
        <label for="rule-sources">Only these sources</label>
        <input
          type="text"
          name="sources"
          id="rule-sources"
          value={v.sources}
          placeholder="every source (or ids, comma-separated)"
        />
        <FieldError errors={errors} field="sources" />
      </p>
      <p>
        <label for="rule-channels">Only these channels</label>
        <input
          type="text"
          name="channels"
          id="rule-channels"
          value={v.channels}
          placeholder="every channel (or channel ids, comma-separated)"
        />
        <FieldError errors={errors} field="channels" />
      </p>
      {v.ruleId === null ? (
        <p>
          <label>
            <input
              type="checkbox"
              name="enabled"
              id="rule-enabled"
              value="on"
              checked={v.enabled}
            />{' '}
            Enabled (checks new messages as soon as it is saved)
          </label>
        </p>
      ) : null}
      <p>
        <button type="submit" class="save">
          {v.ruleId === null ? 'Create rule' : 'Save as a new version'}
        </button>
      </p>
      <fieldset class="rule-try">
        <legend>Try it before saving</legend>
        <p>
          <label for="rule-text">Text</label>
          <textarea name="text" id="rule-text" rows={2} cols={70} maxlength={10_000}>
            {v.text}
          </textarea>
          <button
            type="submit"
            formaction="/rules/test"
            hx-post="/rules/test"
            hx-target="#rule-test-result"
            hx-swap="innerHTML"
          >
            Test text
          </button>
          <FieldError errors={errors} field="text" />
        </p>
        <div id="rule-test-result" aria-live="polite">
          {props.testResult}
        </div>
        <p>
          <label for="rule-days">Dry run over the last</label>
          <input
            type="number"
            name="days"
            id="rule-days"
            min={1}
            max={30}
            value={v.days}
          /> days{' '}
          <button
            type="submit"
            formaction="/rules/dry-run"
            hx-post="/rules/dry-run"
            hx-target="#rule-dry-run"
            hx-swap="innerHTML"
          >
            Dry run
          </button>
          <FieldError errors={errors} field="days" />
        </p>
        <div id="rule-dry-run" aria-live="polite">
          {props.dryRun}
        </div>
      </fieldset>
    </form>
  );
}

/** For those who may not edit: the test box alone, trying the stored rule. */
export function RuleTestForm(props: {
  ruleId: number;
  text: string;
  csrfToken: string;
  result?: Child;
}) {
  return (
    <form
      class="rule-test"
      method="post"
      action="/rules/test"
      hx-post="/rules/test"
      hx-target="#rule-test-result"
      hx-swap="innerHTML"
    >
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="ruleId" value={String(props.ruleId)} />
      <label for="rule-text">Text</label>
      <textarea name="text" id="rule-text" rows={2} cols={70} maxlength={10_000}>
        {props.text}
      </textarea>
      <button type="submit">Test text</button>
      <div id="rule-test-result" aria-live="polite">
        {props.result}
      </div>
    </form>
  );
}

/** What the test box found: each match with its span marked in the text, and how it matched. */
export function TestResultView(props: { text: string; result: TextTestResult }) {
  const { matches, skipped } = props.result;
  return (
    <div class="test-result">
      {matches.length === 0 ? (
        <p class="no-match">No match.</p>
      ) : (
        matches.map((m) => (
          <div class="match">
            <p>
              <strong>Matches:</strong> {m.reason}
            </p>
            <p class="tested-text">
              <HighlightedText text={props.text} spans={m.span === null ? [] : [m.span]} />
            </p>
            {m.span === null ? (
              <p class="muted">The whole message; no span.</p>
            ) : (
              <dl class="trace">
                <dt>Matched</dt>
                <dd>
                  <code class="matched">
                    <UserText text={m.span.matched} />
                  </code>{' '}
                  at {m.span.start}–{m.span.end}
                </dd>
                <dt>As normalized</dt>
                <dd>
                  <code>{m.span.normalized}</code>
                </dd>
                <dt>Transformations</dt>
                <dd class="transformations">
                  {m.span.transformations.length === 0 ? 'none' : m.span.transformations.join(', ')}
                </dd>
              </dl>
            )}
          </div>
        ))
      )}
      {skipped.map((s) => (
        <p class="muted skipped">
          {s.kind} is not tried on a lone text: {s.why}. Use the dry run.
        </p>
      ))}
      {props.result.overBudget.map((o) => (
        <p class="notice over-budget">
          {o.tookMs === null
            ? `${o.name} was not run: the ${props.result.budgetMs} ms a message may use were spent.`
            : `${o.name} took ${o.tookMs} ms on this text, more than the ${props.result.budgetMs} ms a message may use: on a real message the rules after it would be skipped and the message flagged "evaluation exceeded budget".`}
        </p>
      ))}
    </div>
  );
}

/** How many stored messages a draft would flag, with samples; says when the window was capped. */
export function DryRunView(props: { result: DryRunResult; savedHits?: number | undefined }) {
  const r = props.result;
  const outside = r.scanned - r.examined;
  return (
    <div class="dry-run">
      <p>
        Would flag <strong class="would-flag">{r.wouldFlag}</strong> of{' '}
        <span class="examined">{r.examined}</span> {r.examined === 1 ? 'message' : 'messages'}{' '}
        received in the last {r.days} {r.days === 1 ? 'day' : 'days'}
        {outside > 0
          ? ` (${outside} more ${outside === 1 ? 'is' : 'are'} outside the rule's scope)`
          : ''}
        .
      </p>
      {props.savedHits === undefined ? null : (
        <p class="saved-hits">
          The saved rule raised <strong>{props.savedHits}</strong>{' '}
          {props.savedHits === 1 ? 'flag' : 'flags'} in the same {r.days}{' '}
          {r.days === 1 ? 'day' : 'days'}.
        </p>
      )}
      {r.capped ? (
        <p class="notice capped">
          The window holds more than {r.limit.toLocaleString('en')} messages: only the newest{' '}
          {r.limit.toLocaleString('en')} (back to <When at={r.oldestScanned ?? r.since} />) were
          replayed.
        </p>
      ) : null}
      {r.timedOut ? (
        <p class="notice timed-out">
          Stopped after {r.timeLimitMs / 1000} s: only the newest {r.scanned.toLocaleString('en')}{' '}
          messages (back to <When at={r.oldestScanned ?? r.since} />) were replayed. A rule this
          slow would hold up every message; consider making it simpler.
        </p>
      ) : null}
      {r.samples.length === 0 ? null : (
        <ol class="samples">
          {r.samples.map((s) => (
            <li class="sample">
              <When at={s.receivedAt} /> <UserText class="screen-name" text={s.screenName} />{' '}
              <HighlightedText text={s.text} spans={s.span === null ? [] : [s.span]} />{' '}
              <span class="muted">
                <UserText text={s.reason} />
              </span>{' '}
              <a href={`/messages/${s.messageId}`}>open</a>
            </li>
          ))}
        </ol>
      )}
      <p class="muted">A dry run writes nothing.</p>
    </div>
  );
}

/** Every version of a rule, newest first, with what it changed. */
export function VersionHistory(props: { versions: VersionEntry[] }) {
  return (
    <table class="messages versions">
      <thead>
        <tr>
          <th>Version</th>
          <th>Time</th>
          <th>By</th>
          <th>Changed</th>
          <th>Settings</th>
          <th>Scope</th>
        </tr>
      </thead>
      <tbody>
        {props.versions.map((v) => (
          <tr class="version" data-version={v.version}>
            <td data-label="Version">{v.version}</td>
            <td data-label="Time">
              <When at={v.createdAt} />
            </td>
            <td data-label="By">{actorName(v.actor)}</td>
            <td data-label="Changed">{v.changes.join('; ')}</td>
            <td data-label="Settings">
              <code>{v.settingsJson}</code>
            </td>
            <td data-label="Scope">
              <code>{v.scopeJson}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export type RulePageProps = {
  rule: RuleSummary;
  stats: RuleStats;
  versions: VersionEntry[];
  canEdit: boolean;
  csrfToken: string;
  /** What the last change did (from the redirect's `done`). */
  notice?: Notice;
  /** The form as typed, when a test or dry run came back as a whole page (no JavaScript). */
  values: RuleFormValues;
  errors?: RuleFormErrors;
  testResult?: Child;
  dryRun?: Child;
  /** Why the stored rule no longer validates (it is not run until changed); null when it does. */
  problem?: string | null;
};

function describeScope(rule: RuleSummary): string {
  const { sources, channels } = rule.scope;
  return [
    sources.length === 0 ? 'every source' : `sources ${sources.join(', ')}`,
    channels.length === 0 ? 'every channel' : `channels ${channels.join(', ')}`,
  ].join('; ');
}

/** One rule: its definition and figures, edit form (admins) or test box, and version history. */
export function RulePageView(props: RulePageProps) {
  const { rule } = props;
  return (
    <section class="rule-page" data-page="rule" data-rule-id={rule.id}>
      <p>
        <a href="/rules">← Rules</a> · <a href={`/?rule=${rule.id}`}>Its open flags in the queue</a>
      </p>
      <NoticeLine notice={props.notice} />
      <h1>
        Rule <span class="rule-name">{rule.name}</span>
      </h1>
      {props.problem ? (
        <p role="alert" class="notice needs-change">
          This rule needs a change: it is not run until it is saved in a form that passes today's
          checks. {props.problem}
        </p>
      ) : null}
      <dl class="rule-facts">
        <dt>Kind</dt>
        <dd>{rule.kind}</dd>
        <dt>Severity</dt>
        <dd>
          <span class={`badge ${rule.severity}`}>{rule.severity}</span>
        </dd>
        <dt>Action</dt>
        <dd>{rule.action}</dd>
        <dt>Enabled</dt>
        <dd class="enabled-state">{rule.enabled ? 'yes' : 'no'}</dd>
        <dt>Version</dt>
        <dd>
          {rule.version} (changed <When at={rule.updatedAt} />)
        </dd>
        <dt>Scope</dt>
        <dd>{describeScope(rule)}</dd>
        <dt>Hits (24 h)</dt>
        <dd class="hits">{props.stats.hits}</dd>
        <dt>Precision</dt>
        <dd class="precision-cell">
          <PrecisionText stats={props.stats} />
        </dd>
        <dt>Settings</dt>
        <dd>
          <code>{JSON.stringify(rule.settings)}</code>
        </dd>
      </dl>
      {props.canEdit ? (
        <form method="post" action={`/rules/${rule.id}/enabled`} class="rule-toggle">
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="enabled" value={rule.enabled ? 'false' : 'true'} />
          <button type="submit">{rule.enabled ? 'Disable' : 'Enable'}</button>
        </form>
      ) : null}
      {props.canEdit ? (
        <>
          <h2>Edit</h2>
          <RuleForm
            values={props.values}
            errors={props.errors ?? {}}
            csrfToken={props.csrfToken}
            testResult={props.testResult}
            dryRun={props.dryRun}
          />
        </>
      ) : (
        <>
          <h2>Test</h2>
          {rule.enabled ? (
            <RuleTestForm
              ruleId={rule.id}
              text={props.values.text}
              csrfToken={props.csrfToken}
              result={props.testResult}
            />
          ) : (
            <p class="muted">Only admins try disabled rules.</p>
          )}
        </>
      )}
      <h2>Version history</h2>
      <VersionHistory versions={props.versions} />
    </section>
  );
}

/** A new rule: the form, its test box and its dry run. */
export function NewRulePageView(props: {
  values: RuleFormValues;
  errors: RuleFormErrors;
  csrfToken: string;
  testResult?: Child;
  dryRun?: Child;
}) {
  return (
    <section class="rule-page new-rule" data-page="new-rule">
      <p>
        <a href="/rules">← Rules</a>
      </p>
      <h1>New rule</h1>
      <p class="muted">
        Try the rule on a text and dry-run it over stored messages before creating it. Consider
        starting with action log: it records hits without filling the queue.
      </p>
      <RuleForm {...props} />
    </section>
  );
}
