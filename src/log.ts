import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';

/**
 * Structured JSON logs on stdout. Header and body fields that could carry a secret are redacted
 * in case a caller ever logs a request whole.
 */
export function createLogger(level: Config['logLevel']): Logger {
  return pino({
    level,
    base: { service: 'modhook' },
    redact: {
      paths: ['secret', '*.secret', 'headers["x-eventyay-signature"]', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
