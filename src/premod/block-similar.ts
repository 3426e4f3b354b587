import type { Deps } from '../deps.ts';
import { forgetBlockedPatterns } from './blocked-patterns.ts';
import { premodStore } from './premod-store.ts';
import {
  checkInput,
  chosenMessage,
  rejectSimilarWithin,
  type RejectSimilarInput,
} from './reject-similar.ts';

/**
 * "Block similar": stores the chosen message's normalized text as a blocked pattern of its
 * channel, with the channel's similar_distance, so look-alikes arriving later are rejected on
 * arrival (src/premod/premoderate-message.ts); then rejects the similar messages already waiting
 * (rejectSimilar). Audited (`blocked_pattern.create`, then one entry per rejection), one
 * transaction. Throws `not_found`, `invalid_input`.
 */
export function blockSimilar(
  deps: Pick<Deps, 'db' | 'now'>,
  input: RejectSimilarInput,
): { patternId: number; rejected: number[] } {
  checkInput(input);
  const at = deps.now();
  const store = premodStore(deps.db);
  const result = deps.db.$client.transaction(() => {
    const { message, key, maxDistance } = chosenMessage(deps.db, input.messageId);
    const patternId = Number(
      store.insertPattern.run(message.channel_id, key, maxDistance, message.id, input.actor, at)
        .lastInsertRowid,
    );
    store.insertAudit.run(
      at,
      input.actor,
      'blocked_pattern.create',
      'blocked_pattern',
      String(patternId),
      JSON.stringify({ channelId: message.channel_id, messageId: message.id, maxDistance }),
    );
    return { patternId, ...rejectSimilarWithin(deps.db, input, at) };
  })();
  forgetBlockedPatterns(deps.db);
  return result;
}
