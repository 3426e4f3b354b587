import type { Db } from '../db/client.ts';
import type { CompiledRule, MessageFacts, RuleHit } from './compile-rule.ts';
import { loadRuleSet } from './load-rule-set.ts';
import { createTextView } from './match-text.ts';
import { historyOf, rulesStore } from './rules-store.ts';

/** A rule that acted on a candidate message, and what it found in the original text. */
export type ScreenHit = { rule: CompiledRule; hit: RuleHit };

export type ScreenResult =
  | { action: 'pass'; hits: ScreenHit[] }
  | { action: 'scrub'; text: string; hits: ScreenHit[] }
  | { action: 'block'; hits: ScreenHit[] };

/**
 * Who raises the flags of a sender's pre-delivery check. Their spans point into the text as the
 * sender wrote it: the message's original text when a rule scrubbed it.
 */
export const BEFORE_SEND_ACTOR = 'before-send';

/** A scrub rule replaces at most this many spans of one message (a bound on its cost). */
const MAX_SCRUBS_PER_RULE = 50;
const DEFAULT_MASK = '[removed]';

const screening = new WeakMap<CompiledRule[], CompiledRule[]>();

/**
 * The enabled rules with action `scrub` or `block` that apply to this source and channel: the
 * ones a sender's pre-delivery check runs. Empty with the default rules, so that check is cheap.
 */
export function screeningRules(
  db: Db,
  sourceId: string,
  channelExternalId: string,
): CompiledRule[] {
  const all = loadRuleSet(db);
  let acting = screening.get(all);
  if (acting === undefined) {
    acting = all.filter(
      (r) => (r.action === 'scrub' || r.action === 'block') && r.onMessage !== undefined,
    );
    screening.set(all, acting);
  }
  return acting.filter((r) => r.appliesTo(sourceId, channelExternalId));
}

/**
 * Runs screening rules on a message not yet stored (reads history, writes nothing). Any `block`
 * hit blocks; otherwise every `scrub` hit's span is replaced by its mask (`[email removed]`), as
 * often as the rule matches the rewritten text. A scrub hit without a span (shouting) is
 * reported but changes nothing.
 */
export function screenMessage(
  db: Db,
  rules: readonly CompiledRule[],
  facts: Omit<MessageFacts, 'view'>,
  text: string,
): ScreenResult {
  const history = historyOf(rulesStore(db));
  const view = createTextView(text);
  const hits: ScreenHit[] = [];
  for (const rule of rules) {
    const hit = rule.onMessage!({ ...facts, view }, history);
    if (hit !== null) hits.push({ rule, hit });
  }
  if (hits.length === 0) return { action: 'pass', hits };
  if (hits.some((h) => h.rule.action === 'block')) return { action: 'block', hits };
  let scrubbed = text;
  for (const { rule, hit } of hits) {
    if (hit.span === null) continue;
    for (let i = 0; i < MAX_SCRUBS_PER_RULE; i++) {
      const again =
        i === 0 && scrubbed === text
          ? hit
          : rule.onMessage!({ ...facts, view: createTextView(scrubbed) }, history);
      if (again?.span == null) break;
      const mask = again.mask ?? DEFAULT_MASK;
      if (scrubbed.slice(again.span.start, again.span.end) === mask) break;
      scrubbed = scrubbed.slice(0, again.span.start) + mask + scrubbed.slice(again.span.end);
    }
  }
  return { action: 'scrub', text: scrubbed, hits };
}
