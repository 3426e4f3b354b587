import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness } from '../helpers/harness.ts';
import { cli } from '../helpers/run-cli.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

async function setup() {
  const h = createHarness();
  const { id } = addFixtureSource(h);
  for (let i = 1; i <= 3; i++) {
    await postSigned(
      h,
      id,
      textPayload({
        message_id: i,
        message: `=cmd ${i}`,
        timestamp: `2026-05-0${i}T10:00:00+00:00`,
      }),
      eventyayFixtures.secret,
    );
  }
  return h;
}

describe('modhook export', () => {
  it('writes CSV to stdout, guarded, and audits the export as cli', async () => {
    const h = await setup();
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    let stderr = '';
    const code = await runCli(['--db', h.deps.config.databasePath, 'export', 'messages'], {
      out: () => undefined,
      err: (t) => (stderr += t),
      outStream: out,
      env: {},
      readStdin: async () => '',
      untilStopped: async () => 'test',
    });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const rows = parse(Buffer.concat(chunks).toString(), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.map((r) => r.text)).toEqual(["'=cmd 1", "'=cmd 2", "'=cmd 3"]);
    expect(h.count('audit_log', "action = 'export' AND actor = 'cli'")).toBe(1);
  });

  it('writes to --out with --since and --until, and a BOM with --bom', async () => {
    const h = await setup();
    const file = join(dirname(h.deps.config.databasePath), 'out.csv');
    const result = await cli([
      '--db',
      h.deps.config.databasePath,
      'export',
      'messages',
      '--since',
      '2026-05-02',
      '--until',
      '2026-05-03',
      '--out',
      file,
      '--bom',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: `Wrote 1 row to ${file}.\n` });
    const csv = readFileSync(file, 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(
      (parse(csv.slice(1), { columns: true }) as Record<string, string>[]).map(
        (r) => r.external_id,
      ),
    ).toEqual(['2']);
  });

  it('refuses an unknown log and a bad date with exit 1', async () => {
    const h = await setup();
    const db = h.deps.config.databasePath;
    expect((await cli(['--db', db, 'export', 'secrets'])).stderr).toContain('is not a log');
    const bad = await cli(['--db', db, 'export', 'messages', '--since', 'last week']);
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stderr).toContain('--since');
  });
});
