import { eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { messages, notes, senders } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';

/**
 * Adds a moderator's note about a sender, or about a message (and so its sender). Audited in
 * the same transaction. Throws `invalid_input` (empty or over 2000 characters, no target) or
 * `not_found`.
 */
export function addNote(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { text: string; messageId?: number; senderId?: number },
  actor: string,
): { noteId: number } {
  const text = input.text.trim();
  if (text === '' || text.length > 2000) {
    throw new DomainError('invalid_input', 'note must be 1 to 2000 characters', 'text');
  }
  const at = deps.now();
  return deps.db.transaction((tx) => {
    let senderId = input.senderId ?? null;
    if (input.messageId !== undefined) {
      const message = tx
        .select({ senderId: messages.senderId })
        .from(messages)
        .where(eq(messages.id, input.messageId))
        .get();
      if (message === undefined)
        throw new DomainError('not_found', `no message with id ${input.messageId}`);
      senderId = message.senderId;
    } else if (senderId !== null) {
      const sender = tx
        .select({ id: senders.id })
        .from(senders)
        .where(eq(senders.id, senderId))
        .get();
      if (sender === undefined) throw new DomainError('not_found', `no sender with id ${senderId}`);
    } else {
      throw new DomainError('invalid_input', 'a note is about a message or a sender', 'messageId');
    }
    const { id } = tx
      .insert(notes)
      .values({ senderId, messageId: input.messageId ?? null, actor, text, createdAt: at })
      .returning({ id: notes.id })
      .get();
    appendAudit(tx, {
      at,
      actor,
      action: 'note.add',
      targetType: input.messageId !== undefined ? 'message' : 'sender',
      targetId: String(input.messageId ?? senderId),
      details: { noteId: id, text },
    });
    return { noteId: id };
  });
}
