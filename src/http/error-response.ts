import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, type ErrorCode } from '../errors.ts';
import type { AppEnv } from './app-env.ts';

const STATUS_OF: Record<ErrorCode, ContentfulStatusCode> = {
  not_found: 404,
  invalid_input: 422,
  conflict: 409,
};

/** The JSON error body of every API answer: `{"error":{"code","message"[,"field"]}}`. */
export function errorBody(code: string, message: string, field?: string) {
  return { error: { code, message, ...(field === undefined ? {} : { field }) } };
}

/** Maps what a handler threw to one answer; only unexpected (5xx) errors are logged. */
export function respondToError(error: Error, c: Context<AppEnv>) {
  if (error instanceof DomainError) {
    return c.json(errorBody(error.code, error.message, error.field), STATUS_OF[error.code]);
  }
  if (error instanceof HTTPException && error.status < 500) {
    return c.json(errorBody('http_error', error.message || 'bad request'), error.status);
  }
  c.var.deps.log.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
  return c.json(errorBody('internal_error', 'modhook could not handle this request'), 500);
}
