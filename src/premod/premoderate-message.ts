import type { Db } from '../db/client.ts';
import { recordDecision, type Verdict } from '../moderation/decide-message.ts';
import type { SenderStatus } from '../rules/evaluate-message.ts';
import type { TextView } from '../rules/match-text.ts';
import { matchBlockedPattern } from './blocked-patterns.ts';
import { isEmojiOnly } from './emoji-only.ts';
import { premodStore, type ChannelSettings } from './premod-store.ts';

/** Who automatic pre-moderation decisions and pending flags are by. */
export const PREMOD_ACTOR = 'pre-moderation';

export type ArrivingMessage = {
  id: number;
  channelId: number;
  senderId: number | null;
  senderStatus: SenderStatus | null;
  sentAt: number;
  /** The text; its folded() form is what messages.normalized_text stores. */
  view: TextView;
};

/**
 * The sender status the rules should see for a message in this channel. In a pre-moderated
 * channel the fast lanes handle trusted and blocked senders, so the rules run on their messages
 * as on anyone's: a rule flag can then hold a trusted sender's message back, and a blocked
 * sender's is rejected only when the channel's lane says so.
 */
export function statusForRules(
  mode: ChannelSettings['mode'],
  status: SenderStatus | null,
): SenderStatus | null {
  return mode === 'pre' && (status === 'trusted' || status === 'blocked') ? 'normal' : status;
}

/**
 * Pre-moderation of a text message just stored and evaluated, inside the ingest transaction.
 * In every channel: a message within the allowed distance of an active blocked pattern is
 * rejected (`message.blocked_pattern`). In a `pre` channel, then: the fast lanes (blocked sender
 * → reject; trusted sender → approve unless a medium or high flag is open; emoji-only repeat of a
 * message approved in the channel within emoji_repeat_seconds → approve), each audited as
 * `message.fast_lane`; otherwise one open pending flag. Decisions go through recordDecision
 * (automatic, actor `pre-moderation`), which closes the message's open flags.
 * `alreadyRejected`: the rules rejected it (a blocked sender in a `post` channel).
 */
export function premoderateMessage(
  db: Db,
  message: ArrivingMessage,
  channel: ChannelSettings,
  now: number,
  alreadyRejected: boolean,
): void {
  if (alreadyRejected) return;
  const store = premodStore(db);
  const decide = (verdict: Verdict, action: string, details: Record<string, unknown>) =>
    recordDecision(
      db,
      {
        messageId: message.id,
        verdict,
        actor: PREMOD_ACTOR,
        automatic: true,
        note: null,
        basisDecisionId: null,
        audit: { action, details },
      },
      now,
    );

  const match = matchBlockedPattern(db, message.channelId, message.view.original, now);
  if (match !== null) {
    decide('reject', 'message.blocked_pattern', match);
    return;
  }
  if (channel.mode !== 'pre') return;

  const { senderStatus, senderId } = message;
  if (senderStatus === 'blocked') {
    // As in a post channel, the reason is on the message whatever the lane does.
    store.insertSenderFlag.run(message.id, senderId, now);
    if (channel.reject_blocked) {
      decide('reject', 'message.fast_lane', { lane: 'blocked_sender', senderId });
      return;
    }
  } else {
    // Read at most once, and only when a lane could approve.
    let seriousFlag: boolean | undefined;
    const serious = () => (seriousFlag ??= store.seriousOpenFlag.get(message.id) !== undefined);
    if (senderStatus === 'trusted' && channel.approve_trusted && !serious()) {
      decide('approve', 'message.fast_lane', { lane: 'trusted_sender', senderId });
      return;
    }
    if (channel.emoji_repeat_seconds > 0 && isEmojiOnly(message.view.original) && !serious()) {
      const earlier = store.approvedSameText.get(
        message.channelId,
        message.sentAt - channel.emoji_repeat_seconds * 1000,
        message.sentAt,
        message.view.folded().text,
        message.id,
      );
      if (earlier !== undefined) {
        decide('approve', 'message.fast_lane', { lane: 'emoji_repeat', sameAs: earlier.id });
        return;
      }
    }
  }
  store.insertPendingFlag.run(message.id, senderId, now);
}
