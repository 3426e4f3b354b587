import { eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { displayChannels, displays } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';

/**
 * Deletes a display and its channel list (not the messages): its URLs answer 404 from now on.
 * Audited as `display.delete` with its name. Throws `not_found`.
 */
export function deleteDisplay(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { displayId: number },
  actor: string,
): void {
  const at = deps.now();
  deps.db.transaction((tx) => {
    tx.delete(displayChannels).where(eq(displayChannels.displayId, input.displayId)).run();
    const deleted = tx
      .delete(displays)
      .where(eq(displays.id, input.displayId))
      .returning({ name: displays.name })
      .all();
    if (deleted.length === 0) throw new DomainError('not_found', 'no such display');
    appendAudit(tx, {
      at,
      actor,
      action: 'display.delete',
      targetType: 'display',
      targetId: String(input.displayId),
      details: { name: deleted[0]!.name },
    });
  });
}
