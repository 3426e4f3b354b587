import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Deps } from '../deps.ts';
import {
  busy,
  NO_SUCH_SOURCE_MESSAGE,
  rejected,
  type DeliveryOutcome,
  type RejectionReason,
} from './delivery-outcome.ts';
import type { SourceKind } from '../sources/source-kinds.ts';
import { gunzipWithin } from './gunzip-within.ts';
import type { IncomingEvent } from './incoming-event.ts';
import {
  findIngestSource,
  ingestStore,
  SCHEMA_WARNING_REASON,
  type IngestSource,
} from './ingest-store.ts';
import { unlessBusy, WriterBusyError } from './ingest-writer.ts';
import { saneEventTimes } from './sane-event-times.ts';
import { schemaWarningText } from './senders/json-body.ts';
import type { HeaderReader, SenderAdapter, StoredResult } from './senders/sender-adapter.ts';
import type { AcceptedDelivery } from './store-event.ts';

export type DeliveryRequest = {
  sourceId: string;
  header: HeaderReader;
  /**
   * Reads the body, giving up with null as soon as it exceeds `limit` bytes; 'incomplete' when
   * the client closed the connection before the body ended.
   */
  readBody: (limit: number) => Promise<Uint8Array | null | 'incomplete'>;
};

type Rejection = { reason: RejectionReason; message: string; body?: Uint8Array; field?: string };

/** What a request came to before anything is stored: a verified body, or why not. */
export type VerifiedRequest =
  | { ok: true; source: IngestSource; body: Uint8Array; secretId: number; webhookId: string | null }
  | ({ ok: false; source: IngestSource | undefined } & Rejection);

/**
 * The steps every POST to a source shares, nothing stored: finds the source, reads the body
 * within the size limit, decompresses gzip with the same limit applied to its output (a gzip
 * bomb is refused as too large without ever being expanded in full), and verifies it with the
 * kind's adapter before anything is parsed.
 */
export async function verifyRequest(
  deps: Pick<Deps, 'db' | 'config'>,
  request: DeliveryRequest,
  receivedAt: number,
  only?: { kind: SourceKind; reason: RejectionReason; message: string },
): Promise<VerifiedRequest> {
  const source = findIngestSource(ingestStore(deps.db), request.sourceId, receivedAt);
  const fail = (rejection: Rejection): VerifiedRequest => ({ ok: false, source, ...rejection });
  if (source === undefined)
    return fail({ reason: 'unknown_source', message: NO_SUCH_SOURCE_MESSAGE });
  if (source.status !== 'active') {
    return fail({ reason: 'source_disabled', message: NO_SUCH_SOURCE_MESSAGE });
  }
  if (only !== undefined && source.kind !== only.kind) return fail(only);
  const limit = deps.config.maxBodyBytes;
  const tooLarge = () =>
    fail({ reason: 'body_too_large', message: `body is larger than the limit of ${limit} bytes` });
  let body = await request.readBody(limit);
  if (body === null) return tooLarge();
  if (body === 'incomplete') {
    return fail({
      reason: 'body_incomplete',
      message: 'the connection closed before the whole body arrived',
    });
  }
  const encoding = request.header('content-encoding')?.trim().toLowerCase() ?? '';
  if (encoding === 'gzip' || encoding === 'x-gzip') {
    const expanded = await gunzipWithin(body, limit);
    if (expanded === 'too_large') return tooLarge();
    if (expanded === 'corrupt') {
      return fail({ reason: 'invalid_encoding', message: 'body is not valid gzip' });
    }
    body = expanded;
  } else if (encoding !== '' && encoding !== 'identity') {
    return fail({
      reason: 'unsupported_encoding',
      message: 'Content-Encoding must be gzip or identity',
    });
  }
  const check = source.adapter.verify(request.header, body, source.secrets, receivedAt);
  if (!check.ok) return fail({ reason: check.reason, message: check.message, body });
  return { ok: true, source, body, secretId: check.secretId, webhookId: check.webhookId ?? null };
}

/**
 * Records a rejected request (bounded, bodies never stored; a secret inside the body is
 * redacted before hashing) and returns its outcome.
 */
export async function rejectRequest(
  deps: Pick<Deps, 'writer'>,
  failure: Extract<VerifiedRequest, { ok: false }>,
  base: { sourceId: string; kind: 'event' | 'before_send'; receivedAt: number; started: number },
): Promise<Extract<DeliveryOutcome, { outcome: 'rejected' }>> {
  const { reason, message, field, source } = failure;
  const body = failure.body === undefined ? undefined : stored(source?.adapter, failure.body);
  await unlessBusy(
    deps.writer.write({
      op: 'rejection',
      rejection: {
        sourceId: base.sourceId,
        kind: base.kind,
        receivedAt: base.receivedAt,
        reason,
        sourceKnown: source !== undefined,
        detail: reason.startsWith('source_') || reason === 'unknown_source' ? null : message,
        bodySha256: body === undefined ? null : sha256(body),
        size: body?.length ?? null,
        latencyMs: performance.now() - base.started,
      },
    }),
  );
  return rejected(reason, message, field);
}

/**
 * Receives one webhook POST: verifies it (verifyRequest), parses the sender's format, and
 * stores the delivery with its message, edit, deletion, reaction or report atomically (in its
 * own savepoint of a group commit). Resolves only after the fsync'd COMMIT. Every request
 * leaves a delivery row (unknown sources: a counter; rejected and duplicate rows are trimmed to
 * the newest per source, all counted); nothing is half written. Idempotent: a repeated message,
 * or a repeated sender delivery id (Stream X-Webhook-Id, Standard Webhooks webhook-id),
 * resolves as `duplicate` and stores nothing new but that row.
 */
export async function receiveDelivery(
  deps: Pick<Deps, 'db' | 'now' | 'config' | 'writer'>,
  request: DeliveryRequest,
): Promise<DeliveryOutcome> {
  const started = performance.now();
  const receivedAt = deps.now();
  const base = { sourceId: request.sourceId, kind: 'event' as const, receivedAt, started };
  const verified = await verifyRequest(deps, request, receivedAt);
  if (!verified.ok) return rejectRequest(deps, verified, base);
  const { source, body: raw } = verified;
  const { adapter } = source;

  const parsed = adapter.parse(raw, request.header, receivedAt);
  if (!parsed.ok) {
    return rejectRequest(deps, { ...parsed, ok: false, source, body: raw }, base);
  }

  // A time out of range or not a real date is replaced by the receive time, noted on the row.
  const { event, note } = saneEventTimes(parsed.event, receivedAt);
  // An optional field of the wrong type was dropped: the message is kept, the row says so.
  const warning = parsed.warnings?.length ? schemaWarningText(parsed.warnings) : null;
  const detail = [warning, note].filter((part) => part !== null).join('; ');
  const body = stored(adapter, raw);
  const accepted: AcceptedDelivery & { detail?: string } = {
    sourceId: request.sourceId,
    kind: 'event',
    receivedAt,
    bodySha256: sha256(body),
    size: raw.length,
    secretId: verified.secretId,
    webhookId: verified.webhookId,
    latencyMs: performance.now() - started,
    body: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    ...(detail === '' ? {} : { detail }),
    ...(warning === null ? {} : { reason: SCHEMA_WARNING_REASON }),
  };
  let result: StoredResult;
  try {
    result = await deps.writer.write({ op: 'event', accepted, event });
  } catch (error) {
    if (error instanceof WriterBusyError) return busy(error.message);
    throw error;
  }
  return answer(adapter, result, event);
}

/** The outcome as answered; a sender with its own answer shape always gets 200 (BareRTC). */
function answer(
  adapter: SenderAdapter,
  result: StoredResult,
  event: IncomingEvent,
): DeliveryOutcome {
  const reply = adapter.reply?.(result);
  const withReply = reply === undefined ? {} : { reply };
  switch (result.outcome) {
    case 'accepted':
    case 'profile':
      return { outcome: 'accepted', status: 200, ...withReply };
    case 'duplicate':
      return { outcome: 'duplicate', status: 200, ...withReply };
    case 'ignored':
      return {
        outcome: 'ignored',
        status: reply === undefined ? 202 : 200,
        message: event.kind === 'ignored' ? event.reason : 'ignored',
        ...withReply,
      };
  }
}

/** The bytes stored and hashed: with a secret inside the body replaced by a marker. */
function stored(adapter: SenderAdapter | undefined, body: Uint8Array): Uint8Array {
  return adapter?.redact?.(body) ?? body;
}

function sha256(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
