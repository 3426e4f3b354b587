import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const integerIn = (min: number, max: number) => {
  const message = `expected a whole number between ${min} and ${max}`;
  return z
    .string()
    .trim()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
};

const booleanFlag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no'].includes(v), {
    message: 'expected true or false',
  })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The environment modhook reads; README's Configuration table lists the same names. */
export const ConfigEnv = z.object({
  PORT: integerIn(1, 65_535).default(8787),
  HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_PATH: z.string().trim().min(1, 'must not be empty').default('data/modhook.db'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  LOG_LEVEL: z.string().trim().toLowerCase().pipe(z.enum(LOG_LEVELS)).default('info'),
  MAX_BODY_BYTES: integerIn(256, 16 * 1024 * 1024).default(65_536),
  TRUST_PROXY: booleanFlag.default(false),
  REQUEST_TIMEOUT_MS: integerIn(1000, 600_000).default(10_000),
  DISPLAY_STREAMS_PER_DISPLAY: integerIn(1, 100_000).default(200),
  DISPLAY_STREAMS_TOTAL: integerIn(1, 100_000).default(2000),
  EXPORTS_PER_ACCOUNT: integerIn(1, 100).default(2),
  EXPORTS_TOTAL: integerIn(1, 1000).default(8),
  EXPORT_STALL_TIMEOUT_MS: integerIn(1000, 3_600_000).default(30_000),
});

export type Config = {
  port: number;
  host: string;
  databasePath: string;
  /** Base of printed webhook URLs, without a trailing slash. */
  publicUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  maxBodyBytes: number;
  trustProxy: boolean;
  /** A request (headers and body) must arrive within this time, or it is cut off with 408. */
  requestTimeoutMs: number;
  /** Open display event streams (SSE) allowed per display; past it 503 (the overlay polls). */
  displayStreamsPerDisplay: number;
  /** Open display event streams allowed in total. */
  displayStreamsTotal: number;
  /** CSV exports one account may run at once; past it 429. */
  exportsPerAccount: number;
  /** CSV exports the server runs at once; past it 429. */
  exportsTotal: number;
  /** An export whose reader takes nothing for this long is ended. */
  exportStallTimeoutMs: number;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The process environment, for callers that hand it on (the CLI); read it only here. */
export function processEnvironment(): Record<string, string | undefined> {
  return process.env;
}

/**
 * Reads modhook's settings from an environment (process.env by default): the only reader of
 * process.env. Empty variables count as unset. Throws ConfigError naming every bad variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(ConfigEnv.shape)
      .map((k) => [k, env[k]] as const)
      .filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = ConfigEnv.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? 'environment');
        const given = present[name];
        return `${name}: ${i.message}${given === undefined ? '' : ` (got ${JSON.stringify(given)})`}`;
      }),
    );
  }
  const e = parsed.data;
  const hostForUrl = e.HOST.includes(':') && !e.HOST.startsWith('[') ? `[${e.HOST}]` : e.HOST;
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    publicUrl: e.PUBLIC_URL ?? `http://${hostForUrl}:${e.PORT}`,
    logLevel: e.LOG_LEVEL,
    maxBodyBytes: e.MAX_BODY_BYTES,
    trustProxy: e.TRUST_PROXY,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    displayStreamsPerDisplay: e.DISPLAY_STREAMS_PER_DISPLAY,
    displayStreamsTotal: e.DISPLAY_STREAMS_TOTAL,
    exportsPerAccount: e.EXPORTS_PER_ACCOUNT,
    exportsTotal: e.EXPORTS_TOTAL,
    exportStallTimeoutMs: e.EXPORT_STALL_TIMEOUT_MS,
  };
}
