import type { Command } from 'commander';
import { ROLES, type Role } from '../auth/account-fields.ts';
import { addAccount } from '../auth/add-account.ts';
import { listAccounts, type AccountSummary } from '../auth/list-accounts.ts';
import { setAccountDisabled } from '../auth/set-account-disabled.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { CliIo } from './cli-io.ts';
import { withCliDb, withCliDbAsync } from './open-cli-db.ts';

const ACTOR = 'cli';
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Adds `modhook user add|list|disable|enable` to the program. */
export function addUserCommand(program: Command, io: CliIo, config: () => Config): void {
  const deps = (db: Db) => ({ db, now: Date.now });
  // Created through program.command() so it inherits exitOverride and the output streams.
  const command = program.command('user').description('manage dashboard accounts');

  command
    .command('add')
    .description('create a dashboard account; the password is read from standard input')
    .requiredOption('--username <name>', 'letters A-Z, digits, . _ @ -; unique regardless of case')
    .requiredOption('--role <role>', `${ROLES.join('|')} (auditor: read only)`)
    .option('--password-stdin', 'read the password (at least 12 characters) from standard input')
    .option('--json', 'print {"id","username","role"}')
    .addHelpText(
      'after',
      [
        '',
        'The password is never taken from the command line (shell history, process lists).',
        'One trailing newline is dropped. Example:',
        '  printf %s "$PASSWORD" | npx modhook user add --username ana --role moderator --password-stdin',
      ].join('\n'),
    )
    .action(
      async (opts: { username: string; role: string; passwordStdin?: boolean; json?: boolean }) => {
        if (!opts.passwordStdin) {
          throw new Error(
            'give --password-stdin and pipe the password in (never on the command line)',
          );
        }
        const password = (await io.readStdin()).replace(/\r?\n$/, '');
        if (password === '') {
          throw new Error(
            'no password on standard input: printf %s "$PASSWORD" | modhook user add ...',
          );
        }
        const input = { username: opts.username, role: opts.role as Role, password };
        const created = await withCliDbAsync(config(), (db) => addAccount(deps(db), input, ACTOR));
        if (opts.json) return io.out(`${JSON.stringify(created)}\n`);
        io.out(
          `Account "${created.username}" (${created.role}) created. Sign in at ${config().publicUrl}/login\n`,
        );
      },
    );

  command
    .command('list')
    .description('list accounts with role, status and last sign-in (never password hashes)')
    .option('--json', 'print a JSON array')
    .action((opts: { json?: boolean }) => {
      const rows = withCliDb(config(), (db) => listAccounts(deps(db)));
      if (opts.json) {
        const out = rows.map((r) => ({
          ...r,
          createdAt: iso(r.createdAt),
          lastLoginAt: iso(r.lastLoginAt),
        }));
        return io.out(`${JSON.stringify(out)}\n`);
      }
      if (rows.length === 0) {
        return io.out(
          'No accounts yet. Add one with: modhook user add --username NAME --role admin --password-stdin\n',
        );
      }
      io.out(`${formatAccountTable(rows)}\n`);
    });

  for (const [name, disabled, verb] of [
    ['disable', true, 'disabled: it cannot sign in and its sessions have ended'],
    ['enable', false, 'enabled'],
  ] as const) {
    command
      .command(name)
      .description(`${name} an account`)
      .argument('<username>', 'the account (any letter case)')
      .action((username: string) => {
        const { changed } = withCliDb(config(), (db) =>
          setAccountDisabled(deps(db), { username, disabled }, ACTOR),
        );
        io.out(
          changed
            ? `Account ${username} ${verb}.\n`
            : `Account ${username} was already ${disabled ? 'disabled' : 'enabled'}.\n`,
        );
      });
  }
}

function formatAccountTable(rows: AccountSummary[]): string {
  const table = [
    ['USERNAME', 'ROLE', 'STATUS', 'CREATED', 'LAST SIGN-IN'],
    ...rows.map((r) => [
      r.username,
      r.role,
      r.disabled ? 'disabled' : 'active',
      iso(r.createdAt)!,
      iso(r.lastLoginAt) ?? '-',
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
