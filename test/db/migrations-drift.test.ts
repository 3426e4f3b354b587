import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { expect, it, onTestFinished } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.ts';

const run = promisify(execFile);
const PROJECT_ROOT = new URL('../..', import.meta.url).pathname;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

it('has migrations that match src/db/schema.ts (drizzle-kit generate would write nothing)', async () => {
  const copy = mkdtempSync(join(tmpdir(), 'modhook-drift-'));
  onTestFinished(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(MIGRATIONS_FOLDER, copy, { recursive: true });
  const journal = readFileSync(join(copy, 'meta/_journal.json'), 'utf8');

  // drizzle-kit treats --out as relative to the working directory.
  await run(
    'npx',
    [
      'drizzle-kit',
      'generate',
      '--dialect',
      'sqlite',
      '--schema',
      './src/db/schema.ts',
      '--out',
      relative(PROJECT_ROOT, copy),
    ],
    { cwd: PROJECT_ROOT },
  );

  expect(listFiles(copy), 'run `npm run db:generate` and commit migrations/').toEqual(
    listFiles(MIGRATIONS_FOLDER),
  );
  expect(readFileSync(join(copy, 'meta/_journal.json'), 'utf8')).toBe(journal);
});
