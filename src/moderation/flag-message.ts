import { eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { flags, messages } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { SEVERITIES, type Severity } from '../rules/rule-kinds.ts';

/**
 * A moderator flags a message by hand (origin `moderator`), with a reason, so it enters the
 * queue. Audited in the same transaction. Throws `not_found` or `invalid_input`.
 */
export function flagMessage(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { messageId: number; reason: string; severity?: Severity },
  actor: string,
): { flagId: number } {
  const reason = input.reason.trim();
  if (reason === '' || reason.length > 500) {
    throw new DomainError('invalid_input', 'reason must be 1 to 500 characters', 'reason');
  }
  const severity = input.severity ?? 'medium';
  if (!SEVERITIES.includes(severity)) {
    throw new DomainError(
      'invalid_input',
      `severity must be one of: ${SEVERITIES.join(', ')}`,
      'severity',
    );
  }
  const at = deps.now();
  return deps.db.transaction((tx) => {
    const message = tx
      .select({ id: messages.id, senderId: messages.senderId })
      .from(messages)
      .where(eq(messages.id, input.messageId))
      .get();
    if (message === undefined) {
      throw new DomainError('not_found', `no message with id ${input.messageId}`);
    }
    const { id } = tx
      .insert(flags)
      .values({
        messageId: message.id,
        senderId: message.senderId,
        origin: 'moderator',
        severity,
        status: 'open',
        reason,
        actor,
        createdAt: at,
      })
      .returning({ id: flags.id })
      .get();
    appendAudit(tx, {
      at,
      actor,
      action: 'flag.add',
      targetType: 'message',
      targetId: String(message.id),
      details: { flagId: id, severity, reason },
    });
    return { flagId: id };
  });
}
