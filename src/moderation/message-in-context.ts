import type { Db } from '../db/client.ts';
import { DomainError } from '../errors.ts';
import { BEFORE_SEND_ACTOR } from '../rules/screen-message.ts';

export type ContextMessage = {
  id: number;
  text: string;
  screenName: string;
  sentAt: number;
  state: string;
};

export type MessageInContext = {
  message: ContextMessage & {
    sourceId: string;
    sourceName: string;
    channelExternalId: string;
    channelLabel: string | null;
    language: string | null;
    receivedAt: number;
    decisionId: number | null;
    reactions: Record<string, string[]>;
    /** What the sender wrote, when a rule scrubbed it before delivery (`text` is published). */
    originalText: string | null;
  };
  flags: {
    id: number;
    origin: string;
    severity: 'low' | 'medium' | 'high';
    status: string;
    reason: string;
    ruleId: number | null;
    ruleName: string | null;
    ruleVersion: number | null;
    spanStart: number | null;
    spanEnd: number | null;
    /** The span points into `originalText`, not `text` (raised by the check that scrubbed it). */
    inOriginal: boolean;
    matchedText: string | null;
    normalizedText: string | null;
    transformations: string[];
    actor: string;
    createdAt: number;
  }[];
  decisions: {
    id: number;
    verdict: string;
    outcome: string;
    actor: string;
    automatic: boolean;
    note: string | null;
    createdAt: number;
    /** Who undid it (src/moderation/undo-decision.ts), or null. */
    undoneBy: string | null;
  }[];
  /** Up to 10 messages before and after it in its channel, oldest first. */
  before: ContextMessage[];
  after: ContextMessage[];
  reactions: { emoji: string; action: string; reactorScreenName: string; receivedAt: number }[];
  sender: {
    id: number;
    externalId: string;
    screenName: string;
    centralauthUsername: string | null;
    status: string;
    firstSeenAt: number;
    lastSeenAt: number;
    messageCount: number;
    rejectedCount: number;
    /** Flags on their other messages and on them, newest first. */
    previousFlags: {
      messageId: number | null;
      severity: string;
      reason: string;
      status: string;
      createdAt: number;
    }[];
    /** Decisions on their messages, newest first. */
    previousDecisions: {
      messageId: number;
      verdict: string;
      outcome: string;
      actor: string;
      createdAt: number;
    }[];
    notes: { actor: string; text: string; createdAt: number }[];
  } | null;
};

const CONTEXT = 10;

/**
 * An item for review: the message, all its flags with their rules and "why" traces, its
 * decisions, the messages around it in its channel, its reactions and its sender's history.
 * Read-only. Throws `not_found`.
 */
export function getMessageInContext(db: Db, messageId: number): MessageInContext {
  const sql = db.$client;
  const m = sql
    .prepare(
      `SELECT m.id, m.text, m.original_text, m.screen_name, m.sent_at, m.received_at, m.moderation_state, m.language,
         m.decision_id, m.reactions_json, m.channel_id, m.sender_id, m.source_id,
         so.name AS source_name, c.external_id AS channel_external_id, c.label AS channel_label
       FROM messages m JOIN sources so ON so.id = m.source_id JOIN channels c ON c.id = m.channel_id
       WHERE m.id = ?`,
    )
    .get(messageId) as
    | {
        id: number;
        text: string;
        original_text: string | null;
        screen_name: string;
        sent_at: number;
        received_at: number;
        moderation_state: string;
        language: string | null;
        decision_id: number | null;
        reactions_json: string;
        channel_id: number;
        sender_id: number | null;
        source_id: string;
        source_name: string;
        channel_external_id: string;
        channel_label: string | null;
      }
    | undefined;
  if (m === undefined) throw new DomainError('not_found', `no message with id ${messageId}`);

  const neighbour = (direction: 'before' | 'after') =>
    (
      sql
        .prepare(
          direction === 'before'
            ? `SELECT id, text, screen_name, sent_at, moderation_state FROM messages
               WHERE channel_id = ? AND (sent_at < ? OR (sent_at = ? AND id < ?))
               ORDER BY sent_at DESC, id DESC LIMIT ${CONTEXT}`
            : `SELECT id, text, screen_name, sent_at, moderation_state FROM messages
               WHERE channel_id = ? AND (sent_at > ? OR (sent_at = ? AND id > ?))
               ORDER BY sent_at, id LIMIT ${CONTEXT}`,
        )
        .all(m.channel_id, m.sent_at, m.sent_at, m.id) as {
        id: number;
        text: string;
        screen_name: string;
        sent_at: number;
        moderation_state: string;
      }[]
    ).map((r) => ({
      id: r.id,
      text: r.text,
      screenName: r.screen_name,
      sentAt: r.sent_at,
      state: r.moderation_state,
    }));

  const flags = (
    sql
      .prepare(
        `SELECT f.*, r.name AS rule_name FROM flags f LEFT JOIN rules r ON r.id = f.rule_id
         WHERE f.message_id = ? ORDER BY f.id`,
      )
      .all(m.id) as Record<string, unknown>[]
  ).map((f) => ({
    id: f.id as number,
    origin: f.origin as string,
    severity: f.severity as 'low' | 'medium' | 'high',
    status: f.status as string,
    reason: f.reason as string,
    ruleId: f.rule_id as number | null,
    ruleName: f.rule_name as string | null,
    ruleVersion: f.rule_version as number | null,
    spanStart: f.span_start as number | null,
    spanEnd: f.span_end as number | null,
    inOriginal: m.original_text !== null && f.actor === BEFORE_SEND_ACTOR,
    matchedText: f.matched_text as string | null,
    normalizedText: f.normalized_text as string | null,
    transformations: JSON.parse(f.transformations_json as string) as string[],
    actor: f.actor as string,
    createdAt: f.created_at as number,
  }));

  const decisions = (
    sql
      .prepare(
        `SELECT id, verdict, outcome, actor, automatic, note, created_at FROM decisions
         WHERE message_id = ? ORDER BY id`,
      )
      .all(m.id) as {
      id: number;
      verdict: string;
      outcome: string;
      actor: string;
      automatic: number;
      note: string | null;
      created_at: number;
    }[]
  ).map((d) => ({ ...d, automatic: d.automatic === 1, createdAt: d.created_at }));
  // Undos (src/moderation/undo-decision.ts) are audit entries naming the decision they undid.
  const undoneBy = new Map<number, string>();
  for (const u of sql
    .prepare(
      `SELECT actor, details_json FROM audit_log
       WHERE target_type = 'message' AND target_id = ? AND action = 'decision.undo' ORDER BY id`,
    )
    .all(String(m.id)) as { actor: string; details_json: string }[]) {
    const undoOf = (JSON.parse(u.details_json) as { undoOf?: unknown }).undoOf;
    if (typeof undoOf === 'number') undoneBy.set(undoOf, u.actor);
  }

  const reactions = (
    sql
      .prepare(
        `SELECT emoji, action, reactor_screen_name, received_at FROM reactions
         WHERE source_id = ? AND target_external_id = (SELECT external_id FROM messages WHERE id = ?)
         ORDER BY id DESC LIMIT 50`,
      )
      .all(m.source_id, m.id) as {
      emoji: string;
      action: string;
      reactor_screen_name: string;
      received_at: number;
    }[]
  ).map((r) => ({
    emoji: r.emoji,
    action: r.action,
    reactorScreenName: r.reactor_screen_name,
    receivedAt: r.received_at,
  }));

  return {
    message: {
      id: m.id,
      text: m.text,
      screenName: m.screen_name,
      sentAt: m.sent_at,
      state: m.moderation_state,
      sourceId: m.source_id,
      sourceName: m.source_name,
      channelExternalId: m.channel_external_id,
      channelLabel: m.channel_label,
      language: m.language,
      receivedAt: m.received_at,
      decisionId: m.decision_id,
      reactions: JSON.parse(m.reactions_json) as Record<string, string[]>,
      originalText: m.original_text,
    },
    flags,
    decisions: decisions.map(({ created_at: _, ...d }) => ({
      ...d,
      undoneBy: undoneBy.get(d.id) ?? null,
    })),
    before: neighbour('before').reverse(),
    after: neighbour('after'),
    reactions,
    sender: m.sender_id === null ? null : senderPanel(db, m.sender_id),
  };
}

function senderPanel(db: Db, senderId: number): NonNullable<MessageInContext['sender']> {
  const sql = db.$client;
  const s = sql
    .prepare(
      `SELECT id, external_id, screen_name, centralauth_username, status, first_seen_at, last_seen_at,
         (SELECT count(*) FROM messages WHERE sender_id = senders.id) AS message_count,
         (SELECT count(*) FROM messages WHERE sender_id = senders.id AND moderation_state = 'rejected')
           AS rejected_count
       FROM senders WHERE id = ?`,
    )
    .get(senderId) as {
    id: number;
    external_id: string;
    screen_name: string;
    centralauth_username: string | null;
    status: string;
    first_seen_at: number;
    last_seen_at: number;
    message_count: number;
    rejected_count: number;
  };
  const previousFlags = (
    sql
      .prepare(
        `SELECT message_id, severity, reason, status, created_at FROM flags
         WHERE sender_id = ? ORDER BY created_at DESC, id DESC LIMIT 20`,
      )
      .all(senderId) as {
      message_id: number | null;
      severity: string;
      reason: string;
      status: string;
      created_at: number;
    }[]
  ).map((f) => ({
    messageId: f.message_id,
    severity: f.severity,
    reason: f.reason,
    status: f.status,
    createdAt: f.created_at,
  }));
  const previousDecisions = (
    sql
      .prepare(
        `SELECT d.message_id, d.verdict, d.outcome, d.actor, d.created_at FROM decisions d
         JOIN messages m ON m.id = d.message_id
         WHERE m.sender_id = ? ORDER BY d.created_at DESC, d.id DESC LIMIT 20`,
      )
      .all(senderId) as {
      message_id: number;
      verdict: string;
      outcome: string;
      actor: string;
      created_at: number;
    }[]
  ).map((d) => ({
    messageId: d.message_id,
    verdict: d.verdict,
    outcome: d.outcome,
    actor: d.actor,
    createdAt: d.created_at,
  }));
  const notes = (
    sql
      .prepare(
        'SELECT actor, text, created_at FROM notes WHERE sender_id = ? ORDER BY id DESC LIMIT 50',
      )
      .all(senderId) as { actor: string; text: string; created_at: number }[]
  ).map((n) => ({ actor: n.actor, text: n.text, createdAt: n.created_at }));
  return {
    id: s.id,
    externalId: s.external_id,
    screenName: s.screen_name,
    centralauthUsername: s.centralauth_username,
    status: s.status,
    firstSeenAt: s.first_seen_at,
    lastSeenAt: s.last_seen_at,
    messageCount: s.message_count,
    rejectedCount: s.rejected_count,
    previousFlags,
    previousDecisions,
    notes,
  };
}
