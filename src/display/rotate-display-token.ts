import { eq } from 'drizzle-orm';
import { generateToken } from '../auth/auth-token.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { displays } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';

/**
 * Gives a display a new token: every URL with the old one answers 404 from now on, and open
 * event streams with it are closed at the next poll. Audited as `display.rotate` (without
 * either token). Throws `not_found`.
 */
export function rotateDisplayToken(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { displayId: number },
  actor: string,
): { token: string } {
  const at = deps.now();
  const token = generateToken();
  return deps.db.transaction((tx) => {
    const updated = tx
      .update(displays)
      .set({ token, tokenRotatedAt: at })
      .where(eq(displays.id, input.displayId))
      .returning({ id: displays.id })
      .all();
    if (updated.length === 0) throw new DomainError('not_found', 'no such display');
    appendAudit(tx, {
      at,
      actor,
      action: 'display.rotate',
      targetType: 'display',
      targetId: String(input.displayId),
    });
    return { token };
  });
}
