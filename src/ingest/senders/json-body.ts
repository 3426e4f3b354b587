import { z } from 'zod';
import type { ParseFailure, ParseResult } from '../incoming-event.ts';
import { readDateTime } from './read-date-time.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes strict UTF-8 and parses JSON; a failure says what is wrong, for a 400. */
export function decodeJsonBody(
  body: Uint8Array,
): { ok: true; value: unknown } | ({ ok: false } & ParseFailure) {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, reason: 'invalid_json', message: 'body is not valid UTF-8' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    // V8's message quotes the body; name only the position so no body text is echoed or stored.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    const where = position === undefined ? '' : ` (error at character ${position})`;
    return { ok: false, reason: 'invalid_json', message: `body is not valid JSON${where}` };
  }
}

/** Names the failing field as a dotted path, e.g. `meta.target_message_id`. */
export function describeZodIssue(issue: z.core.$ZodIssue | undefined): {
  message: string;
  field?: string;
} {
  if (issue === undefined) return { message: 'payload has the wrong shape' };
  const field = issue.path.map(String).join('.');
  const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
  const what = missing ? `is required (expected ${issue.expected})` : issue.message;
  if (field === '') return { message: `payload: ${what}` };
  return { field, message: `${field}: ${what}` };
}

/** A string made well-formed (lone surrogates from \uXXXX escapes), so SQLite gets valid UTF-8. */
export const wellFormed = (max?: number) =>
  (max === undefined ? z.string() : z.string().max(max)).transform((s) => s.toWellFormed());

/** A date-time text already checked for its shape: NaN when its day or time does not exist. */
export function dateTimeOrNaN(text: string): number {
  const ms = readDateTime(text);
  return ms === 'not_a_date' ? NaN : ms;
}

/**
 * An ISO 8601 date-time (RFC 3339, as Stream writes it) as epoch milliseconds; NaN when it
 * names a day or time that does not exist.
 */
export const isoDateTime = z
  .string()
  .max(64)
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/,
    'expected an ISO 8601 date-time such as 2026-05-01T12:00:00.123456Z',
  )
  // NaN for a day or hour that does not exist: kept, with the receive time (saneEventTimes).
  .transform(dateTimeOrNaN);

/** A zod failure as a parse result (422 naming the field). */
export function invalidPayload(issue: z.core.$ZodIssue | undefined): ParseResult {
  return { ok: false, reason: 'invalid_payload', ...describeZodIssue(issue) };
}

/**
 * Removes every optional field whose value does not fit its schema, so a sender that changed an
 * optional field's type (issue 16: Eventyay once sent `centralauth_id` as a user name) never
 * loses the message: the field is dropped (the raw body keeps it) and a schema warning names
 * it. Paths are dotted (`message.user.name`); a missing or null field is left alone. Returns a
 * copy; the input is never changed.
 */
export function dropBadOptionalFields(
  value: unknown,
  optional: readonly (readonly [path: string, schema: z.ZodType])[],
): { value: unknown; warnings: string[] } {
  const warnings: string[] = [];
  let root = value;
  for (const [path, schema] of optional) {
    const keys = path.split('.');
    const parents: Record<string, unknown>[] = [];
    let current: unknown = root;
    for (const key of keys) {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) break;
      parents.push(current as Record<string, unknown>);
      current = Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined;
    }
    if (parents.length !== keys.length || current === undefined || current === null) continue;
    const checked = schema.safeParse(current);
    if (checked.success) continue;
    const what = (checked.error.issues[0]?.message ?? 'unexpected value').replace(
      /^Invalid input: /,
      '',
    );
    warnings.push(`${path}: ${what}; dropped`);
    // Copy the objects on the way down, without the bad field at the end.
    let replacement: unknown = undefined;
    for (let i = keys.length - 1; i >= 0; i--) {
      const copy = { ...parents[i]! };
      if (i === keys.length - 1) delete copy[keys[i]!];
      else copy[keys[i]!] = replacement;
      replacement = copy;
    }
    root = replacement;
  }
  return { value: root, warnings };
}

/** The text a delivery row shows for a body's schema warnings. */
export function schemaWarningText(warnings: readonly string[]): string {
  return `schema warning: ${warnings.join('; ')}`;
}
