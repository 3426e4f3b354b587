import type { Db } from '../db/client.ts';
import type { CompiledRule, MessageFacts, ReactionFacts, RuleHit } from './compile-rule.ts';
import { loadRuleSet } from './load-rule-set.ts';
import { TEXT_KINDS } from './rule-kinds.ts';
import { historyOf, insertFlag, rulesStore, type RulesStore } from './rules-store.ts';

export type SenderStatus = 'normal' | 'watched' | 'trusted' | 'blocked';

/** Rules stop being run on a message once this much time (ms) was spent on it. */
export const EVALUATION_BUDGET_MS = 50;

/** The time a message's rules may take, and the clock (ms) that measures it. */
export type EvaluationBudget = { ms: number; clock: () => number };
export const DEFAULT_BUDGET: EvaluationBudget = {
  ms: EVALUATION_BUDGET_MS,
  clock: () => performance.now(),
};
/** A budget flag names at most this many rules that were not run. */
const NAMED_SKIPPED_RULES = 5;

/** Rules an edit re-runs: those that look at the text (not at counts of messages). */
const EDIT_KINDS: ReadonlySet<string> = new Set([...Object.keys(TEXT_KINDS), 'new_sender']);

/**
 * Raises the flags of a message just stored, inside the caller's (ingest) transaction, so a
 * message is never stored without its flags. Trusted senders are exempt from rules; a watched
 * sender's messages are flagged low; a blocked sender's are flagged high and rejected by an
 * automatic, audited decision. With `edit`, for a new text of a stored message: only the text
 * rules run, a rule with an open flag on the message already is skipped, and sender status adds
 * nothing new. A message approved or highlighted before that gets a new open flag goes back to
 * the queue. Returns the number of flags raised.
 *
 * Rules are timed against `budget` (EVALUATION_BUDGET_MS by default): once the message has used
 * it up, the rules left are not run, and a rule whose own run took longer is noted (what it
 * found still counts); either way the message gets one low `evaluation exceeded budget` flag
 * naming those rules, so it is looked at and the rule can be fixed, instead of a stall.
 */
export function evaluateMessage(
  db: Db,
  message: MessageFacts,
  senderStatus: SenderStatus | null,
  now: number,
  options: { edit?: boolean; budget?: EvaluationBudget } = {},
): number {
  const store = rulesStore(db);
  let raised = 0;
  let opened = 0;
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
    if (rule.action !== 'log') opened++;
  };

  if (senderStatus !== 'trusted') {
    const history = historyOf(store);
    const { ms, clock } = options.budget ?? DEFAULT_BUDGET;
    const started = clock();
    // One reading per rule (its end is the next one's start): 200 rules read it 200 times.
    let last = started;
    const overran: { rule: CompiledRule; took: number }[] = [];
    const skipped: CompiledRule[] = [];
    for (const rule of loadRuleSet(db)) {
      if (rule.onMessage === undefined) continue;
      if (options.edit && !EDIT_KINDS.has(rule.kind)) continue;
      if (!rule.appliesTo(message.sourceId, message.channelExternalId)) continue;
      if (last - started >= ms) {
        skipped.push(rule);
        continue;
      }
      const hit = rule.onMessage(message, history);
      const reading = clock();
      if (reading - last > ms) overran.push({ rule, took: reading - last });
      last = reading;
      if (hit === null) continue;
      if (options.edit && store.openRuleFlagOnMessage.get(message.id, rule.id)) continue;
      raise(rule, hit);
    }
    if (overran.length > 0 || skipped.length > 0) {
      insertFlag(store, {
        messageId: message.id,
        senderId: message.senderId,
        reactionId: null,
        origin: 'rule',
        // Not one rule's hit: rule figures must not count it.
        ruleId: null,
        ruleVersion: null,
        severity: 'low',
        status: 'open',
        reason: budgetReason(ms, overran, skipped),
        span: null,
        actor: 'system',
        createdAt: now,
      });
      raised++;
      opened++;
    }
  }
  if (opened > 0) reopenIfDecided(store, message.id, now, 'a rule matched');
  if (!options.edit && (senderStatus === 'watched' || senderStatus === 'blocked')) {
    raised += flagBySenderStatus(store, message, senderStatus, now);
  }
  return raised;
}

const ruleLabel = (rule: CompiledRule) => `rule ${rule.id} "${rule.name}"`;

/** Why the budget flag was raised, naming the rules: the slow ones first, then those not run. */
function budgetReason(
  ms: number,
  overran: { rule: CompiledRule; took: number }[],
  skipped: CompiledRule[],
): string {
  const parts = overran.map(
    ({ rule, took }) => `${ruleLabel(rule)} took ${Math.round(took)} ms (budget ${ms} ms)`,
  );
  if (skipped.length > 0) {
    const named = skipped.slice(0, NAMED_SKIPPED_RULES).map(ruleLabel).join(', ');
    const more = skipped.length - NAMED_SKIPPED_RULES;
    parts.push(`not run once ${ms} ms were spent: ${named}${more > 0 ? ` and ${more} more` : ''}`);
  }
  return `evaluation exceeded budget: ${parts.join('; ')}`;
}

/**
 * Puts an approved or highlighted message back in the queue (state `unreviewed`, no current
 * decision) because a new open flag was raised on it; audited. A rejected message stays
 * rejected. For the caller's transaction.
 */
export function reopenIfDecided(
  store: RulesStore,
  messageId: number,
  now: number,
  why: string,
): void {
  if (store.reopenDecided.get(messageId) === undefined) return;
  store.insertAudit.run(
    now,
    'message.reopen',
    'message',
    String(messageId),
    JSON.stringify({ reason: `new open flag after a decision: ${why}` }),
  );
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
    if (!onSender && rule.action !== 'log') {
      reopenIfDecided(store, reaction.targetMessageId!, now, 'a reaction signal');
    }
  }
  return raised;
}
