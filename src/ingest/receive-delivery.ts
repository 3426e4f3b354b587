import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { commitQueue } from '../db/group-commit.ts';
import type { Deps } from '../deps.ts';
import {
  NO_SUCH_SOURCE_MESSAGE,
  rejected,
  type DeliveryOutcome,
  type RejectionReason,
} from './delivery-outcome.ts';
import { findIngestSource, ingestStore } from './ingest-store.ts';
import { recordRejection } from './record-rejection.ts';
import { SENDER_ADAPTERS } from './senders/sender-adapter.ts';
import { storeIgnored, storeMessage, storeReaction } from './store-event.ts';

export type DeliveryRequest = {
  sourceId: string;
  header: (name: string) => string | undefined;
  /** Reads the body, giving up with null as soon as it exceeds `limit` bytes. */
  readBody: (limit: number) => Promise<Uint8Array | null>;
};

/**
 * Receives one webhook POST: finds the source, reads the body within the size limit, verifies
 * the signature over the raw bytes before parsing anything, parses the sender's format, and
 * stores the delivery with its message or reaction atomically (in its own savepoint of a group
 * commit). Resolves only after the fsync'd COMMIT. Every request leaves a delivery row (unknown sources: a counter); nothing is half
 * written. Idempotent for messages: a repeat resolves as `duplicate`.
 */
export async function receiveDelivery(
  deps: Pick<Deps, 'db' | 'now' | 'config'>,
  request: DeliveryRequest,
): Promise<DeliveryOutcome> {
  const started = performance.now();
  const { db } = deps;
  const receivedAt = deps.now();
  const source = findIngestSource(ingestStore(db), request.sourceId, receivedAt);
  const base = { sourceId: request.sourceId, kind: 'event' as const, receivedAt };
  const commit = commitQueue(db);
  const reject = async (
    reason: RejectionReason,
    message: string,
    extra: { body?: Uint8Array; field?: string } = {},
  ) => {
    const latencyMs = performance.now() - started;
    await commit.run(() =>
      recordRejection(db, {
        ...base,
        reason,
        sourceKnown: source !== undefined,
        detail: reason.startsWith('source_') || reason === 'unknown_source' ? null : message,
        bodySha256: extra.body === undefined ? null : sha256(extra.body),
        size: extra.body?.length ?? null,
        latencyMs,
      }),
    );
    return rejected(reason, message, extra.field);
  };

  if (source === undefined) return reject('unknown_source', NO_SUCH_SOURCE_MESSAGE);
  if (source.status !== 'active') return reject('source_disabled', NO_SUCH_SOURCE_MESSAGE);
  const adapter = SENDER_ADAPTERS[source.kind];
  if (adapter === undefined) throw new Error(`no adapter for source kind ${source.kind}`);

  const limit = deps.config.maxBodyBytes;
  const body = await request.readBody(limit);
  if (body === null) {
    return reject('body_too_large', `body is larger than the limit of ${limit} bytes`);
  }

  const signature = adapter.verify(request.header, body, source.secrets);
  if (!signature.ok) return reject(signature.reason, signature.message, { body });

  const parsed = adapter.parse(body);
  if (!parsed.ok) return reject(parsed.reason, parsed.message, { body, field: parsed.field });

  const accepted = {
    ...base,
    bodySha256: sha256(body),
    size: body.length,
    secretId: signature.secretId,
    latencyMs: performance.now() - started,
    body: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
  };
  const { event } = parsed;
  return commit.run((): DeliveryOutcome => {
    switch (event.kind) {
      case 'message':
        return storeMessage(db, accepted, event) === 'duplicate'
          ? { outcome: 'duplicate', status: 200 }
          : { outcome: 'accepted', status: 200 };
      case 'reaction':
        storeReaction(db, accepted, event);
        return { outcome: 'accepted', status: 200 };
      case 'ignored':
        storeIgnored(db, accepted, event.reason);
        return { outcome: 'ignored', status: 202, message: event.reason };
    }
  });
}

function sha256(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
