import type Database from 'better-sqlite3';
import { perConnection } from '../db/per-connection.ts';
import type { Verdict } from './decide-message.ts';
import { UNDO_WINDOW_MS } from './undo-decision.ts';

/** What became of one decision since it was made, for the notice that tells its moderator. */
export type DecisionOutcome = {
  decisionId: number;
  messageId: number;
  verdict: Verdict;
  actor: string;
  /** `superseded`: a more restrictive decision came first and this one changed nothing. */
  outcome: 'applied' | 'superseded';
  createdAt: number;
  screenName: string;
  text: string;
  /** The message's state now. */
  state: string;
  /**
   * What stands now: `mine` (this decision), `undone` (by an undo, back to `state`), `other` (a
   * later or earlier decision by someone: `current`), or `none` (unreviewed again otherwise).
   */
  standing: 'mine' | 'undone' | 'other' | 'none';
  current: { id: number; verdict: Verdict; actor: string } | null;
  /** Who undid it, when standing is `undone`. */
  undoneBy: string | null;
  /** Until when an undo is accepted (epoch ms), or null when it cannot be undone. */
  undoUntil: number | null;
};

/**
 * The decisions' outcomes now, in the order asked (unknown ids left out): read each time a
 * notice is shown or refreshed, so a moderator learns when a stricter decision overruled theirs.
 */
export function readDecisionOutcomes(
  db: Parameters<typeof outcomeStore>[0],
  decisionIds: readonly number[],
  now: number,
): DecisionOutcome[] {
  const store = outcomeStore(db);
  const outcomes: DecisionOutcome[] = [];
  for (const id of new Set(decisionIds)) {
    const row = store.decision.get(id);
    if (row === undefined) continue;
    const current = row.current_id === null ? undefined : store.current.get(row.current_id);
    const undo = store.undos
      .all(String(row.message_id))
      .map((u) => ({ actor: u.actor, ...(JSON.parse(u.details_json) as UndoDetails) }))
      .find((u) => u.undoOf === id);
    // Undone, and nothing decided since (the undo's own decision, if it restored one, stands).
    const undone =
      undo !== undefined && (row.current_id === null || row.current_id === undo.decisionId);
    const standing =
      row.current_id === id ? 'mine' : undone ? 'undone' : current !== undefined ? 'other' : 'none';
    const undoable =
      standing === 'mine' && row.outcome === 'applied' && now - row.created_at <= UNDO_WINDOW_MS;
    outcomes.push({
      decisionId: id,
      messageId: row.message_id,
      verdict: row.verdict,
      actor: row.actor,
      outcome: row.outcome,
      createdAt: row.created_at,
      screenName: row.screen_name,
      text: row.text,
      state: row.state,
      standing,
      current: current === undefined ? null : { id: row.current_id!, ...current },
      undoneBy: undone ? undo!.actor : null,
      undoUntil: undoable ? row.created_at + UNDO_WINDOW_MS : null,
    });
  }
  return outcomes;
}

type UndoDetails = { undoOf?: number; decisionId?: number };

const outcomeStore = perConnection((sqlite: Database.Database) => ({
  decision: sqlite.prepare<
    [number],
    {
      message_id: number;
      verdict: Verdict;
      actor: string;
      outcome: 'applied' | 'superseded';
      created_at: number;
      screen_name: string;
      text: string;
      state: string;
      current_id: number | null;
    }
  >(
    `SELECT d.message_id, d.verdict, d.actor, d.outcome, d.created_at, m.screen_name, m.text,
       m.moderation_state AS state, m.decision_id AS current_id
     FROM decisions d JOIN messages m ON m.id = d.message_id WHERE d.id = ?`,
  ),
  standing: sqlite.prepare<[number], { decision_id: number | null }>(
    'SELECT decision_id FROM messages WHERE id = ?',
  ),
  current: sqlite.prepare<[number], { verdict: Verdict; actor: string }>(
    'SELECT verdict, actor FROM decisions WHERE id = ?',
  ),
  undos: sqlite.prepare<[string], { actor: string; details_json: string }>(
    `SELECT actor, details_json FROM audit_log
     WHERE target_type = 'message' AND target_id = ? AND action = 'decision.undo' ORDER BY id`,
  ),
}));

/** The decisions that stand on these messages now (those without one left out). */
export function standingDecisionIds(
  db: Parameters<typeof outcomeStore>[0],
  messageIds: readonly number[],
): number[] {
  const store = outcomeStore(db);
  return messageIds.flatMap((id) => {
    const row = store.standing.get(id);
    return row?.decision_id == null ? [] : [row.decision_id];
  });
}
