import type { RuleDefinition } from './rule-kinds.ts';

export type StoredVersion = RuleDefinition & { version: number; createdAt: number; actor: string };

export type VersionEntry = {
  version: number;
  createdAt: number;
  actor: string;
  /** What this version changed against the one before, e.g. `severity: low → high`. */
  changes: string[];
  settingsJson: string;
  scopeJson: string;
};

/**
 * A rule's versions (oldest first, as listRuleVersions gives them) as history entries, newest
 * first, each saying what it changed. Pure.
 */
export function describeRuleVersions(versions: StoredVersion[]): VersionEntry[] {
  const entries = versions.map((v, i) => {
    const before = i === 0 ? undefined : versions[i - 1];
    return {
      version: v.version,
      createdAt: v.createdAt,
      actor: v.actor,
      changes: before === undefined ? ['created'] : changesBetween(before, v),
      settingsJson: JSON.stringify(v.settings),
      scopeJson: JSON.stringify(v.scope),
    };
  });
  return entries.reverse();
}

function changesBetween(a: RuleDefinition, b: RuleDefinition): string[] {
  const changes: string[] = [];
  for (const key of ['name', 'severity', 'action'] as const) {
    if (a[key] !== b[key]) changes.push(`${key}: ${a[key]} → ${b[key]}`);
  }
  if (a.enabled !== b.enabled) changes.push(b.enabled ? 'enabled' : 'disabled');
  if (JSON.stringify(a.settings) !== JSON.stringify(b.settings)) changes.push('settings');
  if (JSON.stringify(a.scope) !== JSON.stringify(b.scope)) changes.push('scope');
  return changes.length === 0 ? ['no change'] : changes;
}
