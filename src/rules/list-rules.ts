import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rules, ruleVersions } from '../db/schema.ts';
import type { RuleDefinition } from './rule-kinds.ts';
import { findRuleRow } from './save-rule.ts';

export type RuleSummary = RuleDefinition & {
  id: number;
  version: number;
  createdAt: number;
  updatedAt: number;
};

type RuleRow = typeof rules.$inferSelect | typeof ruleVersions.$inferSelect;

function toDefinition(row: RuleRow): RuleDefinition {
  return {
    kind: row.kind,
    name: row.name,
    severity: row.severity,
    action: row.action,
    settings: JSON.parse(row.settingsJson),
    scope: JSON.parse(row.scopeJson),
    enabled: row.enabled,
  } as RuleDefinition;
}

function toSummary(row: typeof rules.$inferSelect): RuleSummary {
  return {
    ...toDefinition(row),
    id: row.id,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Every rule, enabled or not, with its current definition. */
export function listRules(db: Pick<Db, 'select'>): RuleSummary[] {
  return db.select().from(rules).orderBy(asc(rules.id)).all().map(toSummary);
}

/** One rule's current definition; throws `not_found`. */
export function getRule(db: Pick<Db, 'select'>, ruleId: number): RuleSummary {
  return toSummary(findRuleRow(db, ruleId));
}

/** The editable part of a rule, ready to be changed and saved as a new version. */
export function draftOf(rule: RuleSummary): RuleDefinition {
  const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...definition } = rule;
  return definition as RuleDefinition;
}

/** One rule's versions, oldest first; throws `not_found`. */
export function listRuleVersions(db: Pick<Db, 'select'>, ruleId: number) {
  findRuleRow(db, ruleId);
  return db
    .select()
    .from(ruleVersions)
    .where(eq(ruleVersions.ruleId, ruleId))
    .orderBy(asc(ruleVersions.version))
    .all()
    .map((row) => ({
      ...toDefinition(row),
      version: row.version,
      createdAt: row.createdAt,
      actor: row.actor,
    }));
}
