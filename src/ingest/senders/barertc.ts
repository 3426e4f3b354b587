import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { KeyedSecret } from '../hmac.ts';
import type { ParseResult } from '../incoming-event.ts';
import { decodeJsonBody, dropBadOptionalFields, invalidPayload, wellFormed } from './json-body.ts';
import { readDateTime } from './read-date-time.ts';
import type { SenderAdapter, SignatureCheck, StoredResult } from './sender-adapter.ts';

// BareRTC (docs/protocols.md, BareRTC): no signature header; the shared key is the body's APIKey.
// Every answer but exactly 200 is shown to the user as an error.

/** What the stored body holds instead of the key. */
export const REDACTED_KEY = '[redacted by modhook]';

/** BareRTC's own filter files reports under this reason. */
export const SERVER_FILTER_REASON = 'Server Side Message Filter';

/**
 * Reasons of the reports BareRTC files by itself (docs/protocols.md, BareRTC): its message
 * filter and its link-spam detector. The detector names the spammer as both reporter and
 * reported user, which alone also marks a report as the server's.
 */
export const SERVER_REPORT_REASONS: readonly string[] = [SERVER_FILTER_REASON, 'Spam Detected'];

const KeyOnly = z.looseObject({ APIKey: z.string() });

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Finds the secret equal to the body's APIKey. Both sides are hashed first, so the comparison
 * is constant-time whatever their lengths, and every secret is compared.
 */
export function verifyBareRtcKey(
  body: Uint8Array,
  secrets: readonly KeyedSecret[],
): SignatureCheck {
  const decoded = decodeJsonBody(body);
  const key = decoded.ok ? KeyOnly.safeParse(decoded.value) : undefined;
  if (key === undefined || !key.success || key.data.APIKey === '') {
    return { ok: false, reason: 'signature_missing', message: 'the body has no APIKey' };
  }
  const given = digest(key.data.APIKey);
  let matched: number | null = null;
  for (const { id, secret } of secrets) {
    if (timingSafeEqual(digest(secret), given) && matched === null) matched = id;
  }
  if (matched === null) {
    return {
      ok: false,
      reason: 'signature_mismatch',
      message: 'APIKey is not an active secret of this source',
    };
  }
  return { ok: true, secretId: matched };
}

/** The body with APIKey replaced by a marker: what is stored and hashed, never the key. */
export function redactBareRtcBody(body: Uint8Array): Uint8Array {
  const decoded = decodeJsonBody(body);
  if (!decoded.ok || typeof decoded.value !== 'object' || decoded.value === null) return body;
  if (!Object.hasOwn(decoded.value, 'APIKey')) return body;
  return Buffer.from(JSON.stringify({ ...decoded.value, APIKey: REDACTED_KEY }), 'utf8');
}

// Go's json.Marshal writes every field, empty ones as "".
const str = (max?: number) => wellFormed(max).default('');
const Report = z.looseObject({
  Report: z.looseObject({
    FromUsername: str(200),
    AboutUsername: str(200).pipe(z.string().min(1, 'must name the reported user')),
    Channel: str(200),
    Timestamp: str(100),
    Reason: str(500),
    Message: str(),
    Comment: str(5000),
  }),
});
// What a report can be stored without (issue 16): dropped with a schema warning when of the
// wrong type. The reported user, the message and the channel stay strict.
const REPORT_OPTIONAL = [
  ['Report.FromUsername', str(200)],
  ['Report.Timestamp', str(100)],
  ['Report.Reason', str(500)],
  ['Report.Comment', str(5000)],
] as const;
const Profile = z.looseObject({ Username: wellFormed(200).pipe(z.string().min(1)) });
const Envelope = z.looseObject({ Action: z.string().max(100) });

const actor = (name: string) => ({
  screenName: name,
  centralauthId: null,
  centralauthUsername: null,
  language: null,
});

/**
 * Parses a BareRTC webhook: `report` (the reported message, its author, and the reporter, or
 * none for a report BareRTC filed by itself) and `profile` (a question about a user). A report carries
 * no message id: the message is identified by channel, author, time and text, so the same
 * message reported twice is one message.
 */
export function parseBareRtcDelivery(body: Uint8Array, receivedAt: number): ParseResult {
  const decoded = decodeJsonBody(body);
  if (!decoded.ok) return decoded;
  const envelope = Envelope.safeParse(decoded.value);
  if (!envelope.success) return invalidPayload(envelope.error.issues[0]);
  const action = envelope.data.Action;
  if (action === 'profile') {
    const parsed = Profile.safeParse(decoded.value);
    if (!parsed.success) return invalidPayload(parsed.error.issues[0]);
    return { ok: true, event: { kind: 'profile', senderExternalId: parsed.data.Username } };
  }
  if (action !== 'report') {
    return { ok: true, event: { kind: 'ignored', reason: `unsupported Action "${action}"` } };
  }
  const { value, warnings } = dropBadOptionalFields(decoded.value, REPORT_OPTIONAL);
  const parsed = Report.safeParse(value);
  if (!parsed.success) return invalidPayload(parsed.error.issues[0]);
  const r = parsed.data.Report;
  const channel = r.Channel === '' ? 'lobby' : r.Channel;
  // Go's RFC 1123 text; an empty one is the receive time, an unreadable one NaN, which
  // saneEventTimes replaces by the receive time with a note.
  const read = r.Timestamp === '' ? receivedAt : readDateTime(r.Timestamp);
  const sentAt = read === 'not_a_date' ? NaN : read;
  const identity = [channel, r.AboutUsername, r.Timestamp, r.Message].join('\u0000');
  // A report BareRTC raised by itself is a system report: no reporter (never the spammer).
  const byServer = SERVER_REPORT_REASONS.includes(r.Reason) || r.FromUsername === r.AboutUsername;
  return {
    ok: true,
    event: {
      kind: 'report',
      message: {
        kind: 'message',
        channelExternalId: channel,
        externalId: `report:${createHash('sha256').update(identity).digest('base64url').slice(0, 32)}`,
        senderExternalId: r.AboutUsername,
        author: actor(r.AboutUsername),
        text: r.Message,
        sentAt,
      },
      reporterExternalId: byServer || r.FromUsername === '' ? null : r.FromUsername,
      reporter: byServer || r.FromUsername === '' ? null : actor(r.FromUsername),
      reason: byServer
        ? `server filter: ${r.Reason}`
        : `reported by ${r.FromUsername || 'someone'}: ${r.Reason || 'no reason given'}`,
      comment: r.Comment,
    },
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

const OK = { StatusCode: 200, Data: { OK: true, Error: '' } };

/** BareRTC's answer shape; `profile` answers with the moderation facts about the user. */
export function replyToBareRtc(result: StoredResult): unknown {
  if (result.outcome !== 'profile') return OK;
  const p = result.profile;
  const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());
  const fields: [string, string][] = [
    ['Messages seen', String(p.messages)],
    ['Open flags', String(p.openFlags)],
    ['Rejected messages', String(p.rejectedMessages)],
    ['First seen', when(p.firstSeenAt)],
    ['Status', p.status ?? 'unknown to modhook'],
  ];
  return {
    StatusCode: 200,
    Data: { ...OK.Data, ProfileFields: fields.map(([Name, Value]) => ({ Name, Value })) },
  };
}

export const bareRtcAdapter: SenderAdapter = {
  verify: (_header, body, secrets) => verifyBareRtcKey(body, secrets),
  parse: (body, _header, receivedAt) => parseBareRtcDelivery(body, receivedAt),
  redact: redactBareRtcBody,
  reply: replyToBareRtc,
};
