import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { streamExport } from '../../src/export/stream-export.ts';
import { buildExportDatabase } from '../bench/export-bench.ts';

// 2,000 messages: two full pages of 1,000 and an empty one, as an export reads them.
const dir = mkdtempSync(join(tmpdir(), 'modhook-export-pages-'));
const databasePath = join(dir, 'pages.db');
buildExportDatabase(databasePath, 2000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exportCsv(filters = {}) {
  const run = streamExport(databasePath, 'messages', filters);
  const chunks: Buffer[] = [];
  for await (const chunk of run.csv) chunks.push(chunk as Buffer);
  return { csv: Buffer.concat(chunks).toString('utf8'), ...(await run.finished) };
}
const ids = (csv: string) =>
  (parse(csv, { columns: true }) as Record<string, string>[]).map((r) => Number(r.message_id));

describe('messages export over many pages', () => {
  it('writes every message once, in id order', async () => {
    const { csv, rows, completed } = await exportCsv();
    expect({ rows, completed }).toEqual({ rows: 2000, completed: true });
    expect(ids(csv)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
  });

  it('writes the same whether read by pages or, when an index decides the order, at once', async () => {
    // No filter: pages by id. A channel filter: the channel index, so one query.
    expect((await exportCsv({ channel: 'main' })).csv).toBe((await exportCsv()).csv);
  });

  it('pages a time window from its first message', async () => {
    const since = Date.UTC(2026, 4, 1, 12) + 1500;
    expect(ids((await exportCsv({ since })).csv)).toEqual(
      Array.from({ length: 500 }, (_, i) => i + 1501),
    );
  });
});
