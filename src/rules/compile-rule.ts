import type { ReactionSnapshot } from '../ingest/incoming-event.ts';
import { boundedDistance } from './bounded-edit-distance.ts';
import { compileTextCheck, type TextHit, type TextView } from './match-text.ts';
import { comparedPart, type History } from './rules-store.ts';
import type { RuleDefinition, RuleSettings, Severity, RuleAction } from './rule-kinds.ts';

/** A message as the rules see it, right after it was stored. */
export type MessageFacts = {
  id: number;
  sourceId: string;
  channelId: number;
  channelExternalId: string;
  senderId: number | null;
  /** When the sender was first seen (epoch ms), for new-sender checks. */
  senderFirstSeenAt: number | null;
  sentAt: number;
  receivedAt: number;
  view: TextView;
  reactions: ReactionSnapshot;
};

/** A reaction event as the rules see it, right after it was stored. */
export type ReactionFacts = {
  sourceId: string;
  channelExternalId: string;
  action: 'add' | 'remove';
  emoji: string;
  reactorSenderId: number | null;
  receivedAt: number;
  /** The target's reactions after this event. */
  snapshot: ReactionSnapshot;
};

/** What a rule found; `on: 'sender'` flags the acting sender instead of a message. */
export type RuleHit = TextHit & { on?: 'sender' };

export type CompiledRule = {
  id: number;
  version: number;
  name: string;
  kind: RuleDefinition['kind'];
  severity: Severity;
  action: RuleAction;
  /** Window (ms) within which a sender-level hit is not raised again. */
  senderFlagWindowMs?: number;
  appliesTo: (sourceId: string, channelExternalId: string) => boolean;
  onMessage?: (message: MessageFacts, history: History) => RuleHit | null;
  onReaction?: (reaction: ReactionFacts, history: History) => RuleHit | null;
};

/** Repetition compares with at most this many of the newest messages in its window (a bound on
 * its cost: in a chat of 20 messages a second, the last 10 seconds). */
export const REPETITION_CANDIDATES = 200;

/** Compiles a validated rule into the functions that evaluation calls. Pure. */
export function compileRule(id: number, version: number, rule: RuleDefinition): CompiledRule {
  const sources = new Set(rule.scope.sources);
  const channels = new Set(rule.scope.channels);
  const base = {
    id,
    version,
    name: rule.name,
    kind: rule.kind,
    severity: rule.severity,
    action: rule.action,
    appliesTo: (sourceId: string, channel: string) =>
      (sources.size === 0 || sources.has(sourceId)) &&
      (channels.size === 0 || channels.has(channel)),
  };
  switch (rule.kind) {
    case 'keyword':
    case 'regex':
    case 'personal_data':
    case 'link':
    case 'shouting': {
      const match = compileTextCheck({ kind: rule.kind, settings: rule.settings } as never);
      return { ...base, onMessage: (m) => match(m.view) };
    }
    case 'new_sender':
      return { ...base, onMessage: newSender(rule.settings) };
    case 'flood':
      return { ...base, onMessage: flood(rule.settings) };
    case 'repetition':
      return { ...base, onMessage: repetition(rule.settings) };
    case 'reaction_signal': {
      const signal = reactionSignal(rule.settings);
      return {
        ...base,
        onMessage: (m) => signal(m.reactions),
        onReaction: (r) => (r.action === 'add' ? signal(r.snapshot) : null),
      };
    }
    case 'reaction_flood':
      return {
        ...base,
        senderFlagWindowMs: rule.settings.seconds * 1000,
        onReaction: reactionFlood(rule.settings),
      };
  }
}

function newSender(settings: RuleSettings<'new_sender'>) {
  const match = compileTextCheck(settings.check);
  const windowMs = settings.minutes * 60_000;
  return (m: MessageFacts): RuleHit | null => {
    if (m.senderFirstSeenAt === null || m.receivedAt - m.senderFirstSeenAt >= windowMs) return null;
    const hit = match(m.view);
    if (hit === null) return null;
    const minutes = Math.floor((m.receivedAt - m.senderFirstSeenAt) / 60_000);
    return { ...hit, reason: `new sender (first seen ${minutes} min ago): ${hit.reason}` };
  };
}

function flood(settings: RuleSettings<'flood'>) {
  const windowMs = settings.seconds * 1000;
  return (m: MessageFacts, history: History): RuleHit | null => {
    if (m.senderId === null) return null;
    const count = history.senderMessagesBetween(m.senderId, m.sentAt - windowMs, m.sentAt);
    if (count <= settings.messages) return null;
    return { reason: `${count} messages from one sender within ${settings.seconds} s`, span: null };
  };
}

function repetition(settings: RuleSettings<'repetition'>) {
  const windowMs = settings.seconds * 1000;
  const k = settings.maxDistance;
  return (m: MessageFacts, history: History): RuleHit | null => {
    const text = m.view.folded().text;
    if (text.length < settings.minLength) return null;
    if (settings.across === 'sender' && m.senderId === null) return null;
    const scope =
      settings.across === 'sender'
        ? { across: 'sender' as const, senderId: m.senderId! }
        : settings.across === 'channel'
          ? { across: 'channel' as const, channelId: m.channelId }
          : { across: 'source' as const, sourceId: m.sourceId };
    // SQLite's length() counts code points; only texts that could be within k edits are read.
    const codePoints = [...text].length;
    const recent = history.recentNormalizedTexts(
      scope,
      { after: m.sentAt - windowMs, upTo: m.sentAt, excludeMessageId: m.id },
      { min: codePoints - k, max: codePoints + k },
      REPETITION_CANDIDATES,
    );
    // The store filtered the lengths (of the whole texts); the distance is of the compared
    // parts, so its cost stays linear in REPETITION_COMPARED_LENGTH, not in the text.
    const compared = comparedPart(text, codePoints);
    let times = 1;
    for (const other of recent) {
      const same = boundedDistance(other, compared, k) !== null;
      if (same && ++times >= settings.times) {
        const who = settings.across === 'sender' ? 'by one sender' : `in this ${settings.across}`;
        const near = k === 0 ? 'the same text' : 'the same or a near-identical text';
        return {
          reason: `${near} posted ${times} times ${who} within ${settings.seconds} s`,
          span: null,
        };
      }
    }
    return null;
  };
}

function reactionSignal(settings: RuleSettings<'reaction_signal'>) {
  return (snapshot: ReactionSnapshot): RuleHit | null => {
    const users = new Set<string>();
    for (const emoji of settings.emoji) {
      if (Object.hasOwn(snapshot, emoji)) for (const u of snapshot[emoji] ?? []) users.add(u);
    }
    if (users.size < settings.users) return null;
    return {
      reason: `${users.size} users reacted with ${settings.emoji.join(' or ')}`,
      span: null,
    };
  };
}

function reactionFlood(settings: RuleSettings<'reaction_flood'>) {
  const windowMs = settings.seconds * 1000;
  return (r: ReactionFacts, history: History): RuleHit | null => {
    if (r.reactorSenderId === null || r.action !== 'add') return null;
    const count = history.reactorReactionsBetween(
      r.reactorSenderId,
      r.receivedAt - windowMs,
      r.receivedAt,
    );
    if (count <= settings.reactions) return null;
    return {
      reason: `reaction flood: ${count} reactions within ${settings.seconds} s`,
      span: null,
      on: 'sender',
    };
  };
}
