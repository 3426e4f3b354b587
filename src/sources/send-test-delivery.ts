import { randomInt } from 'node:crypto';
import { appendAudit } from '../audit/append-audit.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import type { DeliveryOutcome } from '../ingest/delivery-outcome.ts';
import { receiveDelivery } from '../ingest/receive-delivery.ts';
import { eventyayBody, eventyaySignature, pythonIsoFormat } from './eventyay-wire.ts';
import { findSource, newestActiveSecret } from './find-source.ts';

/** The chat channel and sender of test deliveries: fixed, so they are easy to recognise. */
export const TEST_CHANNEL = '00000000-0000-4000-8000-000000007e57';
export const TEST_SENDER = '00000000-0000-4000-8000-0000000a7e57';

export type TestDeliveryResult = {
  outcome: DeliveryOutcome['outcome'];
  status: number;
  /** The rejection or ignore reason, when not stored. */
  message: string | null;
  messageId: number;
};

/**
 * A realistic Eventyay text message as Eventyay would post it (docs/protocols.md, Eventyay payload):
 * sorted compact ASCII JSON. `messageId` comes from a range far above real chat event ids, so a
 * test never collides with (and is never answered as a duplicate of) a real message.
 */
export function eventyayTestBody(at: number, messageId: number, actor: string): string {
  return eventyayBody({
    centralauth_id: null,
    centralauth_username: null,
    channel: TEST_CHANNEL,
    message: `Test delivery from the modhook dashboard, sent by ${actor.replace(/^account:/, '')}. Ça marche 👍`,
    message_id: messageId,
    message_type: 'text',
    meta: {},
    profile_img: null,
    screen_name: 'modhook test',
    sender_id: TEST_SENDER,
    timestamp: pythonIsoFormat(at),
    user_language: 'en',
  });
}

/**
 * Sends one test delivery to an eventyay source through the real ingest path (receiveDelivery,
 * as the webhook route calls it, with the raw bytes and Eventyay's headers), signed with the
 * source's newest active secret, so it shows in the deliveries list like any other. Audited
 * after the delivery's own commit (ingest commits in its group commit, not in our transaction).
 * Throws `not_found`, `invalid_input` (not an eventyay source) or `conflict` (disabled, or no
 * active secret).
 */
export async function sendTestDelivery(
  deps: Pick<Deps, 'db' | 'now' | 'config' | 'writer'>,
  input: { sourceId: string },
  actor: string,
): Promise<TestDeliveryResult> {
  const source = findSource(deps.db, input.sourceId);
  if (source.kind !== 'eventyay') {
    throw new DomainError('invalid_input', 'test deliveries are for eventyay sources only');
  }
  if (source.status !== 'active') {
    throw new DomainError('conflict', 'this source is disabled: enable it to send a test');
  }
  const at = deps.now();
  const secret = newestActiveSecret(deps.db, source.id, at);
  if (secret === undefined) throw new DomainError('conflict', 'this source has no active secret');
  const messageId = randomInt(2 ** 40, 2 ** 47);
  const body = Buffer.from(eventyayTestBody(at, messageId, actor), 'ascii');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'modhook-test-delivery',
    'x-eventyay-signature': eventyaySignature(body, secret),
  };
  const result = await receiveDelivery(deps, {
    sourceId: source.id,
    header: (name) => headers[name.toLowerCase()],
    readBody: (limit) => Promise.resolve(body.length > limit ? null : body),
  });
  const message =
    result.outcome === 'rejected' ||
    result.outcome === 'ignored' ||
    result.outcome === 'unavailable'
      ? result.message
      : null;
  deps.db.transaction((tx) =>
    appendAudit(tx, {
      at,
      actor,
      action: 'source.test_delivery',
      targetType: 'source',
      targetId: source.id,
      details: { outcome: result.outcome, status: result.status, messageId },
    }),
  );
  return { outcome: result.outcome, status: result.status, message, messageId };
}
