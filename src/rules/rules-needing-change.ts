import type { Db } from '../db/client.ts';
import { listRules, type RuleSummary } from './list-rules.ts';
import { parseRuleDraft } from './rule-kinds.ts';

/** A stored rule whose definition no longer validates, and why. */
export type RuleNeedingChange = { id: number; name: string; enabled: boolean; problem: string };

/**
 * The stored rules, enabled or not, that fail today's checks: saved before a check they now
 * fail (e.g. a pattern with lookahead, which the linear-time engine cannot run). They are not
 * run until changed, so they must be named where an admin looks: at start, by `modhook
 * migrate`, on the rules pages.
 */
export function rulesNeedingChange(db: Pick<Db, 'select'>): RuleNeedingChange[] {
  return rulesNeedingChangeAmong(listRules(db));
}

/** Those of `rules` (as listed already) that need a change. */
export function rulesNeedingChangeAmong(rules: RuleSummary[]): RuleNeedingChange[] {
  return rules.flatMap((rule) => {
    const problem = ruleProblem(rule);
    return problem === null
      ? []
      : [{ id: rule.id, name: rule.name, enabled: rule.enabled, problem }];
  });
}

/** Why a stored rule cannot run as it is; null when it can. */
export function ruleProblem(rule: RuleSummary): string | null {
  const parsed = parseRuleDraft(rule);
  return parsed.ok ? null : parsed.message;
}

/** One line for logs and the terminal. */
export function describeRuleNeedingChange(rule: RuleNeedingChange): string {
  const state = rule.enabled ? 'enabled but not run' : 'disabled';
  return `rule ${rule.id} "${rule.name}" needs a change (${state}): ${rule.problem}`;
}
