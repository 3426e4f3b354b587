import type { Db } from '../db/client.ts';
import { DomainError } from '../errors.ts';
import { compileRule, type CompiledRule, type MessageFacts } from './compile-rule.ts';
import { DEFAULT_BUDGET, type EvaluationBudget } from './evaluate-message.ts';
import { loadRuleSet } from './load-rule-set.ts';
import { getRule } from './list-rules.ts';
import { createTextView } from './match-text.ts';
import type { OriginalSpan } from './normalize.ts';
import { factsOfStoredMessage, type StoredMessage } from './stored-message.ts';
import { parseRuleDraft, type RuleKind } from './rule-kinds.ts';
import { historyOf, rulesStore, type History } from './rules-store.ts';

/** Kinds that need stored history or reactions, so a lone text cannot trigger them. */
const HISTORY_KINDS: ReadonlySet<RuleKind> = new Set([
  'flood',
  'repetition',
  'reaction_signal',
  'reaction_flood',
]);

export type RuleUnderTest = { ruleId: number } | { draft: unknown } | { allEnabled: true };

export type TextTestResult = {
  matches: {
    ruleId: number;
    name: string;
    kind: RuleKind;
    reason: string;
    span: OriginalSpan | null;
  }[];
  /** Rules that were not tried on a lone text, with why. */
  skipped: { ruleId: number; name: string; kind: RuleKind; why: string }[];
  /** The time a message's rules may take (ms), as on ingest. */
  budgetMs: number;
  /** Rules that took longer than that on this text (`tookMs`), or were not run once it was
   * spent (`tookMs` null): on a real message they would raise `evaluation exceeded budget`. */
  overBudget: { ruleId: number; name: string; kind: RuleKind; tookMs: number | null }[];
};

const NO_HISTORY: History = {
  senderMessagesBetween: () => 0,
  recentNormalizedTexts: () => [],
  reactorReactionsBetween: () => 0,
};

/**
 * Runs rules on a text as if a new sender had just posted it, writing nothing, within the
 * evaluation budget of a message (EVALUATION_BUDGET_MS unless given), as ingest does: rules
 * over it are listed instead of holding up the caller. Rules that need history (flood,
 * repetition, reactions) are listed as skipped. Throws `invalid_input` for a bad draft or a
 * stored rule that no longer validates, and `not_found` for an unknown rule.
 */
export function testRulesOnText(
  db: Db,
  text: string,
  which: RuleUnderTest,
  now: number,
  budget: EvaluationBudget = DEFAULT_BUDGET,
): TextTestResult {
  const facts: MessageFacts = {
    id: 0,
    sourceId: '',
    channelId: 0,
    channelExternalId: '',
    senderId: null,
    senderFirstSeenAt: now,
    sentAt: now,
    receivedAt: now,
    view: createTextView(text),
    reactions: {},
  };
  const result: TextTestResult = { matches: [], skipped: [], budgetMs: budget.ms, overBudget: [] };
  const started = budget.clock();
  for (const rule of rulesUnderTest(db, which)) {
    const summary = { ruleId: rule.id, name: rule.name, kind: rule.kind };
    if (HISTORY_KINDS.has(rule.kind) || rule.onMessage === undefined) {
      result.skipped.push({ ...summary, why: 'needs stored history or reactions' });
      continue;
    }
    const before = budget.clock();
    if (before - started >= budget.ms) {
      result.overBudget.push({ ...summary, tookMs: null });
      continue;
    }
    const hit = rule.onMessage(facts, NO_HISTORY);
    const took = budget.clock() - before;
    if (took > budget.ms) result.overBudget.push({ ...summary, tookMs: Math.round(took) });
    if (hit !== null) result.matches.push({ ...summary, reason: hit.reason, span: hit.span });
  }
  return result;
}

export type ReplayResult = {
  rule: { ruleId: number; name: string; kind: RuleKind };
  examined: number;
  wouldFlag: number;
  samples: {
    messageId: number;
    sentAt: number;
    screenName: string;
    text: string;
    reason: string;
    span: OriginalSpan | null;
  }[];
};

/**
 * Replays one rule (stored or draft) over the messages sent in [since, until), as each was
 * when it arrived, and counts how many it would flag, with the first samples. Read-only: it
 * writes nothing. Reaction floods flag senders, not messages, and are not replayed.
 */
export function replayRule(
  db: Db,
  which: { ruleId: number } | { draft: unknown },
  window: { since: number; until: number; samples?: number },
): ReplayResult {
  const [rule] = rulesUnderTest(db, which);
  if (rule === undefined) throw new DomainError('not_found', 'no rule to replay');
  if (rule.onMessage === undefined) {
    throw new DomainError(
      'invalid_input',
      `${rule.kind} rules flag senders, not messages; they cannot be replayed`,
    );
  }
  const history = historyOf(rulesStore(db));
  const result: ReplayResult = {
    rule: { ruleId: rule.id, name: rule.name, kind: rule.kind },
    examined: 0,
    wouldFlag: 0,
    samples: [],
  };
  const rows = db.$client
    .prepare<[number, number], StoredMessage>(
      `SELECT m.id, m.source_id, m.channel_id, c.external_id AS channel_external_id, m.sender_id,
         s.first_seen_at AS sender_first_seen_at, m.sent_at, m.received_at, m.screen_name, m.text,
         m.reactions_json
       FROM messages m JOIN channels c ON c.id = m.channel_id
       LEFT JOIN senders s ON s.id = m.sender_id
       WHERE m.sent_at >= ? AND m.sent_at < ? ORDER BY m.sent_at, m.id`,
    )
    .iterate(window.since, window.until);
  for (const row of rows) {
    if (!rule.appliesTo(row.source_id, row.channel_external_id)) continue;
    result.examined++;
    const hit = rule.onMessage(factsOfStoredMessage(row), history);
    if (hit === null) continue;
    result.wouldFlag++;
    if (result.samples.length < (window.samples ?? 5)) {
      result.samples.push({
        messageId: row.id,
        sentAt: row.sent_at,
        screenName: row.screen_name,
        text: row.text,
        reason: hit.reason,
        span: hit.span,
      });
    }
  }
  return result;
}

function rulesUnderTest(db: Db, which: RuleUnderTest): CompiledRule[] {
  if ('allEnabled' in which) return loadRuleSet(db);
  if ('ruleId' in which) {
    const rule = getRule(db, which.ruleId);
    // Validated again: a rule stored before a check it now fails must not reach the compiler.
    const parsed = parseRuleDraft(rule);
    if (!parsed.ok) {
      throw new DomainError(
        'invalid_input',
        `rule ${rule.id} needs a change before it can run: ${parsed.message}`,
        parsed.field,
      );
    }
    return [compileRule(rule.id, rule.version, { ...parsed.rule, enabled: true })];
  }
  // A draft under trial needs no name.
  const draft = which.draft;
  const named =
    typeof draft === 'object' && draft !== null && !('name' in draft)
      ? { ...draft, name: 'draft' }
      : draft;
  const parsed = parseRuleDraft(named);
  if (!parsed.ok) throw new DomainError('invalid_input', parsed.message, parsed.field);
  return [compileRule(0, 0, parsed.rule)];
}
