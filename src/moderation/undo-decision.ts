import type Database from 'better-sqlite3';
import { perConnection } from '../db/per-connection.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { recordDecision, type Verdict } from './decide-message.ts';

/**
 * How long a decision can be undone. Five minutes: long enough to notice a slip after deciding
 * a few more items (or a batch), short enough that an undo never reverses what others have
 * built on since; later, deciding again from the item view is the way (it simply applies).
 */
export const UNDO_WINDOW_MS = 5 * 60_000;

/** Why a decision was not undone. */
export type UndoRefusal = 'not_applied' | 'changed_since' | 'expired' | 'unknown_previous';

export type UndoResult = {
  decisionId: number;
  messageId: number;
  /** The state the message is back in, or why it was left as it is. */
  outcome: { undone: true; state: string } | { undone: false; reason: UndoRefusal };
};

/** The most decisions one undo takes (one batch of the queue). */
export const MAX_UNDO = 200;

/**
 * Undoes decisions, each as a new change that restores the message's state before it: the
 * previous decision's verdict again (a new decision, by `actor`), or `unreviewed` with the flags
 * it closed open again. Audited as `decision.undo` with the decision it undoes. Only a decision
 * that applied, is still the message's current one, and is younger than UNDO_WINDOW_MS is
 * undone; the others are left as they are, with the reason. Throws `not_found`, `invalid_input`.
 */
export function undoDecisions(
  deps: Pick<Deps, 'db' | 'now'>,
  decisionIds: readonly number[],
  actor: string,
): UndoResult[] {
  if (decisionIds.length === 0 || decisionIds.length > MAX_UNDO) {
    throw new DomainError('invalid_input', `undo takes 1 to ${MAX_UNDO} decisions`, 'decision');
  }
  const store = undoStore(deps.db);
  const at = deps.now();
  return deps.db.$client.transaction(() =>
    [...new Set(decisionIds)].map((id): UndoResult => {
      const decision = store.decision.get(id);
      if (decision === undefined) throw new DomainError('not_found', `no decision with id ${id}`);
      const refuse = (reason: UndoRefusal): UndoResult => ({
        decisionId: id,
        messageId: decision.message_id,
        outcome: { undone: false, reason },
      });
      if (decision.outcome !== 'applied') return refuse('not_applied');
      if (decision.current_id !== id) return refuse('changed_since');
      if (at - decision.created_at > UNDO_WINDOW_MS) return refuse('expired');
      const previous = previousDecisionOf(store, decision.message_id, id);
      if (previous === undefined) return refuse('unknown_previous');
      const details = { undoOf: id, undoneVerdict: decision.verdict };
      if (previous !== null) {
        const restored = store.decision.get(previous);
        if (restored === undefined) return refuse('unknown_previous');
        // The previous verdict again, as a new decision that saw this one (never superseded).
        const result = recordDecision(
          deps.db,
          {
            messageId: decision.message_id,
            verdict: restored.verdict,
            actor,
            automatic: false,
            note: null,
            basisDecisionId: id,
            audit: { action: 'decision.undo', details },
          },
          at,
        );
        return {
          decisionId: id,
          messageId: decision.message_id,
          outcome: { undone: true, state: result.state },
        };
      }
      // Back to unreviewed: the flags this decision closed (closed in the same instant) reopen.
      const reopened = store.reopenFlags.run(decision.message_id, decision.created_at).changes;
      store.unreview.run(decision.message_id);
      store.insertAudit.run(
        at,
        actor,
        'decision.undo',
        'message',
        String(decision.message_id),
        JSON.stringify({ ...details, restored: 'unreviewed', reopenedFlags: reopened }),
      );
      return {
        decisionId: id,
        messageId: decision.message_id,
        outcome: { undone: true, state: 'unreviewed' },
      };
    }),
  )();
}

/**
 * The message's decision before `decisionId` (null: none, it was unreviewed), from the audit
 * entry recordDecision wrote with it; undefined when that entry does not say (older entries).
 */
function previousDecisionOf(
  store: ReturnType<typeof undoStore>,
  messageId: number,
  decisionId: number,
): number | null | undefined {
  for (const row of store.decisionAudits.all(String(messageId))) {
    const details = JSON.parse(row.details_json) as {
      decisionId?: number;
      previousDecisionId?: number | null;
    };
    if (details.decisionId === decisionId) return details.previousDecisionId;
  }
  return undefined;
}

const undoStore = perConnection((sqlite: Database.Database) => ({
  decision: sqlite.prepare<
    [number],
    {
      id: number;
      message_id: number;
      verdict: Verdict;
      outcome: string;
      created_at: number;
      current_id: number | null;
    }
  >(
    `SELECT d.id, d.message_id, d.verdict, d.outcome, d.created_at, m.decision_id AS current_id
     FROM decisions d JOIN messages m ON m.id = d.message_id WHERE d.id = ?`,
  ),
  decisionAudits: sqlite.prepare<[string], { details_json: string }>(
    `SELECT details_json FROM audit_log
     WHERE target_type = 'message' AND target_id = ?
     ORDER BY id DESC`,
  ),
  reopenFlags: sqlite.prepare<[number, number]>(
    `UPDATE flags SET status = 'open', closed_at = NULL
     WHERE message_id = ? AND status = 'closed' AND closed_at = ?`,
  ),
  unreview: sqlite.prepare<[number]>(
    "UPDATE messages SET moderation_state = 'unreviewed', decision_id = NULL WHERE id = ?",
  ),
  insertAudit: sqlite.prepare<[number, string, string, string, string, string]>(
    `INSERT INTO audit_log (at, actor, action, target_type, target_id, details_json)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ),
}));
