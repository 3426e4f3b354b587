import { describe, expect, it } from 'vitest';
import { decideMessage } from '../../src/moderation/decide-message.ts';
import { readDecisionOutcomes } from '../../src/moderation/decision-outcomes.ts';
import { UNDO_WINDOW_MS, undoDecisions } from '../../src/moderation/undo-decision.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

async function flaggedMessage() {
  const h = createHarness();
  const { id } = addFixtureSource(h);
  await postSigned(
    h,
    id,
    textPayload({ message_id: 1, message: 'mail me: a@example.org' }),
    eventyayFixtures.secret,
  );
  const messageId = (h.db.$client.prepare('SELECT id FROM messages').get() as { id: number }).id;
  return { h, messageId };
}

const state = (h: ReturnType<typeof createHarness>, id: number) =>
  (
    h.db.$client.prepare('SELECT moderation_state AS s FROM messages WHERE id = ?').get(id) as {
      s: string;
    }
  ).s;

describe('undoDecisions', () => {
  it('restores unreviewed with the flags it closed, and the outcome says who undid it', async () => {
    const { h, messageId } = await flaggedMessage();
    // One flag, or two on a busy machine (the rules' time budget ran out): all reopen.
    const open = h.count('flags', "status = 'open'");
    const { decisionId } = decideMessage(
      h.deps,
      { messageId, verdict: 'approve', basisDecisionId: null },
      'account:ana',
    );
    h.advance(UNDO_WINDOW_MS);
    expect(undoDecisions(h.deps, [decisionId], 'account:ben')).toEqual([
      { decisionId, messageId, outcome: { undone: true, state: 'unreviewed' } },
    ]);
    expect(state(h, messageId)).toBe('unreviewed');
    expect(open).toBeGreaterThan(0);
    expect(h.count('flags', "status = 'open'")).toBe(open);
    expect(readDecisionOutcomes(h.db, [decisionId], h.deps.now())[0]).toMatchObject({
      standing: 'undone',
      undoneBy: 'account:ben',
      undoUntil: null,
    });
    // Undone once: a second undo changes nothing.
    expect(undoDecisions(h.deps, [decisionId], 'account:ben')[0]!.outcome).toEqual({
      undone: false,
      reason: 'changed_since',
    });
  });

  it('leaves a superseded decision, an expired one and one without a known past alone', async () => {
    const { h, messageId } = await flaggedMessage();
    const reject = decideMessage(
      h.deps,
      { messageId, verdict: 'reject', basisDecisionId: null },
      'account:ben',
    );
    const approve = decideMessage(
      h.deps,
      { messageId, verdict: 'approve', basisDecisionId: null },
      'account:ana',
    );
    expect(approve.outcome).toBe('superseded');
    expect(undoDecisions(h.deps, [approve.decisionId], 'account:ana')[0]!.outcome).toEqual({
      undone: false,
      reason: 'not_applied',
    });
    // A decision recorded before undo existed: its audit entry does not name the past.
    h.db.$client.prepare("UPDATE audit_log SET details_json = '{}'").run();
    expect(undoDecisions(h.deps, [reject.decisionId], 'account:ben')[0]!.outcome).toEqual({
      undone: false,
      reason: 'unknown_previous',
    });
    h.advance(UNDO_WINDOW_MS + 1);
    expect(undoDecisions(h.deps, [reject.decisionId], 'account:ben')[0]!.outcome).toEqual({
      undone: false,
      reason: 'expired',
    });
    expect(state(h, messageId)).toBe('rejected');
    expect(() => undoDecisions(h.deps, [], 'account:ben')).toThrow(/undo takes/);
  });
});
