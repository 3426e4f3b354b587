import type { Db } from '../db/client.ts';
import type { CompiledRule, MessageFacts, ReactionFacts, RuleHit } from './compile-rule.ts';
import { loadRuleSet } from './load-rule-set.ts';
import { historyOf, insertFlag, rulesStore, type RulesStore } from './rules-store.ts';

export type SenderStatus = 'normal' | 'watched' | 'trusted' | 'blocked';

/**
 * Raises the flags of a message just stored, inside the caller's (ingest) transaction, so a
 * message is never stored without its flags. Trusted senders are exempt from rules; a watched
 * sender's messages are flagged low; a blocked sender's are flagged high and rejected by an
 * automatic, audited decision. Returns the number of flags raised.
 */
export function evaluateMessage(
  db: Db,
  message: MessageFacts,
  senderStatus: SenderStatus | null,
  now: number,
): number {
  const store = rulesStore(db);
  let raised = 0;
  const raise = (rule: CompiledRule, hit: RuleHit) => {
    insertFlag(store, {
      messageId: message.id,
      senderId: message.senderId,
      reactionId: null,
      origin: rule.kind === 'reaction_signal' ? 'reaction' : 'rule',
      ruleId: rule.id,
      ruleVersion: rule.version,
      severity: rule.severity,
      status: rule.action === 'log' ? 'logged' : 'open',
      reason: `${rule.name}: ${hit.reason}`,
      span: hit.span,
      actor: 'system',
      createdAt: now,
    });
    raised++;
  };

  if (senderStatus !== 'trusted') {
    const history = historyOf(store);
    for (const rule of loadRuleSet(db)) {
      if (rule.onMessage === undefined) continue;
      if (!rule.appliesTo(message.sourceId, message.channelExternalId)) continue;
      const hit = rule.onMessage(message, history);
      if (hit !== null) raise(rule, hit);
    }
  }
  if (senderStatus === 'watched' || senderStatus === 'blocked') {
    raised += flagBySenderStatus(store, message, senderStatus, now);
  }
  return raised;
}

function flagBySenderStatus(
  store: RulesStore,
  message: MessageFacts,
  status: 'watched' | 'blocked',
  now: number,
): number {
  insertFlag(store, {
    messageId: message.id,
    senderId: message.senderId,
    reactionId: null,
    origin: 'sender',
    ruleId: null,
    ruleVersion: null,
    severity: status === 'blocked' ? 'high' : 'low',
    status: 'open',
    reason: status === 'blocked' ? 'sender is blocked' : 'sender is watched',
    span: null,
    actor: 'system',
    createdAt: now,
  });
  if (status === 'blocked') {
    const note = 'automatic: the sender is blocked';
    const decision = store.insertDecision.run(message.id, 'reject', note, now);
    store.setMessageState.run('rejected', Number(decision.lastInsertRowid), message.id);
    store.closeOpenFlags.run(now, message.id);
    store.insertAudit.run(
      now,
      'decision.auto_reject',
      'message',
      String(message.id),
      JSON.stringify({ reason: note, senderId: message.senderId }),
    );
  }
  return 1;
}

/**
 * Raises the flags of a reaction event just stored, inside the caller's transaction: reaction
 * signals on the target message (once per rule and message) and reaction floods on the reactor
 * (once per rule within its window).
 */
export function evaluateReaction(
  db: Db,
  reaction: ReactionFacts & { id: number; targetMessageId: number | null },
  now: number,
): number {
  const store = rulesStore(db);
  const history = historyOf(store);
  let raised = 0;
  for (const rule of loadRuleSet(db)) {
    if (rule.onReaction === undefined) continue;
    if (!rule.appliesTo(reaction.sourceId, reaction.channelExternalId)) continue;
    const hit = rule.onReaction(reaction, history);
    if (hit === null) continue;
    const onSender = hit.on === 'sender';
    if (onSender) {
      if (reaction.reactorSenderId === null) continue;
      const since = now - (rule.senderFlagWindowMs ?? 0);
      if (store.ruleFlagOnSenderSince.get(reaction.reactorSenderId, rule.id, since)) continue;
    } else {
      if (reaction.targetMessageId === null) continue; // checked again when the message arrives
      if (store.ruleFlagOnMessage.get(reaction.targetMessageId, rule.id)) continue;
    }
    insertFlag(store, {
      messageId: onSender ? null : reaction.targetMessageId,
      senderId: onSender ? reaction.reactorSenderId : null,
      reactionId: reaction.id,
      origin: 'reaction',
      ruleId: rule.id,
      ruleVersion: rule.version,
      severity: rule.severity,
      status: rule.action === 'log' ? 'logged' : 'open',
      reason: `${rule.name}: ${hit.reason}`,
      span: null,
      actor: 'system',
      createdAt: now,
    });
    raised++;
  }
  return raised;
}
