/** Codes the domain throws; src/http/error-response.ts maps each to a status, once. */
export type ErrorCode = 'not_found' | 'invalid_input' | 'conflict';

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
