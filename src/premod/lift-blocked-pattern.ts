import { appendAudit } from '../audit/append-audit.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { forgetBlockedPatterns } from './blocked-patterns.ts';

/**
 * Lifts a blocked pattern: look-alikes are no longer rejected on arrival (at once in this
 * process; within a second in another, the pattern cache's reload). Messages it already rejected stay
 * rejected. Audited as `blocked_pattern.lift`. Throws not_found for an unknown pattern;
 * lifting one already lifted changes nothing and writes no audit entry.
 */
export function liftBlockedPattern(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { patternId: number; actor: string },
): { channelId: number | null; lifted: boolean } {
  const { db } = deps;
  const result = db.$client.transaction(() => {
    const row = db.$client
      .prepare('SELECT channel_id, normalized_text, disabled_at FROM blocked_patterns WHERE id = ?')
      .get(input.patternId) as
      | { channel_id: number | null; normalized_text: string; disabled_at: number | null }
      | undefined;
    if (row === undefined) throw new DomainError('not_found', 'no such blocked pattern');
    if (row.disabled_at !== null) return { channelId: row.channel_id, lifted: false };
    const at = deps.now();
    db.$client
      .prepare('UPDATE blocked_patterns SET disabled_at = ? WHERE id = ?')
      .run(at, input.patternId);
    appendAudit(db, {
      at,
      actor: input.actor,
      action: 'blocked_pattern.lift',
      targetType: 'blocked_pattern',
      targetId: String(input.patternId),
      details: { channelId: row.channel_id, text: row.normalized_text },
    });
    return { channelId: row.channel_id, lifted: true };
  })();
  // The cache notices added patterns by their id, not lifted ones: drop it for this process.
  if (result.lifted) forgetBlockedPatterns(db);
  return result;
}
