import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../src/config.ts';

const DEFAULTS: Config = {
  port: 8787,
  host: '127.0.0.1',
  databasePath: 'data/modhook.db',
  publicUrl: 'http://127.0.0.1:8787',
  logLevel: 'info',
  maxBodyBytes: 65_536,
  trustProxy: false,
  requestTimeoutMs: 10_000,
  displayStreamsPerDisplay: 200,
  displayStreamsTotal: 2000,
  exportsPerAccount: 2,
  exportsTotal: 8,
  exportStallTimeoutMs: 30_000,
};

const VARIABLES = [
  'PORT',
  'HOST',
  'DATABASE_PATH',
  'PUBLIC_URL',
  'LOG_LEVEL',
  'MAX_BODY_BYTES',
  'TRUST_PROXY',
  'REQUEST_TIMEOUT_MS',
  'DISPLAY_STREAMS_PER_DISPLAY',
  'DISPLAY_STREAMS_TOTAL',
  'EXPORTS_PER_ACCOUNT',
  'EXPORTS_TOTAL',
  'EXPORT_STALL_TIMEOUT_MS',
] as const;

/** The ConfigError loadConfig throws for `env`; fails the test if it throws nothing else. */
function configErrorFor(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected loadConfig(${JSON.stringify(env)}) to throw`);
}

describe('loadConfig', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('returns the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual(DEFAULTS);
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ FOO: 'bar', NODE_ENV: 'production', port: '1' })).toEqual(DEFAULTS);
  });

  it('reads only the environment it is given, not process.env', () => {
    vi.stubEnv('PORT', 'abc');
    vi.stubEnv('LOG_LEVEL', 'debug');
    expect(loadConfig({})).toEqual(DEFAULTS);
  });

  it.each([
    ['an empty string', ''],
    ['only white space', '  \t '],
  ])('treats every variable set to %s as unset', (_, value) => {
    const env = Object.fromEntries(VARIABLES.map((name) => [name, value]));
    expect(loadConfig(env)).toEqual(DEFAULTS);
  });

  it('reads every variable when all are set', () => {
    expect(
      loadConfig({
        PORT: '9000',
        HOST: '0.0.0.0',
        DATABASE_PATH: '/var/lib/modhook/db.sqlite',
        PUBLIC_URL: 'https://mod.example.org',
        LOG_LEVEL: 'debug',
        MAX_BODY_BYTES: '1048576',
        TRUST_PROXY: 'true',
        REQUEST_TIMEOUT_MS: '5000',
        DISPLAY_STREAMS_PER_DISPLAY: '5',
        DISPLAY_STREAMS_TOTAL: '50',
        EXPORTS_PER_ACCOUNT: '1',
        EXPORTS_TOTAL: '3',
        EXPORT_STALL_TIMEOUT_MS: '2000',
      }),
    ).toEqual({
      port: 9000,
      host: '0.0.0.0',
      databasePath: '/var/lib/modhook/db.sqlite',
      publicUrl: 'https://mod.example.org',
      logLevel: 'debug',
      maxBodyBytes: 1_048_576,
      trustProxy: true,
      requestTimeoutMs: 5000,
      displayStreamsPerDisplay: 5,
      displayStreamsTotal: 50,
      exportsPerAccount: 1,
      exportsTotal: 3,
      exportStallTimeoutMs: 2000,
    });
  });

  it.each([
    ['PORT', '1', { port: 1 }],
    ['PORT', '65535', { port: 65_535 }],
    ['PORT', ' 8080 ', { port: 8080 }],
    ['MAX_BODY_BYTES', '256', { maxBodyBytes: 256 }],
    ['MAX_BODY_BYTES', '16777216', { maxBodyBytes: 16_777_216 }],
    ['LOG_LEVEL', 'silent', { logLevel: 'silent' }],
    ['LOG_LEVEL', 'trace', { logLevel: 'trace' }],
    ['TRUST_PROXY', 'true', { trustProxy: true }],
    ['TRUST_PROXY', 'TRUE', { trustProxy: true }],
    ['TRUST_PROXY', '1', { trustProxy: true }],
    ['TRUST_PROXY', ' yes ', { trustProxy: true }],
    ['TRUST_PROXY', 'false', { trustProxy: false }],
    ['TRUST_PROXY', '0', { trustProxy: false }],
    ['TRUST_PROXY', 'No', { trustProxy: false }],
    ['DATABASE_PATH', ' data/other.db ', { databasePath: 'data/other.db' }],
  ])('accepts %s=%j', (name, value, expected) => {
    expect(loadConfig({ [name]: value })).toMatchObject(expected);
  });

  describe('PUBLIC_URL', () => {
    it.each([
      ['https://mod.example.org/', 'https://mod.example.org'],
      ['https://mod.example.org///', 'https://mod.example.org'],
      ['https://example.org/modhook/', 'https://example.org/modhook'],
      ['http://localhost:8080', 'http://localhost:8080'],
    ])('turns %j into %j (no trailing slash)', (given, expected) => {
      expect(loadConfig({ PUBLIC_URL: given }).publicUrl).toBe(expected);
    });

    it('wins over the URL derived from HOST and PORT', () => {
      const config = loadConfig({ PUBLIC_URL: 'https://a.example', HOST: '0.0.0.0', PORT: '1' });
      expect(config.publicUrl).toBe('https://a.example');
    });

    it.each([
      [{}, 'http://127.0.0.1:8787'],
      [{ PORT: '9000' }, 'http://127.0.0.1:9000'],
      [{ HOST: '0.0.0.0', PORT: '80' }, 'http://0.0.0.0:80'],
      [{ HOST: 'modhook.internal' }, 'http://modhook.internal:8787'],
      [{ HOST: '::1' }, 'http://[::1]:8787'],
      [{ HOST: '::', PORT: '9000' }, 'http://[::]:9000'],
      [{ HOST: 'fe80::1:2' }, 'http://[fe80::1:2]:8787'],
      [{ PUBLIC_URL: '', HOST: '::1' }, 'http://[::1]:8787'],
    ])('defaults from %j to %s, bracketing an IPv6 host', (env, expected) => {
      expect(loadConfig(env).publicUrl).toBe(expected);
    });
  });

  describe('bad values', () => {
    it.each([
      ['PORT', 'abc'],
      ['PORT', '0'],
      ['PORT', '70000'],
      ['PORT', '-1'],
      ['PORT', '80.5'],
      ['PORT', '1e3'],
      ['MAX_BODY_BYTES', '255'],
      ['MAX_BODY_BYTES', '100'],
      ['MAX_BODY_BYTES', '16777217'],
      ['LOG_LEVEL', 'verbose'],
      ['TRUST_PROXY', 'maybe'],
      ['TRUST_PROXY', 'on'],
      ['PUBLIC_URL', 'ftp://files.example.org'],
      ['PUBLIC_URL', 'javascript:alert(1)'],
      ['PUBLIC_URL', 'not a url'],
    ])('throws a ConfigError naming %s and the given value %j', (name, value) => {
      const error = configErrorFor({ [name]: value });
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('ConfigError');
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(new RegExp(`^${name}: `));
      expect(error.problems[0]).toContain(JSON.stringify(value));
      expect(error.message).toContain(name);
      expect(error.message).toContain(JSON.stringify(value));
    });

    it('names every bad variable at once, and none of the good ones', () => {
      const error = configErrorFor({
        PORT: 'abc',
        HOST: 'example.org',
        LOG_LEVEL: 'loud',
        MAX_BODY_BYTES: '10',
        TRUST_PROXY: 'maybe',
        PUBLIC_URL: 'ftp://x.example',
      });
      const named = error.problems.map((p) => p.split(':')[0]);
      expect(named.sort()).toEqual(
        ['LOG_LEVEL', 'MAX_BODY_BYTES', 'PORT', 'PUBLIC_URL', 'TRUST_PROXY'].sort(),
      );
      for (const given of ['"abc"', '"loud"', '"10"', '"maybe"', '"ftp://x.example"']) {
        expect(error.message).toContain(given);
      }
      expect(error.message).not.toContain('HOST');
      expect(error.message).not.toContain('example.org"');
    });
  });
});
