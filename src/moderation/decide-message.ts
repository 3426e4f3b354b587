import type Database from 'better-sqlite3';
import type { Db } from '../db/client.ts';
import { perConnection } from '../db/per-connection.ts';
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
  return deps.db.$client.transaction(() =>
    recordDecision(
      deps.db,
      {
        messageId: input.messageId,
        verdict: input.verdict,
        actor,
        automatic: false,
        note,
        basisDecisionId: input.basisDecisionId,
      },
      at,
    ),
  )();
}

export type DecisionRecord = {
  messageId: number;
  verdict: Verdict;
  actor: string;
  /** Made by modhook itself (a fast lane, a blocked pattern), not by a person. */
  automatic: boolean;
  note: string | null;
  /** The decision the decider saw (null: none); see decideMessage. */
  basisDecisionId: number | null;
  /** The audit entry's action (default `decision.<verdict>`) and details beside the decision's. */
  audit?: { action: string; details?: Record<string, unknown> };
};

/**
 * The one decision path, for the caller's transaction (moderators through decideMessage,
 * automatic decisions at ingest, "reject similar"): records the decision and its audit entry,
 * and unless superseded by a more restrictive concurrent one, sets the message's state and closes
 * all its open flags (pending included). Prepared statements: it runs inside ingest too.
 * Throws `not_found`.
 */
export function recordDecision(db: Db, input: DecisionRecord, at: number): DecisionResult {
  const store = decisionStore(db);
  const message = store.message.get(input.messageId);
  if (message === undefined)
    throw new DomainError('not_found', `no message with id ${input.messageId}`);
  const current = VERDICT_OF[message.state];
  const concurrent = message.decision_id !== input.basisDecisionId;
  const superseded = concurrent && current !== undefined && RANK[input.verdict] < RANK[current];
  const outcome = superseded ? 'superseded' : 'applied';
  const decisionId = Number(
    store.insertDecision.run(
      message.id,
      input.verdict,
      input.actor,
      input.automatic ? 1 : 0,
      input.note,
      outcome,
      at,
    ).lastInsertRowid,
  );
  store.insertAudit.run(
    at,
    input.actor,
    input.audit?.action ?? `decision.${input.verdict}`,
    'message',
    String(message.id),
    JSON.stringify({
      ...input.audit?.details,
      decisionId,
      outcome,
      // What an undo restores (src/moderation/undo-decision.ts).
      previousDecisionId: message.decision_id,
      ...(input.note === null ? {} : { note: input.note }),
    }),
  );
  if (superseded) {
    const standing = store.decision.get(message.decision_id!);
    return { decisionId, outcome, state: message.state, ...(standing ? { standing } : {}) };
  }
  const state = STATE_OF[input.verdict];
  store.setState.run(state, decisionId, message.id);
  store.closeOpenFlags.run(at, message.id);
  return { decisionId, outcome, state };
}

type MessageState = DecisionResult['state'];

const decisionStore = perConnection((sqlite: Database.Database) => ({
  message: sqlite.prepare<
    [number],
    { id: number; state: MessageState; decision_id: number | null }
  >('SELECT id, moderation_state AS state, decision_id FROM messages WHERE id = ?'),
  decision: sqlite.prepare<[number], { verdict: Verdict; actor: string }>(
    'SELECT verdict, actor FROM decisions WHERE id = ?',
  ),
  insertDecision: sqlite.prepare<[number, Verdict, string, number, string | null, string, number]>(
    `INSERT INTO decisions (message_id, verdict, actor, automatic, note, outcome, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ),
  insertAudit: sqlite.prepare<[number, string, string, string, string, string]>(
    `INSERT INTO audit_log (at, actor, action, target_type, target_id, details_json)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ),
  setState: sqlite.prepare<[MessageState, number, number]>(
    'UPDATE messages SET moderation_state = ?, decision_id = ? WHERE id = ?',
  ),
  closeOpenFlags: sqlite.prepare<[number, number]>(
    "UPDATE flags SET status = 'closed', closed_at = ? WHERE message_id = ? AND status = 'open'",
  ),
}));
