import { eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { sources } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { forgetIngestSource } from '../ingest/ingest-store.ts';
import { findSource } from './find-source.ts';

/**
 * Disables or re-enables a source. A disabled source answers 404 to its sender and stores
 * nothing; its data and secrets stay. Idempotent: setting the current status changes nothing
 * and writes no audit entry. Throws `not_found`.
 */
export function setSourceStatus(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { sourceId: string; status: 'active' | 'disabled' },
  actor: string,
): { changed: boolean } {
  const at = deps.now();
  forgetIngestSource(deps.db, input.sourceId);
  return deps.db.transaction((tx) => {
    const source = findSource(tx, input.sourceId);
    if (source.status === input.status) return { changed: false };
    tx.update(sources)
      .set({ status: input.status, disabledAt: input.status === 'disabled' ? at : null })
      .where(eq(sources.id, input.sourceId))
      .run();
    appendAudit(tx, {
      at,
      actor,
      action: input.status === 'disabled' ? 'source.disable' : 'source.enable',
      targetType: 'source',
      targetId: input.sourceId,
    });
    return { changed: true };
  });
}
