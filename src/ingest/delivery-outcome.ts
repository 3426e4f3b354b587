/**
 * What a webhook request came to. The status is part of the contract with senders
 * (docs/architecture.md, Contracts) and is recorded on the delivery row, so it is decided here, once.
 */
export type RejectionReason =
  | 'unknown_source'
  | 'source_disabled'
  | 'body_too_large'
  | 'body_incomplete'
  | 'signature_missing'
  | 'signature_malformed'
  | 'signature_mismatch'
  | 'timestamp_out_of_tolerance'
  | 'unsupported_encoding'
  | 'invalid_encoding'
  | 'not_before_send'
  | 'invalid_json'
  | 'invalid_payload'
  | 'challenge_missing'
  | 'challenge_malformed';

export const REJECTION_STATUS: Record<RejectionReason, number> = {
  unknown_source: 404,
  source_disabled: 404,
  body_too_large: 413,
  // Never seen by the client, which has gone; recorded so the organiser sees what happened.
  body_incomplete: 400,
  signature_missing: 401,
  signature_malformed: 401,
  signature_mismatch: 401,
  timestamp_out_of_tolerance: 401,
  unsupported_encoding: 415,
  invalid_encoding: 400,
  not_before_send: 404,
  invalid_json: 400,
  invalid_payload: 422,
  challenge_missing: 400,
  challenge_malformed: 400,
};

/** `reply`: the answer body a sender insists on (BareRTC), instead of `{"ok":true}`. */
export type DeliveryOutcome =
  | { outcome: 'accepted'; status: 200; reply?: unknown }
  | { outcome: 'duplicate'; status: 200; reply?: unknown }
  | { outcome: 'ignored'; status: 200 | 202; message: string; reply?: unknown }
  | { outcome: 'unavailable'; status: 503; message: string; retryAfterSeconds: number }
  | {
      outcome: 'rejected';
      status: number;
      reason: RejectionReason;
      message: string;
      field?: string;
    };

export function rejected(
  reason: RejectionReason,
  message: string,
  field?: string,
): Extract<DeliveryOutcome, { outcome: 'rejected' }> {
  return {
    outcome: 'rejected',
    status: REJECTION_STATUS[reason],
    reason,
    message,
    ...(field === undefined ? {} : { field }),
  };
}

/** Kept rejected delivery rows per source; older ones live on only in rejection_counters. */
export const KEPT_REJECTED_DELIVERIES = 1000;

export const NO_SUCH_SOURCE_MESSAGE = 'no active source at this URL';

/**
 * Nothing was stored because the database could not be written in time (another process holds
 * its write lock): the sender should try again, and a retry is answered as a duplicate if the
 * first attempt did get through.
 */
export function busy(message: string): Extract<DeliveryOutcome, { outcome: 'unavailable' }> {
  return { outcome: 'unavailable', status: 503, message, retryAfterSeconds: 5 };
}
