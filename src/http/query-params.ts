import type { Context } from 'hono';
import { z } from 'zod';
import { DomainError } from '../errors.ts';

/** A query parameter that may be left out or empty (an empty form field means "any"). */
export const optionalParam = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v: unknown) => (v === '' ? undefined : v), schema.optional());

/** A `YYYY-MM-DD` date as epoch ms: its start, or (for an inclusive "to") the next day's. */
export const dayParam = (edge: 'start' | 'end') =>
  optionalParam(
    z.iso.date().transform((d) => Date.parse(`${d}T00:00:00Z`) + (edge === 'end' ? 86_400_000 : 0)),
  );

/** The query string parsed by `schema`; an unusable value is DomainError `invalid_input` (422). */
export function parseQuery<T extends z.ZodType>(schema: T, c: Context): z.output<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? '';
    throw new DomainError('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`, field);
  }
  return parsed.data;
}

/**
 * A positive whole-number path parameter (a row id); anything else is DomainError `not_found`
 * with "no such <what>", as an unknown id is.
 */
export function idParam(c: Context, what: string, name = 'id'): number {
  const id = Number(c.req.param(name));
  if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('not_found', `no such ${what}`);
  return id;
}
