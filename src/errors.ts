/** Codes the domain throws; src/http/error-response.ts maps each to a status, once. */
export type ErrorCode =
  'not_found' | 'invalid_input' | 'conflict' | 'unauthenticated' | 'forbidden' | 'throttled';

/** An expected failure of a domain verb, with a code for mapping and a message for people. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Too many attempts: code `throttled`, with how long to wait (the HTTP Retry-After). */
export class ThrottledError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('throttled', message);
    this.name = 'ThrottledError';
  }
}
