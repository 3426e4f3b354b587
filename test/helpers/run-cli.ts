import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { onTestFinished } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { runCli } from '../../src/cli/main.ts';

/** A database path in a temp folder (not created yet) removed when the test finishes. */
export function tempDbPath(prefix = 'modhook-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'nested', 'modhook.db');
}

/** Runs the CLI in-process with captured output; `stdin` is what it reads from standard input. */
export async function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
  stdin = '',
) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    env,
    readStdin: async () => stdin,
    untilStopped: async () => 'test',
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** Reads rows from a database file without holding it open. */
export function readDb<T>(path: string, sql: string): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}
