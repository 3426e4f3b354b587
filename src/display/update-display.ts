import { eq } from 'drizzle-orm';
import { parseInput } from '../auth/account-fields.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { displays } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { checkChannelsExist, linkChannels } from './create-display.ts';
import { DisplayFields } from './display-fields.ts';

/**
 * Renames a display, sets its channels and whether it is public; open overlays follow within
 * a poll (src/display/display-changes.ts). Audited as `display.update`. The token stays.
 * Throws `not_found`, `invalid_input`.
 */
export function updateDisplay(
  deps: Pick<Deps, 'db' | 'now'>,
  input: DisplayFields & { displayId: number },
  actor: string,
): void {
  const fields = parseInput(DisplayFields, input);
  const at = deps.now();
  deps.db.transaction((tx) => {
    const updated = tx
      .update(displays)
      .set({ name: fields.name, isPublic: fields.isPublic })
      .where(eq(displays.id, input.displayId))
      .returning({ id: displays.id })
      .all();
    if (updated.length === 0) throw new DomainError('not_found', 'no such display');
    checkChannelsExist(tx, fields.channelIds);
    linkChannels(tx, input.displayId, fields.channelIds);
    appendAudit(tx, {
      at,
      actor,
      action: 'display.update',
      targetType: 'display',
      targetId: String(input.displayId),
      details: { name: fields.name, channelIds: fields.channelIds, isPublic: fields.isPublic },
    });
  });
}
