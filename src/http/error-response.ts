import { isLockError } from '../db/sqlite-error.ts';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorFragment, ErrorPage, errorTitle } from '../../views/error-page.tsx';
import { DomainError, ThrottledError, type ErrorCode } from '../errors.ts';
import type { AppEnv } from './app-env.ts';
import { isHtmx, isMachinePath, loggablePath, wantsHtml } from './request-info.ts';

const STATUS_OF: Record<ErrorCode, ContentfulStatusCode> = {
  not_found: 404,
  invalid_input: 422,
  conflict: 409,
  unauthenticated: 401,
  forbidden: 403,
  throttled: 429,
};

/** Marks an answer given because a write found the lock taken, so nothing was written; the
 * fetch wrapper (lock-retry.ts) removes it. A header, as middleware may copy the Response. */
export const LOCKED_ANSWER_HEADER = 'x-modhook-lock-busy';

/** The JSON error body of every API answer: `{"error":{"code","message"[,"field"]}}`. */
export function errorBody(code: string, message: string, field?: string) {
  return { error: { code, message, ...(field === undefined ? {} : { field }) } };
}

/**
 * The status of a DomainError's answer; also sets its headers (Retry-After when throttled).
 * For handlers that answer an expected error themselves, e.g. by showing the form again.
 */
export function errorStatus(c: Context, error: DomainError): ContentfulStatusCode {
  if (error instanceof ThrottledError) c.header('Retry-After', String(error.retryAfterSeconds));
  return STATUS_OF[error.code];
}

/**
 * Maps what a handler threw to one answer: a fragment for htmx, an error page for a browser,
 * JSON otherwise (always JSON under /hooks and /healthz). Only unexpected (5xx) errors are logged.
 */
export function respondToError(error: Error, c: Context<AppEnv>) {
  if (error instanceof DomainError) {
    return answer(c, errorStatus(c, error), error.code, error.message, error.field);
  }
  if (error instanceof HTTPException && error.status < 500) {
    return answer(c, error.status, 'http_error', error.message || 'bad request');
  }
  if (isLockError(error)) {
    // The writer thread mid-commit (tried again, see lock-retry.ts), or another process (a
    // backup, the CLI, a sqlite3 shell) holding the write lock: not a bug.
    c.header('Retry-After', '5');
    c.header(LOCKED_ANSWER_HEADER, '1');
    return answer(c, 503, 'unavailable', 'The database is busy. Try again in a few seconds.');
  }
  c.var.deps.log.error(
    { err: error, method: c.req.method, path: loggablePath(c.req.path) },
    'request failed',
  );
  return answer(c, 500, 'internal_error', 'modhook could not handle this request');
}

function answer(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  field?: string,
) {
  if (!isMachinePath(c.req.path)) {
    if (isHtmx(c)) return c.html(ErrorFragment({ message }), status);
    if (wantsHtml(c)) {
      c.status(status);
      return c.render(ErrorPage({ status, message }), { title: errorTitle(status) });
    }
  }
  return c.json(errorBody(code, message, field), status);
}
