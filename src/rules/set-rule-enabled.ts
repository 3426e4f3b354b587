import type { Deps } from '../deps.ts';
import { draftOf, getRule } from './list-rules.ts';
import { saveRule, type SavedRule } from './save-rule.ts';

/**
 * Enables or disables a rule as a new version (so the history shows when it was off).
 * Idempotent: no new version when it already is. Throws `not_found`.
 */
export function setRuleEnabled(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { ruleId: number; enabled: boolean },
  actor: string,
): { changed: boolean; rule?: SavedRule } {
  const current = getRule(deps.db, input.ruleId);
  if (current.enabled === input.enabled) return { changed: false };
  const draft = { ...draftOf(current), enabled: input.enabled };
  return { changed: true, rule: saveRule(deps, { ruleId: input.ruleId, draft }, actor) };
}
