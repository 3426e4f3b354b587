import { describe, expect, it } from 'vitest';
import { addNote } from '../../src/moderation/add-note.ts';
import { decideMessage } from '../../src/moderation/decide-message.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

/** A harness with one flagged message (personal data) and its id. */
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
  h.db.$client
    .prepare('SELECT moderation_state AS s, decision_id AS d FROM messages WHERE id = ?')
    .get(id) as {
    s: string;
    d: number | null;
  };

describe('decideMessage', () => {
  it('applies a verdict, closes the open flags and audits it in one go', async () => {
    const { h, messageId } = await flaggedMessage();
    const result = decideMessage(
      h.deps,
      { messageId, verdict: 'reject', note: 'doxxing', basisDecisionId: null },
      'account:ana',
    );
    expect(result).toMatchObject({ outcome: 'applied', state: 'rejected' });
    expect(state(h, messageId)).toEqual({ s: 'rejected', d: result.decisionId });
    expect(h.count('flags', "status = 'open'")).toBe(0);
    const audit = h.db.$client
      .prepare("SELECT actor, details_json FROM audit_log WHERE action = 'decision.reject'")
      .get() as {
      actor: string;
      details_json: string;
    };
    expect(audit.actor).toBe('account:ana');
    expect(JSON.parse(audit.details_json)).toMatchObject({ outcome: 'applied', note: 'doxxing' });
  });

  it('lets the most restrictive of two concurrent decisions win, the weaker one superseded', async () => {
    const { h, messageId } = await flaggedMessage();
    // Both moderators saw the message undecided (basis null).
    const first = decideMessage(
      h.deps,
      { messageId, verdict: 'reject', basisDecisionId: null },
      'account:ana',
    );
    const second = decideMessage(
      h.deps,
      { messageId, verdict: 'approve', basisDecisionId: null },
      'account:ben',
    );
    expect(second).toMatchObject({
      outcome: 'superseded',
      state: 'rejected',
      standing: { verdict: 'reject', actor: 'account:ana' },
    });
    expect(state(h, messageId)).toEqual({ s: 'rejected', d: first.decisionId });
    expect(
      h.db.$client.prepare('SELECT verdict, outcome FROM decisions ORDER BY id').all(),
    ).toEqual([
      { verdict: 'reject', outcome: 'applied' },
      { verdict: 'approve', outcome: 'superseded' },
    ]);
  });

  it('applies a later, more restrictive concurrent decision over a weaker one', async () => {
    const { h, messageId } = await flaggedMessage();
    decideMessage(
      h.deps,
      { messageId, verdict: 'highlight', basisDecisionId: null },
      'account:ana',
    );
    const second = decideMessage(
      h.deps,
      { messageId, verdict: 'reject', basisDecisionId: null },
      'account:ben',
    );
    expect(second).toMatchObject({ outcome: 'applied', state: 'rejected' });
  });

  it('undoes a decision when the moderator decided with sight of it', async () => {
    const { h, messageId } = await flaggedMessage();
    const reject = decideMessage(
      h.deps,
      { messageId, verdict: 'reject', basisDecisionId: null },
      'account:ana',
    );
    const undo = decideMessage(
      h.deps,
      { messageId, verdict: 'approve', basisDecisionId: reject.decisionId },
      'account:ana',
    );
    expect(undo).toMatchObject({ outcome: 'applied', state: 'approved' });
  });

  it.each([
    ['an unknown message', { messageId: 999, verdict: 'approve' }, /no message/],
    ['an unknown verdict', { messageId: 1, verdict: 'delete' }, /verdict must be/],
    [
      'a note over 2000 characters',
      { messageId: 1, verdict: 'approve', note: 'x'.repeat(2001) },
      /note/,
    ],
  ])('refuses %s', async (_, input, message) => {
    const { h } = await flaggedMessage();
    expect(() =>
      decideMessage(h.deps, { basisDecisionId: null, ...input } as never, 'account:ana'),
    ).toThrow(message);
    expect(h.count('decisions')).toBe(0);
  });
});

describe('addNote', () => {
  it('notes a message and its sender, audited', async () => {
    const { h, messageId } = await flaggedMessage();
    addNote(h.deps, { messageId, text: 'warned in DM' }, 'account:ana');
    expect(
      h.db.$client.prepare('SELECT message_id, sender_id IS NOT NULL AS s, text FROM notes').all(),
    ).toEqual([{ message_id: messageId, s: 1, text: 'warned in DM' }]);
    expect(h.count('audit_log', "action = 'note.add'")).toBe(1);
  });

  it('refuses an empty note', async () => {
    const { h, messageId } = await flaggedMessage();
    expect(() => addNote(h.deps, { messageId, text: '   ' }, 'account:ana')).toThrow(/1 to 2000/);
  });
});
