import type { Command } from 'commander';
import type { Config } from '../config.ts';
import { addSource } from '../sources/add-source.ts';
import { SOURCE_KINDS, type SourceKind } from '../sources/source-kinds.ts';
import { listSources, type SourceSummary } from '../sources/list-sources.ts';
import { rotateSourceSecret } from '../sources/rotate-source-secret.ts';
import { setSourceStatus } from '../sources/set-source-status.ts';
import type { CliIo } from './cli-io.ts';
import { withCliDb } from './open-cli-db.ts';
import { parseDuration } from './parse-duration.ts';

const ACTOR = 'cli';

/** Printed on stderr whenever a source uses IHF's legacy scheme (docs/protocols.md, IHF). */
export const LEGACY_SCHEME_WARNING = [
  'WARNING: this source uses the legacy-prefix-hash scheme, SHA-256(secret ‖ body). It is not an',
  'HMAC and is open to length extension: anyone who saw one signed delivery can sign a longer',
  'body. Use it only for a sender that offers nothing else, and switch to hmac-sha256 when it can.',
  '',
].join('\n');

/** What to do on the sender's side, per kind (README has the full steps). */
const SETUP_HINTS: Record<SourceKind, string[]> = {
  eventyay: [
    "In the Eventyay room's chat settings, set the webhook URL and the webhook HMAC secret to",
    'these values. Eventyay checks the URL once with ?challenge=; modhook answers it itself.',
  ],
  stream: [
    "In the Stream dashboard (or with updateAppSettings), set the app's webhook_url to the URL and",
    'before_message_send_hook_url to the URL + /before-send. Stream signs with the API secret',
    'given here; when it changes, run `modhook source rotate ID --secret NEW`.',
  ],
  barertc: [
    'In BareRTC\'s settings.toml, add WebHookURLs entries for "report" and "profile" with',
    'this URL, and set its AdminAPIKey to the secret (BareRTC sends the key inside the body).',
  ],
  hmac: ['Configure the sender to sign each body with this secret as the settings describe.'],
  'standard-webhooks': ['Give the sender this endpoint URL and this whsec_ signing secret.'],
};

function parseJsonOption(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('--settings must be JSON, e.g. \'{"signatureHeader":"X-Signature"}\'');
  }
}

/** Adds `modhook source add|list|rotate|disable|enable` to the program. */
export function addSourceCommand(program: Command, io: CliIo, config: () => Config): void {
  const deps = (db: Parameters<Parameters<typeof withCliDb>[1]>[0]) => ({ db, now: Date.now });
  const webhookUrl = (id: string) => `${config().publicUrl}/hooks/${id}`;
  // Created through program.command() so it inherits exitOverride and the output streams.
  const command = program.command('source').description('register and manage webhook sources');

  command
    .command('add')
    .description('register a source and print its webhook URL and secret (shown only now)')
    .requiredOption('--kind <kind>', `sender kind: ${SOURCE_KINDS.join(', ')}`)
    .requiredOption('--name <name>', 'a name for people, e.g. the room')
    .option('--secret <secret>', 'use this secret (at least 16 characters) instead of a new one')
    .option(
      '--settings <json>',
      'kind-specific settings as JSON, e.g. for hmac {"signatureHeader":…,"fields":{…}}',
    )
    .option('--json', 'print {"id","kind","name","url","secret"}')
    .action(
      (opts: {
        kind: string;
        name: string;
        secret?: string;
        settings?: string;
        json?: boolean;
      }) => {
        const settings = opts.settings === undefined ? undefined : parseJsonOption(opts.settings);
        const created = withCliDb(config(), (db) =>
          addSource(
            deps(db),
            { kind: opts.kind as SourceKind, name: opts.name, secret: opts.secret, settings },
            ACTOR,
          ),
        );
        const url = webhookUrl(created.id);
        if (created.settings.scheme === 'legacy-prefix-hash') io.err(LEGACY_SCHEME_WARNING);
        if (opts.json) {
          const { settings: _, ...printed } = created;
          return io.out(`${JSON.stringify({ ...printed, url })}\n`);
        }
        io.out(
          [
            `Source "${created.name}" (${created.kind}) created.`,
            `  id:     ${created.id}`,
            `  URL:    ${url}`,
            `  secret: ${created.secret}`,
            '',
            ...SETUP_HINTS[created.kind],
            'Keep the secret safe: it is not shown again (rotate it to get a new one).',
            '',
          ].join('\n'),
        );
      },
    );

  command
    .command('list')
    .description('list sources with their status and delivery counts (never their secrets)')
    .option('--json', 'print a JSON array')
    .action((opts: { json?: boolean }) => {
      const rows = withCliDb(config(), (db) => listSources(deps(db)));
      if (opts.json) {
        return io.out(`${JSON.stringify(rows.map((r) => ({ ...r, url: webhookUrl(r.id) })))}\n`);
      }
      if (rows.length === 0) {
        return io.out(
          'No sources yet. Create one with: modhook source add --kind eventyay --name NAME\n',
        );
      }
      io.out(`${formatSourceTable(rows)}\n`);
    });

  command
    .command('rotate')
    .description('give a source a new secret; the old one keeps working for the grace period')
    .argument('<id>', 'source id')
    .option('--secret <secret>', 'use this secret instead of a new one')
    .option('--grace <duration>', 'how long the old secret keeps working (0 = stop now)', '24h')
    .option('--json', 'print {"id","secret","previousExpiresAt"}')
    .action((id: string, opts: { secret?: string; grace: string; json?: boolean }) => {
      const graceMs = parseDuration(opts.grace);
      const rotated = withCliDb(config(), (db) =>
        rotateSourceSecret(deps(db), { sourceId: id, secret: opts.secret, graceMs }, ACTOR),
      );
      const expires = new Date(rotated.previousExpiresAt).toISOString();
      if (opts.json) {
        return io.out(
          `${JSON.stringify({ id, secret: rotated.secret, previousExpiresAt: expires })}\n`,
        );
      }
      io.out(
        [
          `New secret for source ${id}: ${rotated.secret}`,
          `The previous secret keeps working until ${expires}.`,
          'Paste the new secret into the sender before then. It is not shown again.',
          '',
        ].join('\n'),
      );
    });

  for (const [name, status, verb] of [
    ['disable', 'disabled', 'disabled: its webhook answers 404 and stores nothing'],
    ['enable', 'active', 'enabled'],
  ] as const) {
    command
      .command(name)
      .description(`${name} a source`)
      .argument('<id>', 'source id')
      .action((id: string) => {
        const { changed } = withCliDb(config(), (db) =>
          setSourceStatus(deps(db), { sourceId: id, status }, ACTOR),
        );
        io.out(changed ? `Source ${id} ${verb}.\n` : `Source ${id} was already ${status}.\n`);
      });
  }
}

function formatSourceTable(rows: SourceSummary[]): string {
  const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
  const table = [
    [
      'ID',
      'KIND',
      'NAME',
      'STATUS',
      'SECRETS',
      'LAST DELIVERY',
      'ACCEPTED',
      'DUPLICATES',
      'URL CHECKS',
      'REJECTED',
    ],
    ...rows.map((r) => [
      r.id,
      r.kind,
      r.name,
      r.status,
      r.nextSecretExpiry === null
        ? String(r.activeSecrets)
        : `${r.activeSecrets} (one expires ${iso(r.nextSecretExpiry)})`,
      iso(r.lastDeliveryAt),
      String(r.acceptedDeliveries),
      String(r.duplicateDeliveries),
      String(r.urlChecks),
      String(r.rejectedDeliveries),
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
