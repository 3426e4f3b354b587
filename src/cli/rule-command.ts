import type { Command } from 'commander';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import {
  draftOf,
  getRule,
  listRules,
  listRuleVersions,
  type RuleSummary,
} from '../rules/list-rules.ts';
import type { OriginalSpan } from '../rules/normalize.ts';
import {
  parseRuleDraft,
  RULE_ACTIONS,
  RULE_KIND_NAMES,
  RULE_KINDS,
  SEVERITIES,
  type RuleScope,
} from '../rules/rule-kinds.ts';
import {
  describeRuleNeedingChange,
  rulesNeedingChangeAmong,
} from '../rules/rules-needing-change.ts';
import { saveRule } from '../rules/save-rule.ts';
import { setRuleEnabled } from '../rules/set-rule-enabled.ts';
import {
  replayRule,
  testRulesOnText,
  type ReplayResult,
  type TextTestResult,
} from '../rules/try-rules.ts';
import type { CliIo } from './cli-io.ts';
import { withCliDb } from './open-cli-db.ts';
import { parseDuration } from './parse-duration.ts';

const ACTOR = 'cli';
/** Settings wider than this are cut in `rule list` (shown whole by `rule show` and --json). */
const SETTINGS_WIDTH = 60;
/** Sample texts wider than this are cut in the human output of `rule test --history`. */
const SAMPLE_TEXT_WIDTH = 100;

const SEVERITY_HELP = SEVERITIES.join('|');
const ACTION_HELP = `${RULE_ACTIONS.join('|')} (flag: goes to the queue; log: recorded only, to trial a rule; scrub/block: rewrite or reject before delivery where the sender asks first, e.g. Stream; elsewhere like flag)`;

type DefinitionOptions = {
  name?: string;
  severity?: string;
  action?: string;
  settings?: string;
  source?: string[];
  channel?: string[];
  json?: boolean;
};

/** Adds `modhook rule list|show|add|edit|disable|enable|test` to the program. */
export function addRuleCommand(program: Command, io: CliIo, config: () => Config): void {
  const deps = (db: Db) => ({ db, now: Date.now });
  const json = (value: unknown) => io.out(`${JSON.stringify(value)}\n`);
  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  // Created through program.command() so it inherits exitOverride and the output streams.
  const command = program
    .command('rule')
    .description('list, change and try the rules that flag messages automatically');

  command
    .command('list')
    .description('list every rule, enabled or not, with its current version')
    .option('--json', 'print a JSON array with the full settings and scope')
    .action((opts: { json?: boolean }) => {
      const rules = withCliDb(config(), (db) => listRules(db));
      const needingChange = rulesNeedingChangeAmong(rules);
      if (opts.json) return json(rules.map(ruleJson));
      if (rules.length === 0) {
        return io.out(
          'No rules yet. Add one with: modhook rule add --kind KIND --name NAME --settings JSON\n',
        );
      }
      io.out(`${formatRuleTable(rules)}\n`);
      if (needingChange.length > 0) {
        io.out(`\n${needingChange.map(describeRuleNeedingChange).join('\n')}\n`);
      }
    });

  command
    .command('show')
    .description('show a rule and every version it has had')
    .argument('<id>', 'rule id (see modhook rule list)')
    .option('--json', 'print the rule with a "versions" array')
    .action((id: string, opts: { json?: boolean }) => {
      const ruleId = parseRuleId(id);
      const { rule, versions } = withCliDb(config(), (db) => ({
        rule: getRule(db, ruleId),
        versions: listRuleVersions(db, ruleId),
      }));
      if (opts.json) {
        return json({
          ...ruleJson(rule),
          versions: versions.map(({ createdAt, ...v }) => ({ ...v, at: iso(createdAt) })),
        });
      }
      io.out(formatRuleDetails(rule));
      io.out(
        `\nVersions:\n${formatTable([
          [
            'VERSION',
            'TIME',
            'ACTOR',
            'ENABLED',
            'SEVERITY',
            'ACTION',
            'NAME',
            'SCOPE',
            'SETTINGS',
          ],
          ...versions.map((v) => [
            String(v.version),
            iso(v.createdAt),
            v.actor,
            yesNo(v.enabled),
            v.severity,
            v.action,
            v.name,
            describeScope(v.scope),
            JSON.stringify(v.settings),
          ]),
        ])}\n`,
      );
    });

  command
    .command('add')
    .description('add a rule (version 1); it applies to new messages as soon as it is enabled')
    .requiredOption('--kind <kind>', `rule kind: ${RULE_KIND_NAMES.join(', ')}`)
    .requiredOption('--name <name>', 'a name for moderators, shown with every flag it raises')
    .option(
      '--settings <json>',
      'settings of the kind as a JSON object, e.g. \'{"words":["spam"]}\' (default {}: each setting at its default)',
    )
    .option('--severity <severity>', SEVERITY_HELP, 'medium')
    .option('--action <action>', ACTION_HELP, 'flag')
    .option('--source <id>', 'apply only to this source (repeatable; default: all)', collect)
    .option(
      '--channel <external-id>',
      'apply only to this channel (repeatable; default: all)',
      collect,
    )
    .option('--disabled', 'add it switched off (try it first with rule test)')
    .option('--json', 'print the saved rule as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Settings by kind (a wrong or missing one is refused, naming the field):',
        ...RULE_KIND_NAMES.map(
          (kind) => `  ${kind.padEnd(16)} ${Object.keys(RULE_KINDS[kind].shape).join(', ')}`,
        ),
        '',
        'Examples:',
        '  modhook rule add --kind keyword --name Spam --settings \'{"words":["spam","sp*m"]}\'',
        '  modhook rule add --kind link --name "Blocked links" --action log \\',
        '    --settings \'{"mode":"block","domains":["example.com"]}\'',
      ].join('\n'),
    )
    .action((opts: DefinitionOptions & { kind: string; disabled?: boolean }) => {
      const draft = {
        kind: opts.kind,
        name: opts.name,
        severity: opts.severity,
        action: opts.action,
        settings: parseJsonOption('--settings', opts.settings ?? '{}'),
        scope: { sources: opts.source ?? [], channels: opts.channel ?? [] },
        enabled: opts.disabled !== true,
      };
      const saved = withCliDb(config(), (db) => saveRule(deps(db), { draft }, ACTOR));
      if (opts.json) return json(saved);
      io.out(
        saved.enabled
          ? `Rule ${saved.id} added: ${saved.kind} "${saved.name}", enabled, action ${saved.action}.\n`
          : [
              `Rule ${saved.id} added: ${saved.kind} "${saved.name}", disabled.`,
              `Try it with: modhook rule test --history 7d --rule ${saved.id}`,
              `Then switch it on with: modhook rule enable ${saved.id}`,
              '',
            ].join('\n'),
      );
    });

  command
    .command('edit')
    .description('change a rule; saves a new version (flags keep the version that raised them)')
    .argument('<id>', 'rule id (see modhook rule list)')
    .option('--name <name>', 'new name')
    .option('--severity <severity>', SEVERITY_HELP)
    .option('--action <action>', ACTION_HELP)
    .option('--settings <json>', 'new settings as a JSON object; replaces the settings as a whole')
    .option('--source <id>', 'apply only to these sources (repeatable; replaces the list)', collect)
    .option('--all-sources', 'apply to every source again')
    .option(
      '--channel <external-id>',
      'apply only to these channels (repeatable; replaces the list)',
      collect,
    )
    .option('--all-channels', 'apply to every channel again')
    .option('--json', 'print the saved rule as JSON')
    .addHelpText(
      'after',
      [
        '',
        'The kind cannot change; add a new rule instead. To switch a rule on or off use',
        'modhook rule enable|disable ID. Example:',
        '  modhook rule edit 3 --severity high --settings \'{"words":["spam","scam"]}\'',
      ].join('\n'),
    )
    .action(
      (id: string, opts: DefinitionOptions & { allSources?: boolean; allChannels?: boolean }) => {
        const ruleId = parseRuleId(id);
        if (opts.source !== undefined && opts.allSources) {
          throw new Error('give either --source or --all-sources, not both');
        }
        if (opts.channel !== undefined && opts.allChannels) {
          throw new Error('give either --channel or --all-channels, not both');
        }
        const settings =
          opts.settings === undefined ? undefined : parseJsonOption('--settings', opts.settings);
        const result = withCliDb(config(), (db) => {
          const rule = getRule(db, ruleId);
          const current = draftOf(rule);
          const scope: RuleScope = {
            sources: opts.allSources ? [] : (opts.source ?? current.scope.sources),
            channels: opts.allChannels ? [] : (opts.channel ?? current.scope.channels),
          };
          const draft = {
            ...current,
            ...(opts.name === undefined ? {} : { name: opts.name }),
            ...(opts.severity === undefined ? {} : { severity: opts.severity }),
            ...(opts.action === undefined ? {} : { action: opts.action }),
            ...(settings === undefined ? {} : { settings }),
            scope,
          };
          if (sameDefinition(current, draft)) return { changed: false as const, rule };
          return { changed: true as const, saved: saveRule(deps(db), { ruleId, draft }, ACTOR) };
        });
        if (!result.changed) {
          if (opts.json) return json(ruleJson(result.rule));
          return io.out(`Nothing changed: rule ${ruleId} already has this definition.\n`);
        }
        if (opts.json) return json(result.saved);
        io.out(`Rule ${ruleId} saved as version ${result.saved.version}.\n`);
      },
    );

  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    const state = enabled ? 'enabled' : 'disabled';
    command
      .command(name)
      .description(
        enabled
          ? 'switch a rule on: new messages are checked by it (saves a new version)'
          : 'switch a rule off: new messages are no longer checked by it (saves a new version)',
      )
      .argument('<id>', 'rule id (see modhook rule list)')
      .action((id: string) => {
        const ruleId = parseRuleId(id);
        const result = withCliDb(config(), (db) =>
          setRuleEnabled(deps(db), { ruleId, enabled }, ACTOR),
        );
        io.out(
          result.changed
            ? `Rule ${ruleId} ${state} (version ${result.rule?.version}).\n`
            : `Rule ${ruleId} was already ${state}; nothing changed.\n`,
        );
      });
  }

  command
    .command('test')
    .description(
      'try rules on a text, or replay one rule over stored messages; never writes anything',
    )
    .argument('[text]', 'a chat text to check, as if a new sender had just posted it')
    .option('--rule <id>', 'only this rule (enabled or not)')
    .option('--draft <json>', 'a rule that is not saved: {"kind","name","settings",...}')
    .option('--history <duration>', 'replay over the messages sent in the last 24h, 7d, ...')
    .option('--samples <n>', 'with --history: how many would-be flags to print', '5')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Without --rule or --draft, a text is checked against every enabled rule. Rules that',
        'need stored history or reactions (flood, repetition, reaction signals) are listed as',
        'skipped on a lone text; --history replays them over real messages. --history needs',
        'exactly one of --rule or --draft. A draft may leave out its name.',
        '',
        'Examples:',
        '  modhook rule test "mail me at alice@example.org"',
        '  modhook rule test "ѕрам" --draft \'{"kind":"keyword","settings":{"words":["spam"]}}\'',
        '  modhook rule test --history 7d --rule 3 --samples 10',
      ].join('\n'),
    )
    .action(
      (
        text: string | undefined,
        opts: { rule?: string; draft?: string; history?: string; samples: string; json?: boolean },
      ) => {
        if (opts.rule !== undefined && opts.draft !== undefined) {
          throw new Error('give either --rule or --draft, not both');
        }
        const which =
          opts.rule !== undefined
            ? { ruleId: parseRuleId(opts.rule) }
            : opts.draft !== undefined
              ? { draft: withDraftName(parseJsonOption('--draft', opts.draft)) }
              : undefined;

        if (opts.history === undefined) {
          if (text === undefined) {
            throw new Error('give a text to test, or --history DURATION to replay stored messages');
          }
          const now = Date.now();
          const result = withCliDb(config(), (db) =>
            testRulesOnText(db, text, which ?? { allEnabled: true }, now),
          );
          return opts.json ? json(result) : io.out(formatTextTest(result));
        }

        if (text !== undefined) {
          throw new Error('give either a text or --history, not both');
        }
        if (which === undefined) {
          throw new Error('--history replays one rule: give --rule ID or --draft JSON');
        }
        const durationMs = parseDuration(opts.history);
        if (durationMs === 0) throw new Error('--history needs a duration above 0, e.g. 7d');
        const samples = parseSamples(opts.samples);
        const until = Date.now();
        const since = until - durationMs;
        const result = withCliDb(config(), (db) =>
          replayRule(db, which, { since, until, samples }),
        );
        if (opts.json) {
          return json({
            ...result,
            since: iso(since),
            until: iso(until),
            samples: result.samples.map((s) => ({ ...s, sentAt: iso(s.sentAt) })),
          });
        }
        io.out(formatReplay(result, since, until));
      },
    );
}

/** Rule ids are positive integers; anything else is refused before the database is opened. */
function parseRuleId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(id) || id < 1) {
    throw new Error(`"${text}" is not a rule id: use a positive whole number (see rule list)`);
  }
  return id;
}

function parseSamples(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n > 1000) {
    throw new Error(`--samples must be a whole number from 0 to 1000, not "${text}"`);
  }
  return n;
}

function parseJsonOption(option: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${option} is not valid JSON (${(error as Error).message}): ${text}`);
  }
}

/** A draft to try needs no name; the domain requires one, so give it a placeholder. */
function withDraftName(draft: unknown): unknown {
  if (draft === null || typeof draft !== 'object' || Array.isArray(draft)) return draft;
  return 'name' in draft ? draft : { ...draft, name: 'draft' };
}

/** Whether saving `draft` would store the same definition again (defaults filled in on both). */
function sameDefinition(current: unknown, draft: unknown): boolean {
  const a = parseRuleDraft(current);
  const b = parseRuleDraft(draft);
  return a.ok && b.ok && JSON.stringify(a.rule) === JSON.stringify(b.rule);
}

function ruleJson(rule: RuleSummary) {
  return { ...rule, createdAt: iso(rule.createdAt), updatedAt: iso(rule.updatedAt) };
}

function formatRuleTable(rules: RuleSummary[]): string {
  return formatTable([
    ['ID', 'KIND', 'NAME', 'SEVERITY', 'ACTION', 'ENABLED', 'VERSION', 'SETTINGS'],
    ...rules.map((r) => [
      String(r.id),
      r.kind,
      r.name,
      r.severity,
      r.action,
      yesNo(r.enabled),
      String(r.version),
      truncate(JSON.stringify(r.settings), SETTINGS_WIDTH),
    ]),
  ]);
}

function formatRuleDetails(rule: RuleSummary): string {
  return [
    `Rule ${rule.id}: ${rule.name}`,
    `  kind:      ${rule.kind}`,
    `  severity:  ${rule.severity}`,
    `  action:    ${rule.action}`,
    `  enabled:   ${yesNo(rule.enabled)}`,
    `  version:   ${rule.version} (changed ${iso(rule.updatedAt)}, created ${iso(rule.createdAt)})`,
    `  scope:     ${describeScope(rule.scope)}`,
    `  settings:  ${JSON.stringify(rule.settings)}`,
    '',
  ].join('\n');
}

function formatTextTest(result: TextTestResult): string {
  const lines: string[] = [];
  if (result.matches.length === 0) lines.push('No rule matches.');
  else {
    const n = result.matches.length;
    lines.push(`${n} ${n === 1 ? 'rule matches' : 'rules match'}:`);
    for (const m of result.matches) {
      lines.push(`  ${ruleLabel(m.ruleId, m.name, m.kind)}: ${m.reason}`);
      lines.push(...formatSpan(m.span).map((l) => `      ${l}`));
    }
  }
  if (result.skipped.length > 0) {
    lines.push('', 'Skipped:');
    for (const s of result.skipped)
      lines.push(`  ${ruleLabel(s.ruleId, s.name, s.kind)}: ${s.why}`);
  }
  if (result.overBudget.length > 0) {
    lines.push('', `Over the ${result.budgetMs} ms a message may use (its rules stop there):`);
    for (const o of result.overBudget) {
      const what = o.tookMs === null ? 'not run, the time was spent' : `took ${o.tookMs} ms`;
      lines.push(`  ${ruleLabel(o.ruleId, o.name, o.kind)}: ${what}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function formatSpan(span: OriginalSpan | null): string[] {
  if (span === null) return ['(the whole message; no span)'];
  return [
    `matched:         ${quote(span.matched)} at ${span.start}–${span.end}`,
    `normalized:      ${quote(span.normalized)}`,
    `transformations: ${span.transformations.length === 0 ? 'none' : span.transformations.join(', ')}`,
  ];
}

function formatReplay(result: ReplayResult, since: number, until: number): string {
  const { ruleId, name, kind } = result.rule;
  const lines = [
    `${ruleLabel(ruleId, name, kind)}, replayed over messages sent ${iso(since)} – ${iso(until)}:`,
    `  examined:   ${result.examined} ${result.examined === 1 ? 'message' : 'messages'}`,
    `  would flag: ${result.wouldFlag}`,
  ];
  if (result.samples.length > 0) {
    lines.push('', `Samples (first ${result.samples.length}):`);
    lines.push(
      formatTable([
        ['TIME', 'SENDER', 'TEXT', 'REASON'],
        ...result.samples.map((s) => [
          iso(s.sentAt),
          quote(s.screenName),
          quote(truncate(s.text, SAMPLE_TEXT_WIDTH)),
          s.reason,
        ]),
      ])
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  lines.push('', 'Nothing was written.');
  return `${lines.join('\n')}\n`;
}

function ruleLabel(ruleId: number, name: string, kind: string): string {
  return ruleId === 0 ? `draft "${name}" (${kind})` : `rule ${ruleId} "${name}" (${kind})`;
}

function describeScope(scope: RuleScope): string {
  const sources =
    scope.sources.length === 0 ? 'all sources' : `sources ${scope.sources.join(', ')}`;
  const channels =
    scope.channels.length === 0 ? 'all channels' : `channels ${scope.channels.join(', ')}`;
  return `${sources}; ${channels}`;
}

/**
 * Quotes chat text for a terminal: JSON escapes plus visible escapes for invisible and
 * bidi-control characters, which are exactly what evasions hide in (and could reorder a line).
 */
function quote(text: string): string {
  return JSON.stringify(text).replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu,
    (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`,
  );
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

const iso = (ms: number) => new Date(ms).toISOString();
const yesNo = (value: boolean) => (value ? 'yes' : 'no');

function formatTable(table: string[][]): string {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => [...row[i]!].length)));
  return table
    .map((row) =>
      row
        .map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
