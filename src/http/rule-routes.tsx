import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { accountActor, ROLES } from '../auth/account-fields.ts';
import { DomainError } from '../errors.ts';
import { DRY_RUN_DEFAULT_DAYS, dryRunRule } from '../rules/dry-run-rule.ts';
import { getRule, listRuleVersions, listRules, type RuleSummary } from '../rules/list-rules.ts';
import { isRuleKind, type RuleKind } from '../rules/rule-kinds.ts';
import { ruleHitsSince, ruleStats } from '../rules/rule-stats.ts';
import { describeRuleVersions } from '../rules/rule-version-changes.ts';
import { ruleProblem } from '../rules/rules-needing-change.ts';
import { saveRule } from '../rules/save-rule.ts';
import { setRuleEnabled } from '../rules/set-rule-enabled.ts';
import { testRulesOnText } from '../rules/try-rules.ts';
import { notice, type Notice } from '../../views/components/notice.tsx';
import { ErrorFragment } from '../../views/error-page.tsx';
import {
  DryRunView,
  NewRulePageView,
  RULE_FORM_FIELDS,
  RuleForm,
  RulePageView,
  settingsExample,
  SETTINGS_EXAMPLES,
  TestResultView,
  type RuleFormErrors,
  type RuleFormField,
  type RuleFormValues,
} from '../../views/rule-page.tsx';
import { RulesPageView } from '../../views/rules-page.tsx';
import type { AppEnv } from './app-env.ts';
import { idParam } from './query-params.ts';
import { errorStatus } from './error-response.ts';
import { textField } from './form-fields.ts';
import { doneNotice, goTo, isHtmx, withDone } from './request-info.ts';
import { requireRole } from './require-role.ts';

const DAY_MS = 86_400_000;
const MAX_TEST_TEXT = 10_000;

/** `/rules`: every rule with its figures (all roles read; admins create, edit, switch off). */
export const ruleRoutes = new Hono<AppEnv>()
  .get('/rules', requireRole(...ROLES), (c) => {
    const { deps, session } = c.var;
    const stats = ruleStats(deps.db, deps.now() - DAY_MS);
    const rules = listRules(deps.db).map((r) => ({
      ...r,
      stats: statsOf(stats, r.id),
      problem: ruleProblem(r),
    }));
    return c.render(<RulesPageView rules={rules} canEdit={session!.account.role === 'admin'} />, {
      title: 'Rules',
    });
  })
  .get('/rules/new', requireRole('admin'), (c) =>
    c.render(<NewRulePageView values={newValues()} errors={{}} csrfToken={c.var.csrfToken} />, {
      title: 'New rule',
    }),
  )
  // The new-rule form again for another kind (htmx, when the kind changes), with its example.
  .get('/rules/form', requireRole('admin'), (c) => {
    const values = readValues(c.req.query());
    if (isRuleKind(values.kind) && isExampleOrBlank(values.settings)) {
      values.settings = settingsExample(values.kind);
    }
    return c.html(<RuleForm values={values} errors={{}} csrfToken={c.var.csrfToken} />);
  })
  .post('/rules/test', requireRole(...ROLES), async (c) => {
    const { deps, session } = c.var;
    const values = readValues(await c.req.parseBody());
    const tried = await attempt(() => {
      if (values.text.length > MAX_TEST_TEXT) {
        throw invalid('text', `text: must be at most ${MAX_TEST_TEXT} characters`);
      }
      // A draft (the form's fields) is an admin's; others try the stored rule, if it runs.
      const which =
        values.kind === '' ? { ruleId: formRuleId(values) } : { draft: trialDraft(values) };
      if (session!.account.role !== 'admin') {
        if ('draft' in which) throw new DomainError('forbidden', 'Only admins try unsaved rules.');
        if (!getRule(deps.db, which.ruleId).enabled) {
          throw new DomainError('forbidden', 'Only admins try disabled rules.');
        }
      }
      return testRulesOnText(deps.db, values.text, which, deps.now());
    });
    if (!tried.ok) return showErrors(c, values, tried.error, 'result');
    const view = <TestResultView text={values.text} result={tried.value} />;
    return isHtmx(c) ? c.html(view) : renderEditor(c, values, { testResult: view });
  })
  .post('/rules/dry-run', requireRole('admin'), async (c) => {
    const { deps } = c.var;
    const values = readValues(await c.req.parseBody());
    const tried = await attempt(() =>
      dryRunRule(deps.db, trialDraft(values), { days: dayCount(values), now: deps.now() }),
    );
    if (!tried.ok) return showErrors(c, values, tried.error, 'result');
    const saved =
      values.ruleId === null ? undefined : ruleHitsSince(deps.db, values.ruleId, tried.value.since);
    const view = <DryRunView result={tried.value} savedHits={saved} />;
    return isHtmx(c) ? c.html(view) : renderEditor(c, values, { dryRun: view });
  })
  .post('/rules', requireRole('admin'), async (c) => {
    const { deps, session } = c.var;
    const values = readValues(await c.req.parseBody());
    values.ruleId = null;
    const tried = await attempt(() =>
      saveRule(deps, { draft: draftFrom(values) }, accountActor(session!.account)),
    );
    if (!tried.ok) return showErrors(c, values, tried.error);
    return redirectTo(c, `/rules/${tried.value.id}`, notice('rule-created'));
  })
  .get('/rules/:id', requireRole(...ROLES), (c) => {
    const rule = getRule(c.var.deps.db, ruleIdOf(c));
    const done = doneNotice(c);
    return renderRulePage(c, rule, valuesOf(rule), done ? { notice: done } : {});
  })
  .post('/rules/:id', requireRole('admin'), async (c) => {
    const { deps, session } = c.var;
    const current = getRule(deps.db, ruleIdOf(c));
    const values = { ...readValues(await c.req.parseBody()), ruleId: current.id };
    const tried = await attempt(() => {
      // The kind and the on/off switch are not part of this form.
      const draft = { ...draftFrom(values), kind: current.kind, enabled: current.enabled };
      return saveRule(deps, { ruleId: current.id, draft }, accountActor(session!.account));
    });
    if (!tried.ok) return showErrors(c, values, tried.error);
    const saved = tried.value;
    const done =
      saved.version === current.version
        ? notice('rule-unchanged')
        : notice('rule-saved', saved.version);
    return redirectTo(c, `/rules/${current.id}`, done);
  })
  .post('/rules/:id/enabled', requireRole('admin'), async (c) => {
    const { deps, session } = c.var;
    const ruleId = ruleIdOf(c);
    const enabled = textField(await c.req.parseBody(), 'enabled');
    if (enabled !== 'true' && enabled !== 'false') {
      throw invalid('enabled', 'enabled: must be true or false');
    }
    const result = setRuleEnabled(
      deps,
      { ruleId, enabled: enabled === 'true' },
      accountActor(session!.account),
    );
    const state = enabled === 'true' ? 'enabled' : 'disabled';
    const done = result.rule
      ? notice('rule-switched', state, result.rule.version)
      : notice('rule-unswitched', state);
    return redirectTo(c, `/rules/${ruleId}`, done);
  });

const statsOf = (stats: ReturnType<typeof ruleStats>, id: number) =>
  stats.get(id) ?? { hits: 0, rejected: 0, approved: 0 };

const ruleIdOf = (c: Context<AppEnv>) => idParam(c, 'rule');

function invalid(field: string, message: string): DomainError {
  return new DomainError('invalid_input', message, field);
}

function newValues(kind: RuleKind = 'keyword'): RuleFormValues {
  return {
    ruleId: null,
    kind,
    name: '',
    severity: 'medium',
    action: 'flag',
    settings: settingsExample(kind),
    sources: '',
    channels: '',
    enabled: true,
    text: '',
    days: String(DRY_RUN_DEFAULT_DAYS),
  };
}

function valuesOf(rule: RuleSummary): RuleFormValues {
  return {
    ruleId: rule.id,
    kind: rule.kind,
    name: rule.name,
    severity: rule.severity,
    action: rule.action,
    settings: JSON.stringify(rule.settings, null, 2),
    sources: rule.scope.sources.join(', '),
    channels: rule.scope.channels.join(', '),
    enabled: rule.enabled,
    text: '',
    days: String(DRY_RUN_DEFAULT_DAYS),
  };
}

/** The form's fields as typed; a parsed body or a query string. */
function readValues(form: Record<string, unknown>): RuleFormValues {
  const ruleId = Number(textField(form, 'ruleId'));
  return {
    ruleId: Number.isSafeInteger(ruleId) && ruleId > 0 ? ruleId : null,
    kind: textField(form, 'kind'),
    name: textField(form, 'name'),
    severity: textField(form, 'severity'),
    action: textField(form, 'action'),
    settings: textField(form, 'settings'),
    sources: textField(form, 'sources'),
    channels: textField(form, 'channels'),
    enabled: textField(form, 'enabled') === 'on',
    text: textField(form, 'text'),
    days: textField(form, 'days') || String(DRY_RUN_DEFAULT_DAYS),
  };
}

function formRuleId(values: RuleFormValues): number {
  if (values.ruleId === null) throw new DomainError('not_found', 'no such rule');
  return values.ruleId;
}

const splitList = (text: string) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * The draft the form describes, for saveRule (which validates it: no second set of rules here).
 * Only the settings' JSON syntax is checked here, since it is text until parsed.
 */
function draftFrom(values: RuleFormValues): Record<string, unknown> {
  let settings: unknown;
  try {
    settings = JSON.parse(values.settings.trim() === '' ? '{}' : values.settings);
  } catch (error) {
    throw invalid('settings', `settings: is not valid JSON (${(error as Error).message})`);
  }
  return {
    kind: values.kind,
    name: values.name,
    severity: values.severity === '' ? undefined : values.severity,
    action: values.action === '' ? undefined : values.action,
    settings,
    scope: { sources: splitList(values.sources), channels: splitList(values.channels) },
    enabled: values.enabled,
  };
}

/** A draft to test or dry-run needs no name yet. */
function trialDraft(values: RuleFormValues): unknown {
  return draftFrom({ ...values, name: values.name.trim() === '' ? 'draft' : values.name });
}

function dayCount(values: RuleFormValues): number {
  const days = Number(values.days);
  return /^\d+$/.test(values.days.trim()) ? days : Number.NaN;
}

/** A settings text the admin has not changed from some kind's example (or left blank). */
function isExampleOrBlank(settings: string): boolean {
  if (settings.trim() === '') return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(settings);
  } catch {
    return false;
  }
  return Object.values(SETTINGS_EXAMPLES).some(
    (example) => JSON.stringify(example) === JSON.stringify(parsed),
  );
}

/** The form field a domain error concerns (`settings.patterns.0` → settings). */
function formField(field: string | undefined): RuleFormField {
  const [head, sub] = (field ?? '').split('.');
  if (head === 'scope') return sub === 'channels' ? 'channels' : 'sources';
  return (RULE_FORM_FIELDS as readonly string[]).includes(head ?? '')
    ? (head as RuleFormField)
    : 'form';
}

/** Runs a verb; its `invalid_input` refusal becomes a value to show in the form, not a throw. */
async function attempt<T>(
  fn: () => T | Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: DomainError }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof DomainError && error.code === 'invalid_input') return { ok: false, error };
    throw error;
  }
}

/**
 * A refused form (422): the form again with the error under its field — the fragment for htmx
 * (the save swaps the whole form; a test or dry run, its result box), else the whole page.
 */
function showErrors(
  c: Context<AppEnv>,
  values: RuleFormValues,
  error: DomainError,
  htmxAnswer: 'form' | 'result' = 'form',
) {
  const status = errorStatus(c, error);
  const errors: RuleFormErrors = { [formField(error.field)]: error.message };
  if (!isHtmx(c)) return renderEditor(c, values, { errors }, status);
  if (htmxAnswer === 'result') {
    return c.html(<ErrorFragment message={error.message} />, status);
  }
  return c.html(<RuleForm values={values} errors={errors} csrfToken={c.var.csrfToken} />, status);
}

type EditorExtras = {
  errors?: RuleFormErrors;
  testResult?: ReturnType<typeof TestResultView>;
  dryRun?: ReturnType<typeof DryRunView>;
  notice?: Notice;
};

/** The page the form lives on (a new rule's, or the rule's own), showing the form as typed. */
function renderEditor(
  c: Context<AppEnv>,
  values: RuleFormValues,
  extras: EditorExtras,
  status: ContentfulStatusCode = 200,
) {
  c.status(status);
  if (values.ruleId === null) {
    return c.render(
      <NewRulePageView
        values={values}
        errors={extras.errors ?? {}}
        csrfToken={c.var.csrfToken}
        testResult={extras.testResult}
        dryRun={extras.dryRun}
      />,
      { title: 'New rule' },
    );
  }
  return renderRulePage(c, getRule(c.var.deps.db, values.ruleId), values, extras);
}

function renderRulePage(
  c: Context<AppEnv>,
  rule: RuleSummary,
  values: RuleFormValues,
  extras: EditorExtras,
) {
  const { deps, session, csrfToken } = c.var;
  const stats = ruleStats(deps.db, deps.now() - DAY_MS);
  return c.render(
    <RulePageView
      rule={rule}
      stats={statsOf(stats, rule.id)}
      versions={describeRuleVersions(listRuleVersions(deps.db, rule.id))}
      problem={ruleProblem(rule)}
      canEdit={session!.account.role === 'admin'}
      csrfToken={csrfToken}
      values={values}
      {...extras}
    />,
    { title: `Rule ${rule.name}` },
  );
}

/** After a change: to the rule's page with what happened (HX-Redirect for htmx). */
function redirectTo(c: Context<AppEnv>, path: string, done: Notice) {
  return goTo(c, withDone(path, done));
}
