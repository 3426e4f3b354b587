import { performance } from 'node:perf_hooks';
import type { Deps } from '../deps.ts';
import { NO_SUCH_SOURCE_MESSAGE, rejected, type DeliveryOutcome } from './delivery-outcome.ts';
import { findIngestSource, ingestStore } from './ingest-store.ts';
import { unlessBusy } from './ingest-writer.ts';

/** Eventyay's token is 43 URL-safe characters; anything URL-safe up to 512 is accepted. */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{1,512}$/;

/**
 * Answers a sender's URL check (`GET /hooks/:sourceId?challenge=T`, docs/protocols.md): the token is
 * echoed for an active source. Recorded as a delivery of kind `challenge`, so an organiser can
 * see that the platform checked the URL.
 */
export async function answerChallenge(
  deps: Pick<Deps, 'db' | 'now' | 'writer'>,
  request: { sourceId: string; token: string | undefined },
): Promise<{ result: DeliveryOutcome; token?: string }> {
  const started = performance.now();
  const receivedAt = deps.now();
  const store = ingestStore(deps.db);
  const source = findIngestSource(store, request.sourceId, receivedAt);
  const row = { sourceId: request.sourceId, kind: 'challenge' as const, receivedAt };
  const failure = (() => {
    if (source === undefined) return rejected('unknown_source', NO_SUCH_SOURCE_MESSAGE);
    if (source.status !== 'active') return rejected('source_disabled', NO_SUCH_SOURCE_MESSAGE);
    if (request.token === undefined) {
      return rejected(
        'challenge_missing',
        'this is a modhook webhook URL: POST signed deliveries here, or GET it with ?challenge=TOKEN',
      );
    }
    if (!TOKEN_FORMAT.test(request.token)) {
      return rejected(
        'challenge_malformed',
        'challenge must be 1 to 512 characters of A-Z, a-z, 0-9, "-" and "_"',
      );
    }
    return undefined;
  })();
  const latencyMs = performance.now() - started;
  if (failure !== undefined) {
    await unlessBusy(
      deps.writer.write({
        op: 'rejection',
        rejection: {
          ...row,
          reason: failure.reason,
          sourceKnown: source !== undefined,
          detail: failure.reason.startsWith('challenge_') ? failure.message : null,
          bodySha256: null,
          size: null,
          latencyMs,
        },
      }),
    );
    return { result: failure };
  }
  await unlessBusy(
    deps.writer.write({
      op: 'challenge',
      delivery: {
        ...row,
        outcome: 'accepted',
        reason: null,
        detail: null,
        status: 200,
        bodySha256: null,
        size: null,
        secretId: null,
        latencyMs,
        body: null,
        webhookId: null,
      },
    }),
  );
  return { result: { outcome: 'accepted', status: 200 }, token: request.token };
}
