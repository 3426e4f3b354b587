import { eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import type { Db } from '../db/client.ts';
import { rules, ruleVersions, sources } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { parseRuleDraft, type RuleDefinition } from './rule-kinds.ts';

export type SavedRule = RuleDefinition & { id: number; version: number };

/**
 * Creates a rule (version 1) from a draft, or, with `ruleId`, replaces a rule's definition
 * with a new version (none when nothing changed); every version stays readable in
 * rule_versions and flags name theirs. Sources named in the scope must exist.
 * Validates the whole draft first (DomainError `invalid_input` naming the field, nothing
 * written); throws `not_found` for an unknown rule. Audited in the same transaction.
 */
export function saveRule(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { ruleId?: number; draft: unknown },
  actor: string,
): SavedRule {
  const parsed = parseRuleDraft(input.draft);
  if (!parsed.ok) throw new DomainError('invalid_input', parsed.message, parsed.field);
  const rule = parsed.rule;
  const at = deps.now();
  return deps.db.transaction((tx) => {
    for (const sourceId of rule.scope.sources) {
      const found = tx
        .select({ id: sources.id })
        .from(sources)
        .where(eq(sources.id, sourceId))
        .get();
      if (found === undefined) {
        throw new DomainError(
          'invalid_input',
          `scope.sources: no source with id ${sourceId}`,
          'scope.sources',
        );
      }
    }
    const current = input.ruleId === undefined ? undefined : findRuleRow(tx, input.ruleId);
    const version = (current?.version ?? 0) + 1;
    const row = {
      kind: rule.kind,
      name: rule.name,
      severity: rule.severity,
      action: rule.action,
      settingsJson: JSON.stringify(rule.settings),
      scopeJson: JSON.stringify(rule.scope),
      enabled: rule.enabled,
      version,
      updatedAt: at,
    };
    if (current !== undefined && sameDefinition(current, row)) {
      return { ...rule, id: current.id, version: current.version };
    }
    let id: number;
    if (current === undefined) {
      id = tx
        .insert(rules)
        .values({ ...row, createdAt: at })
        .returning({ id: rules.id })
        .get().id;
    } else {
      if (current.kind !== rule.kind) {
        throw new DomainError('invalid_input', 'kind cannot change; create a new rule', 'kind');
      }
      id = current.id;
      tx.update(rules).set(row).where(eq(rules.id, id)).run();
    }
    const { updatedAt: _, ...versionRow } = row;
    tx.insert(ruleVersions)
      .values({ ...versionRow, ruleId: id, createdAt: at, actor })
      .run();
    appendAudit(tx, {
      at,
      actor,
      action: current === undefined ? 'rule.add' : 'rule.edit',
      targetType: 'rule',
      targetId: String(id),
      details: { version, name: rule.name, kind: rule.kind, enabled: rule.enabled },
    });
    return { ...rule, id, version };
  });
}

type DefinitionColumns = Pick<
  typeof rules.$inferSelect,
  'kind' | 'name' | 'severity' | 'action' | 'settingsJson' | 'scopeJson' | 'enabled'
>;

/** Saving an unchanged definition makes no new version. */
function sameDefinition(a: DefinitionColumns, b: DefinitionColumns): boolean {
  return (
    a.kind === b.kind &&
    a.name === b.name &&
    a.severity === b.severity &&
    a.action === b.action &&
    a.settingsJson === b.settingsJson &&
    a.scopeJson === b.scopeJson &&
    a.enabled === b.enabled
  );
}

/** A rule's current row; throws DomainError `not_found`. */
export function findRuleRow(db: Pick<Db, 'select'>, ruleId: number) {
  const row = db.select().from(rules).where(eq(rules.id, ruleId)).get();
  if (row === undefined) throw new DomainError('not_found', `no rule with id ${ruleId}`);
  return row;
}
