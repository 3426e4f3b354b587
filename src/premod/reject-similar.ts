import type { Db } from '../db/client.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { recordDecision } from '../moderation/decide-message.ts';
import { premodStore } from './premod-store.ts';
import { allowedDistance, distanceWithin, similarityKey } from './similarity.ts';

export type RejectSimilarInput = { messageId: number; actor: string };

/**
 * "Reject similar": rejects the chosen message and every message of its channel still waiting
 * with an open pending flag whose normalized text (similarityKey) is within the channel's
 * similar_distance edits of the chosen one's. Each rejection is a decision by `actor` through the
 * one decision path (open flags closed), audited as `message.reject_similar`. One transaction.
 * Throws `not_found`, `invalid_input`.
 */
export function rejectSimilar(
  deps: Pick<Deps, 'db' | 'now'>,
  input: RejectSimilarInput,
): { rejected: number[] } {
  checkInput(input);
  const at = deps.now();
  return deps.db.$client.transaction(() => rejectSimilarWithin(deps.db, input, at))();
}

export function checkInput(input: RejectSimilarInput): void {
  if (!Number.isSafeInteger(input.messageId) || input.messageId < 1) {
    throw new DomainError('invalid_input', 'messageId must be a positive integer', 'messageId');
  }
  if (typeof input.actor !== 'string' || input.actor.length === 0) {
    throw new DomainError('invalid_input', 'actor is required', 'actor');
  }
}

/** The chosen message with its channel's distance and key; throws `not_found`. */
export function chosenMessage(db: Db, messageId: number) {
  const store = premodStore(db);
  const message = store.messageForSimilar.get(messageId);
  if (message === undefined) throw new DomainError('not_found', `no message with id ${messageId}`);
  const settings = store.channelSettings.get(message.channel_id)!;
  const key = similarityKey(message.text);
  return { message, key, maxDistance: settings.similar_distance };
}

/** rejectSimilar for the caller's transaction. */
export function rejectSimilarWithin(
  db: Db,
  input: RejectSimilarInput,
  at: number,
): { rejected: number[] } {
  const store = premodStore(db);
  const { message, key, maxDistance } = chosenMessage(db, input.messageId);
  const allowed = allowedDistance(maxDistance, key);
  const rejected: number[] = [];
  const reject = (id: number, basisDecisionId: number | null, distance: number) => {
    const result = recordDecision(
      db,
      {
        messageId: id,
        verdict: 'reject',
        actor: input.actor,
        automatic: false,
        note: null,
        basisDecisionId,
        audit: {
          action: 'message.reject_similar',
          details: { similarTo: message.id, distance, maxDistance: allowed },
        },
      },
      at,
    );
    if (result.outcome === 'applied') rejected.push(id);
  };
  if (message.state !== 'rejected') reject(message.id, message.decision_id, 0);
  for (const candidate of store.pendingInChannel.all(message.channel_id)) {
    if (candidate.id === message.id) continue;
    const distance = distanceWithin(similarityKey(candidate.text), key, allowed);
    if (distance !== null) reject(candidate.id, candidate.decision_id, distance);
  }
  return { rejected };
}
