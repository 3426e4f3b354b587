import type { Db } from '../db/client.ts';
import type { IncomingEvent } from './incoming-event.ts';
import { ingestStore, type DeliveryRow } from './ingest-store.ts';
import {
  recordBeforeSend,
  type BeforeSendDelivery,
  type ScreenRecord,
} from './record-before-send.ts';
import { readSenderProfile } from './read-sender-profile.ts';
import { keepNewestDeliveries } from './keep-newest-deliveries.ts';
import { recordDuplicate } from './record-duplicate.ts';
import { recordRejection } from './record-rejection.ts';
import type { StoredResult } from './senders/sender-adapter.ts';
import type { BeforeSendCandidate } from './senders/stream.ts';
import { storeIgnored, storeMessage, storeReaction, type AcceptedDelivery } from './store-event.ts';
import { storeDeletion, storeEdit } from './store-message-change.ts';
import { storeReport } from './store-report.ts';

/**
 * What the HTTP thread hands the writer (src/ingest/ingest-writer.ts): plain data only, so it can
 * cross to the writer thread. Everything a job writes is written in one savepoint.
 */
export type IngestJob =
  | { op: 'event'; accepted: AcceptedDelivery & { detail?: string }; event: IncomingEvent }
  | { op: 'rejection'; rejection: Parameters<typeof recordRejection>[1] }
  | { op: 'challenge'; delivery: DeliveryRow }
  | {
      op: 'before-send';
      delivery: BeforeSendDelivery & { detail: string };
      candidate: BeforeSendCandidate;
      screen: ScreenRecord | null;
    };

type ResultOf = { event: StoredResult; rejection: void; challenge: void; 'before-send': void };
export type IngestJobResult<J extends IngestJob = IngestJob> = ResultOf[J['op']];

/** Runs one job on the writer's connection, inside the caller's (group) transaction. */
export function runIngestJob<J extends IngestJob>(db: Db, job: J): IngestJobResult<J> {
  return runJob(db, job) as IngestJobResult<J>;
}

function runJob(db: Db, job: IngestJob): IngestJobResult {
  switch (job.op) {
    case 'event':
      return storeDelivery(db, { ...job.accepted, body: asBuffer(job.accepted.body) }, job.event);
    case 'rejection':
      return recordRejection(db, job.rejection);
    case 'before-send': {
      const { body } = job.delivery;
      const delivery = { ...job.delivery, body: body === null ? null : asBuffer(body) };
      return recordBeforeSend(db, delivery, job.candidate, job.screen);
    }
    case 'challenge': {
      ingestStore(db).insertDelivery.run(job.delivery);
      // Challenges are unauthenticated: keep only the newest few, like rejected requests.
      keepNewestDeliveries(db, job.delivery.sourceId, 'challenge');
      return;
    }
  }
}

/** A delivery whose sender id was seen before is a retry: recorded as a duplicate only. */
function storeDelivery(
  db: Db,
  accepted: AcceptedDelivery & { detail?: string },
  event: IncomingEvent,
): StoredResult {
  const store = ingestStore(db);
  if (accepted.webhookId !== null && store.webhookSeen.get(accepted.sourceId, accepted.webhookId)) {
    recordDuplicate(db, accepted);
    return { outcome: 'duplicate' };
  }
  switch (event.kind) {
    case 'message':
      return { outcome: storeMessage(db, accepted, event) };
    case 'edit':
      storeEdit(db, accepted, event);
      return { outcome: 'accepted' };
    case 'deletion':
      storeDeletion(db, accepted, event);
      return { outcome: 'accepted' };
    case 'reaction':
      storeReaction(db, accepted, event);
      return { outcome: 'accepted' };
    case 'report':
      return { outcome: storeReport(db, accepted, event) };
    case 'profile':
      return { outcome: 'profile', profile: readSenderProfile(db, accepted, event) };
    case 'ignored':
      storeIgnored(db, accepted, event.reason);
      return { outcome: 'ignored' };
  }
}

/** A Buffer arrives in another thread as a plain Uint8Array (structured clone). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}
