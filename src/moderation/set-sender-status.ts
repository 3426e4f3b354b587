import { eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { senders } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import type { SenderStatus } from '../rules/evaluate-message.ts';

export const SENDER_STATUSES = ['normal', 'watched', 'trusted', 'blocked'] as const;

/**
 * Sets a sender's status: `watched` (every new message flagged low), `trusted` (exempt from
 * rules), `blocked` (every new message flagged high and rejected automatically), `normal`.
 * Applies to messages that arrive from now on. Audited with the previous status; idempotent.
 * Throws `not_found` or `invalid_input`.
 */
export function setSenderStatus(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { senderId: number; status: SenderStatus; note?: string },
  actor: string,
): { changed: boolean; previous: SenderStatus } {
  if (!SENDER_STATUSES.includes(input.status)) {
    throw new DomainError(
      'invalid_input',
      `status must be one of: ${SENDER_STATUSES.join(', ')}`,
      'status',
    );
  }
  const at = deps.now();
  return deps.db.transaction((tx) => {
    const sender = tx.select().from(senders).where(eq(senders.id, input.senderId)).get();
    if (sender === undefined)
      throw new DomainError('not_found', `no sender with id ${input.senderId}`);
    if (sender.status === input.status) return { changed: false, previous: sender.status };
    tx.update(senders).set({ status: input.status }).where(eq(senders.id, input.senderId)).run();
    appendAudit(tx, {
      at,
      actor,
      action: 'sender.set_status',
      targetType: 'sender',
      targetId: String(input.senderId),
      details: {
        from: sender.status,
        to: input.status,
        ...(input.note ? { note: input.note } : {}),
      },
    });
    return { changed: true, previous: sender.status };
  });
}

/** A sender's screen name, for asking before a status change. Throws `not_found`. */
export function getSenderName(deps: Pick<Deps, 'db'>, senderId: number): string {
  const row = deps.db
    .select({ screenName: senders.screenName })
    .from(senders)
    .where(eq(senders.id, senderId))
    .get();
  if (row === undefined) throw new DomainError('not_found', `no sender with id ${senderId}`);
  return row.screenName;
}
