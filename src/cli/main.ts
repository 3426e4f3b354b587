import { Command, CommanderError } from 'commander';
import { ConfigError, type Config } from '../config.ts';
import { describeRuleNeedingChange, rulesNeedingChange } from '../rules/rules-needing-change.ts';
import { startServer } from '../server.ts';
import type { CliIo } from './cli-io.ts';
import { cliConfig, withCliDb } from './open-cli-db.ts';
import { addRuleCommand } from './rule-command.ts';
import { addExportCommand } from './export-command.ts';
import { addSimulateCommand } from './simulate-command.ts';
import { addSourceCommand } from './source-command.ts';
import { addUserCommand } from './user-command.ts';

export { processIo } from './cli-io.ts';

/**
 * Runs `modhook <command>` and resolves to the exit code. Every command honours DATABASE_PATH
 * and `--db`. Expected failures print one line on stderr and exit 1; usage errors exit 2.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = new Command('modhook')
    .description('Moderation server for live chat webhooks')
    .option('--db <path>', 'SQLite database file (default: DATABASE_PATH or data/modhook.db)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(run with --help for usage)');
  const config = (): Config => cliConfig(io.env, program.opts<{ db?: string }>().db);

  program
    .command('serve')
    .description('run the webhook server and dashboard (migrations are applied first)')
    .action(async () => {
      const running = await startServer(config());
      const signal = await io.untilStopped();
      running.deps.log.info({ signal }, 'shutting down');
      await running.close();
    });

  program
    .command('migrate')
    .description('create or update the database schema, then exit')
    .action(() => {
      const { databasePath } = config();
      const needingChange = withCliDb(config(), (db) => rulesNeedingChange(db));
      io.out(`Database ${databasePath} is up to date.\n`);
      // Not an error: the schema is migrated; these rules wait for an admin, and are not run.
      for (const rule of needingChange) io.err(`modhook: ${describeRuleNeedingChange(rule)}\n`);
    });

  addSourceCommand(program, io, config);
  addExportCommand(program, io, config);
  addRuleCommand(program, io, config);
  addUserCommand(program, io, config);
  addSimulateCommand(program, io, config);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; they exit 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ConfigError || error instanceof Error) {
      io.err(`modhook: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
