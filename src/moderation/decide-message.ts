import { and, eq } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { decisions, flags, messages } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';

export const VERDICTS = ['approve', 'highlight', 'reject'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Most restrictive first: when moderators disagree at once, the higher rank wins. */
const RANK: Record<Verdict, number> = { reject: 3, approve: 2, highlight: 1 };
const STATE_OF: Record<Verdict, 'approved' | 'highlighted' | 'rejected'> = {
  approve: 'approved',
  highlight: 'highlighted',
  reject: 'rejected',
};
const VERDICT_OF: Record<string, Verdict | undefined> = {
  approved: 'approve',
  highlighted: 'highlight',
  rejected: 'reject',
};

export type DecisionResult = {
  decisionId: number;
  outcome: 'applied' | 'superseded';
  /** The message's state after the call. */
  state: 'unreviewed' | 'approved' | 'highlighted' | 'rejected';
  /** When superseded: the verdict that stands, by someone else. */
  standing?: { verdict: Verdict; actor: string };
};

/**
 * Records a moderator's verdict on a message, closing its open flags, audited in the same
 * transaction. `basisDecisionId` is the decision the moderator saw (null: none). If another
 * decision was made since and it is more restrictive (reject > approve > highlight), this one is
 * recorded as `superseded` and changes nothing; otherwise it applies (deciding again with sight
 * of the current decision is how a moderator undoes one). Throws `not_found`, `invalid_input`.
 */
export function decideMessage(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { messageId: number; verdict: Verdict; note?: string; basisDecisionId: number | null },
  actor: string,
): DecisionResult {
  if (!VERDICTS.includes(input.verdict)) {
    throw new DomainError(
      'invalid_input',
      `verdict must be one of: ${VERDICTS.join(', ')}`,
      'verdict',
    );
  }
  const note = input.note?.trim() || null;
  if (note !== null && note.length > 2000) {
    throw new DomainError('invalid_input', 'note must be at most 2000 characters', 'note');
  }
  const at = deps.now();
  return deps.db.transaction((tx) => {
    const message = tx
      .select({ id: messages.id, state: messages.moderationState, decisionId: messages.decisionId })
      .from(messages)
      .where(eq(messages.id, input.messageId))
      .get();
    if (message === undefined)
      throw new DomainError('not_found', `no message with id ${input.messageId}`);
    const current = VERDICT_OF[message.state];
    const concurrent = message.decisionId !== input.basisDecisionId;
    const superseded = concurrent && current !== undefined && RANK[input.verdict] < RANK[current];
    const outcome = superseded ? 'superseded' : 'applied';
    const { id: decisionId } = tx
      .insert(decisions)
      .values({
        messageId: message.id,
        verdict: input.verdict,
        actor,
        automatic: false,
        note,
        outcome,
        createdAt: at,
      })
      .returning({ id: decisions.id })
      .get();
    appendAudit(tx, {
      at,
      actor,
      action: `decision.${input.verdict}`,
      targetType: 'message',
      targetId: String(message.id),
      details: { decisionId, outcome, ...(note === null ? {} : { note }) },
    });
    if (superseded) {
      const standing = tx
        .select({ verdict: decisions.verdict, actor: decisions.actor })
        .from(decisions)
        .where(eq(decisions.id, message.decisionId!))
        .get();
      return { decisionId, outcome, state: message.state, ...(standing ? { standing } : {}) };
    }
    const state = STATE_OF[input.verdict];
    tx.update(messages)
      .set({ moderationState: state, decisionId })
      .where(eq(messages.id, message.id))
      .run();
    tx.update(flags)
      .set({ status: 'closed', closedAt: at })
      .where(and(eq(flags.messageId, message.id), eq(flags.status, 'open')))
      .run();
    return { decisionId, outcome, state };
  });
}
