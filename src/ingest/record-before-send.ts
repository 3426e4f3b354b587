import type { Db } from '../db/client.ts';
import { recordDecision } from '../moderation/decide-message.ts';
import type { OriginalSpan } from '../rules/normalize.ts';
import type { RuleAction, Severity } from '../rules/rule-kinds.ts';
import { insertFlag, rulesStore } from '../rules/rules-store.ts';
import { BEFORE_SEND_ACTOR, type ScreenResult } from '../rules/screen-message.ts';
import { candidateStore } from './candidate-store.ts';
import { ingestStore } from './ingest-store.ts';
import { recordDuplicate } from './record-duplicate.ts';
import type { BeforeSendCandidate } from './senders/stream.ts';
import { insertDelivery, insertNewMessage, type AcceptedDelivery } from './store-event.ts';

export type BeforeSendDelivery = Omit<AcceptedDelivery, 'body'> & { body: Buffer | null };

/** A screening result as plain data (no compiled rule), so it can cross to the writer thread. */
export type ScreenRecord = {
  action: ScreenResult['action'];
  /** The text the chat gets, when a rule scrubbed it. */
  text?: string;
  hits: {
    rule: { id: number; version: number; name: string; action: RuleAction; severity: Severity };
    hit: { reason: string; span: OriginalSpan | null };
  }[];
};

/** The plain-data record of a screening, for recordBeforeSend. */
export function screenRecord(screen: ScreenResult): ScreenRecord {
  return {
    action: screen.action,
    ...(screen.action === 'scrub' ? { text: screen.text } : {}),
    hits: screen.hits.map(({ rule, hit }) => ({
      rule: {
        id: rule.id,
        version: rule.version,
        name: rule.name,
        action: rule.action,
        severity: rule.severity,
      },
      hit: { reason: hit.reason, span: hit.span },
    })),
  };
}

/**
 * Records a sender's pre-delivery check (src/ingest/check-before-send.ts), for the writer's
 * transaction: its delivery row and, when a rule acted, the candidate message with a flag per
 * acting rule: a scrubbed one with the text the chat gets and its original beside it (flags
 * logged), a blocked one rejected by an automatic, audited decision (flags closed). A retried
 * check of a stored id stores nothing new.
 */
export function recordBeforeSend(
  db: Db,
  delivery: BeforeSendDelivery & { detail: string },
  candidate: BeforeSendCandidate,
  screen: ScreenRecord | null,
): void {
  const store = ingestStore(db);
  db.$client.transaction(() => {
    if (screen === null || screen.hits.length === 0) {
      insertDelivery(store, delivery, 'accepted');
      return;
    }
    const { sourceId, receivedAt } = delivery;
    if (
      candidate.externalId !== null &&
      store.messageId.get(sourceId, candidate.externalId) !== undefined
    ) {
      // A retried check of a message stored already: the same decision, nothing new stored.
      recordDuplicate(db, delivery);
      return;
    }
    const deliveryId = insertDelivery(store, delivery, 'accepted');
    const blocked = screen.action === 'block';
    // What the chat gets (nothing, when blocked): displays and exports show this; the original
    // only moderators, in the item view.
    const published =
      screen.action === 'scrub' ? (screen.text ?? candidate.text) : blocked ? '' : candidate.text;
    const messageId = insertNewMessage(
      db,
      delivery,
      deliveryId,
      {
        // Without the client's id, the push will bring the message again under its own id.
        externalId: candidate.externalId ?? `before-send:${deliveryId}`,
        channelExternalId: candidate.channelExternalId,
        senderExternalId: candidate.senderExternalId,
        author: candidate.author,
        text: published,
        sentAt: receivedAt,
      },
      // The rules and pre-moderation run when the push completes it (storeMessage).
      { evaluate: false },
    );
    if (published !== candidate.text) {
      candidateStore(db).setOriginalText.run(candidate.text, messageId);
    }
    const senderId =
      candidate.senderExternalId === null
        ? null
        : (store.senderByExternalId.get(sourceId, candidate.senderExternalId)?.id ?? null);
    const rules = rulesStore(db);
    for (const { rule, hit } of screen.hits) {
      insertFlag(rules, {
        messageId,
        senderId,
        reactionId: null,
        origin: 'rule',
        ruleId: rule.id,
        ruleVersion: rule.version,
        severity: rule.severity,
        status: rule.action === 'block' ? 'open' : 'logged',
        reason: `${rule.action === 'block' ? 'blocked' : 'scrubbed'} before delivery: ${rule.name}: ${hit.reason}`,
        // Spans point into the text as the sender wrote it (original_text when scrubbed).
        span: hit.span,
        actor: BEFORE_SEND_ACTOR,
        createdAt: receivedAt,
      });
    }
    const details = { rules: screen.hits.map((h) => h.rule.id), deliveryId };
    if (blocked) {
      // Rejected by the rule, as any automatic decision: audited, its flags closed, off displays.
      const names = screen.hits.filter((h) => h.rule.action === 'block').map((h) => h.rule.name);
      recordDecision(
        db,
        {
          messageId,
          verdict: 'reject',
          actor: 'system',
          automatic: true,
          note: `automatic: blocked before delivery by ${names.join(', ')}`,
          basisDecisionId: null,
          audit: { action: 'message.block_before_send', details },
        },
        receivedAt,
      );
    } else {
      rules.insertAudit.run(
        receivedAt,
        'message.scrub_before_send',
        'message',
        String(messageId),
        JSON.stringify(details),
      );
    }
  })();
}
