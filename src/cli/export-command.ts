import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { EXPORT_KINDS, type ExportFilters, type ExportKind } from '../export/export-queries.ts';
import { auditExport, countExportRows, streamExport } from '../export/stream-export.ts';
import type { CliIo } from './cli-io.ts';
import { withCliDb } from './open-cli-db.ts';

function parseTime(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms))
    throw new Error(`--${name} "${value}" is not an ISO 8601 date or date-time`);
  return ms;
}

/** Adds `modhook export messages|flags|decisions|audit`. */
export function addExportCommand(program: Command, io: CliIo, config: () => Config): void {
  program
    .command('export')
    .description('write a log as CSV (stdout unless --out); columns are listed in README')
    .argument('<log>', `one of: ${EXPORT_KINDS.join(', ')}`)
    .option('--since <iso>', 'from this date or time (inclusive, UTC)')
    .option('--until <iso>', 'up to this date or time (exclusive, UTC)')
    .option('--source <id>', 'only this source')
    .option('--channel <id>', "only this channel (the sender's channel id)")
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--bom', 'start with a UTF-8 byte-order mark (for Excel)')
    .action(
      async (
        log: string,
        opts: {
          since?: string;
          until?: string;
          source?: string;
          channel?: string;
          out?: string;
          bom?: boolean;
        },
      ) => {
        if (!(EXPORT_KINDS as readonly string[]).includes(log)) {
          throw new Error(`"${log}" is not a log; use one of: ${EXPORT_KINDS.join(', ')}`);
        }
        const kind = log as ExportKind;
        const filters: ExportFilters = Object.fromEntries(
          Object.entries({
            since: parseTime('since', opts.since),
            until: parseTime('until', opts.until),
            sourceId: opts.source,
            channel: opts.channel,
          }).filter(([, v]) => v !== undefined),
        );
        const { databasePath } = config();
        withCliDb(config(), () => undefined); // creates and migrates the file if needed
        const run = streamExport(databasePath, kind, filters, { bom: opts.bom ?? false });
        const destination = opts.out === undefined ? io.outStream : createWriteStream(opts.out);
        if (destination === undefined) throw new Error('no output stream; use --out FILE');
        if (io.errIsTerminal) {
          // A progress bar only on a terminal; piped or in scripts, stderr stays quiet.
          const bar = new SingleBar({
            stream: process.stderr,
            format: 'exporting {bar} {value}/{total} rows',
          });
          bar.start(countExportRows(databasePath, kind, filters), 0);
          const timer = setInterval(() => bar.update(run.rowsSoFar()), 200);
          run.finished.then(() => {
            clearInterval(timer);
            bar.update(run.rowsSoFar());
            bar.stop();
          });
        }
        await pipeline(run.csv, destination, { end: opts.out !== undefined });
        const { rows, completed } = await run.finished;
        withCliDb(config(), (db) =>
          auditExport({ db, now: Date.now }, { kind, filters, rows, completed }, 'cli'),
        );
        if (opts.out !== undefined)
          io.err(`Wrote ${rows} ${rows === 1 ? 'row' : 'rows'} to ${opts.out}.\n`);
      },
    );
}
