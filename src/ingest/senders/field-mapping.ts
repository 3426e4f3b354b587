import type { FieldMapping } from '../../sources/source-kinds.ts';
import type { ParseResult } from '../incoming-event.ts';
import { decodeJsonBody } from './json-body.ts';
import { readDateTime } from './read-date-time.ts';

const MISSING = Symbol('missing');

/** The value at a JSON pointer (RFC 6901); own properties only, so `/__proto__` finds nothing. */
export function resolvePointer(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  let current: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return MISSING;
      current = Number(key) < current.length ? current[Number(key)] : MISSING;
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, key)) {
      current = (current as Record<string, unknown>)[key];
    } else {
      return MISSING;
    }
  }
  return current;
}

const MAX_ID = 200;

/**
 * Parses a generic sender's JSON body into a message by a field mapping of JSON pointers. `id`
 * and `text` are required; a missing sender is null, a missing channel `default`, a missing time
 * the time of arrival. Numbers are accepted for ids; times may be ISO 8601 text (without an
 * offset: UTC), another text Date.parse reads, or Unix seconds or milliseconds.
 */
export function parseMappedMessage(
  body: Uint8Array,
  fields: FieldMapping,
  receivedAt: number,
): ParseResult {
  const decoded = decodeJsonBody(body);
  if (!decoded.ok) return decoded;
  const at = (name: keyof FieldMapping) => {
    const pointer = fields[name];
    return pointer === undefined ? MISSING : resolvePointer(decoded.value, pointer);
  };
  const fail = (name: keyof FieldMapping, what: string): ParseResult => ({
    ok: false,
    reason: 'invalid_payload',
    field: fields[name]!,
    message: `${fields[name]} (the ${name} field): ${what}`,
  });
  const idLike = (name: keyof FieldMapping, required: boolean) => {
    const v = at(name);
    if (v === MISSING || v === null) return required ? fail(name, 'is required') : null;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    if (typeof v === 'string' && v !== '' && v.length <= MAX_ID) return v.toWellFormed();
    return fail(name, `must be a string of 1 to ${MAX_ID} characters or an integer`);
  };

  const id = idLike('id', true);
  if (typeof id !== 'string') return id!;
  const text = at('text');
  if (typeof text !== 'string') return fail('text', 'must be a string');
  const sender = idLike('sender', false);
  if (sender !== null && typeof sender !== 'string') return sender;
  const channel = idLike('channel', false);
  if (channel !== null && typeof channel !== 'string') return channel;
  // The sender's name and the time are optional (issue 16): one of the wrong type is dropped
  // with a schema warning naming it, and the message kept.
  const warnings: string[] = [];
  const drop = (name: keyof FieldMapping, what: string) =>
    warnings.push(`${fields[name]} (the ${name} field): ${what}; dropped`);
  let name = at('senderName');
  if (name !== MISSING && name !== null && (typeof name !== 'string' || name.length > 500)) {
    drop('senderName', 'must be a string of at most 500 characters');
    name = null;
  }
  const time = at('time');
  const badTime = () => drop('time', 'must be an ISO 8601 date-time or a Unix time');
  let sentAt = receivedAt;
  if (time !== MISSING && time !== null) {
    // A time out of range, or NaN for a day or hour that does not exist, is kept here: it
    // becomes the receive time, with a note on the delivery, in saneEventTimes.
    if (typeof time === 'number' && Number.isFinite(time) && time >= 0) {
      // Unix seconds until the year 5138; milliseconds after.
      sentAt = Math.round(time < 1e11 ? time * 1000 : time);
    } else if (typeof time === 'string' && time.length <= 64) {
      const read = readDateTime(time);
      if (read === 'not_a_date') badTime();
      else sentAt = read;
    } else {
      badTime();
    }
  }
  return {
    ...(warnings.length === 0 ? {} : { warnings }),
    ok: true,
    event: {
      kind: 'message',
      channelExternalId: channel ?? 'default',
      externalId: id,
      senderExternalId: sender,
      author: {
        screenName: typeof name === 'string' ? name.toWellFormed() : '',
        centralauthId: null,
        centralauthUsername: null,
        language: null,
      },
      text: text.toWellFormed(),
      sentAt,
    },
  };
}
