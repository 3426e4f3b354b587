import type { Db } from '../db/client.ts';
import { compileRule, type CompiledRule } from './compile-rule.ts';
import { parseRuleDraft } from './rule-kinds.ts';
import { rulesStore, type StoredRuleRow } from './rules-store.ts';

type Cached = { revision: number; rules: CompiledRule[] };
const cache = new WeakMap<object, Cached>();

/**
 * The enabled rules, compiled. Recompiled only when a rule changed (the newest rule version id
 * moved), also when another process (the CLI) changed it: one indexed read per call.
 */
export function loadRuleSet(db: Db): CompiledRule[] {
  const store = rulesStore(db);
  const revision = store.revision.get()?.revision ?? 0;
  const cached = cache.get(db.$client);
  if (cached !== undefined && cached.revision === revision) return cached.rules;
  const rules = store.enabledRules.all().flatMap((row) => {
    const compiled = compileStoredRule(row);
    return compiled === null ? [] : [compiled];
  });
  cache.set(db.$client, { revision, rules });
  return rules;
}

/** Compiles a stored rule row; null if it no longer validates (never written that way). */
export function compileStoredRule(row: StoredRuleRow): CompiledRule | null {
  const parsed = parseRuleDraft({
    kind: row.kind,
    name: row.name,
    severity: row.severity,
    action: row.action,
    settings: JSON.parse(row.settings_json),
    scope: JSON.parse(row.scope_json),
  });
  return parsed.ok ? compileRule(row.id, row.version, parsed.rule) : null;
}
