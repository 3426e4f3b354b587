import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Deps } from '../deps.ts';
import { screeningRules, screenMessage, type ScreenResult } from '../rules/screen-message.ts';
import type { SettingsOf } from '../sources/source-kinds.ts';
import type { DeliveryOutcome } from './delivery-outcome.ts';
import { ingestStore, SCHEMA_WARNING_REASON } from './ingest-store.ts';
import { rejectRequest, verifyRequest, type DeliveryRequest } from './receive-delivery.ts';
import { schemaWarningText } from './senders/json-body.ts';
import { parseStreamBeforeSend, type BeforeSendCandidate } from './senders/stream.ts';
import { screenRecord, type BeforeSendDelivery } from './record-before-send.ts';

/**
 * Past this, a decision is not worth giving: the message is let through unchanged, as Stream
 * does itself when its own timeout (1.5 s by default) runs out (docs/protocols.md, Stream Chat).
 */
export const BEFORE_SEND_BUDGET_MS = 500;

export type BeforeSendDecision = 'pass' | 'rewrite' | 'reject' | 'timeout';

export type BeforeSendOutcome =
  | Extract<DeliveryOutcome, { outcome: 'rejected' }>
  | { outcome: 'decided'; status: 200; decision: BeforeSendDecision; body: unknown };

/**
 * Answers a sender's pre-delivery check (Stream before-message-send on
 * POST /hooks/:sourceId/before-send): verifies it like any delivery, runs the rules with action
 * `scrub` or `block` on the candidate message (trusted senders exempt), and answers `{}` (let it
 * through), `{"message":{…,"text":scrubbed}}` (rewrite), or `{"message":{…,"type":"error",
 * "text":blockText}}` (reject). Every call leaves a delivery row (kind `before_send`, the
 * decision in `detail`), written through the group commit; a pass does not wait for it. When a
 * rule acted, the candidate is stored as a message under the client's message id (else
 * `before-send:<delivery id>`) with a flag per acting rule: a scrubbed one with the text the chat
 * gets and its original beside it (flags logged), a blocked one rejected by an automatic,
 * audited decision (flags closed). A retried check of a stored id stores nothing new. The push of
 * the published message completes the candidate (storeMessage). A decision that took longer than
 * `budgetMs` is not given: the message is let through and the delivery says so. Only stream
 * sources have this check (404 otherwise).
 */
export async function checkBeforeSend(
  deps: Pick<Deps, 'db' | 'now' | 'config' | 'log' | 'writer'>,
  request: DeliveryRequest,
  options: { budgetMs?: number } = {},
): Promise<BeforeSendOutcome> {
  const started = performance.now();
  const budgetMs = options.budgetMs ?? BEFORE_SEND_BUDGET_MS;
  const receivedAt = deps.now();
  const base = { sourceId: request.sourceId, kind: 'before_send' as const, receivedAt, started };
  const verified = await verifyRequest(deps, request, receivedAt, {
    kind: 'stream',
    reason: 'not_before_send',
    message: 'this source has no pre-delivery check; only stream sources do',
  });
  if (!verified.ok) return rejectRequest(deps, verified, base);
  const { source, body } = verified;
  const parsed = parseStreamBeforeSend(body);
  if (!parsed.ok) return rejectRequest(deps, { ...parsed, source, body }, base);
  const { candidate } = parsed;

  const screen = screenCandidate(deps, source.id, candidate, receivedAt);
  const tookMs = performance.now() - started;
  const decision: BeforeSendDecision =
    tookMs > budgetMs
      ? 'timeout'
      : screen.action === 'block'
        ? 'reject'
        : screen.action === 'scrub' && screen.text !== candidate.text
          ? 'rewrite'
          : 'pass';
  const delivery: BeforeSendDelivery = {
    sourceId: source.id,
    kind: 'before_send',
    receivedAt,
    bodySha256: createHash('sha256').update(body).digest('hex'),
    size: body.length,
    secretId: verified.secretId,
    webhookId: null,
    latencyMs: tookMs,
    // Kept only when something was done: the message itself arrives again by push.
    body:
      screen.hits.length > 0 ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : null,
  };
  const decided =
    decision === 'timeout'
      ? `timeout: no decision within ${budgetMs} ms (took ${tookMs.toFixed(0)} ms); let through unchanged`
      : decision;
  // An optional field of the wrong type was dropped (issue 16): the row says which.
  const warned = parsed.warnings !== undefined && parsed.warnings.length > 0;
  const detail = warned ? `${decided}; ${schemaWarningText(parsed.warnings!)}` : decided;
  const recorded = deps.writer
    .write({
      op: 'before-send',
      delivery: { ...delivery, detail, ...(warned ? { reason: SCHEMA_WARNING_REASON } : {}) },
      candidate,
      screen: decision === 'timeout' ? null : screenRecord(screen),
    })
    .catch((error: unknown) => {
      // The decision stands even if recording it failed: a block must not turn into a pass.
      deps.log.error({ err: error, sourceId: source.id }, 'could not record a before-send check');
    });
  // A pass is answered at once: its record is bookkeeping (the message itself arrives by push,
  // durably), and waiting for the fsync would double the answer time. A rewrite or a rejection
  // is answered once its record (message, flags, audit) is on disk.
  if (decision === 'rewrite' || decision === 'reject') await recorded;

  const blockText = (source.settings as SettingsOf<'stream'>).blockText;
  switch (decision) {
    case 'pass':
    case 'timeout':
      return { outcome: 'decided', status: 200, decision, body: {} };
    case 'rewrite':
      return {
        outcome: 'decided',
        status: 200,
        decision,
        body: { message: { ...candidate.message, text: (screen as { text: string }).text } },
      };
    case 'reject':
      return {
        outcome: 'decided',
        status: 200,
        decision,
        body: { message: { ...candidate.message, type: 'error', text: blockText } },
      };
  }
}

function screenCandidate(
  { db }: Pick<Deps, 'db'>,
  sourceId: string,
  candidate: BeforeSendCandidate,
  now: number,
): ScreenResult {
  const rules = screeningRules(db, sourceId, candidate.channelExternalId);
  if (rules.length === 0) return { action: 'pass', hits: [] };
  const store = ingestStore(db);
  const sender =
    candidate.senderExternalId === null
      ? undefined
      : store.senderByExternalId.get(sourceId, candidate.senderExternalId);
  if (sender?.status === 'trusted') return { action: 'pass', hits: [] };
  const facts = {
    id: 0,
    sourceId,
    channelId: store.channelByExternalId.get(sourceId, candidate.channelExternalId)?.id ?? 0,
    channelExternalId: candidate.channelExternalId,
    senderId: sender?.id ?? null,
    senderFirstSeenAt: sender?.first_seen_at ?? null,
    sentAt: now,
    receivedAt: now,
    reactions: {},
  };
  return screenMessage(db, rules, facts, candidate.text);
}
