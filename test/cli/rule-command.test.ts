import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cli, readDb, tempDbPath } from '../helpers/run-cli.ts';
import { textPayload } from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';
import { storeOldRule } from '../rules/rule-traffic.ts';

const DEFAULT_RULE_NAMES = [
  'Personal data',
  'Flood',
  'Repetition',
  'Reaction flood',
  'Flagged by reactions',
  'Coordinated spam',
  'Links from new senders',
  'Shouting',
];
const SPAM_DRAFT = '{"kind":"keyword","name":"spam","settings":{"words":["spam"]}}';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Runs `modhook --db <db> rule ...args`. */
const rule = (db: string, ...args: string[]) => cli(['--db', db, 'rule', ...args]);

/** Registers a source in the database and returns its id (rule scopes must name real ones). */
async function sourceIn(db: string, name: string): Promise<string> {
  const added = await cli([
    '--db',
    db,
    'source',
    'add',
    '--kind',
    'eventyay',
    '--name',
    name,
    '--json',
  ]);
  return (JSON.parse(added.stdout) as { id: string }).id;
}

async function ruleJson<T>(db: string, ...args: string[]): Promise<T> {
  const result = await rule(db, ...args, '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

const countRules = (db: string) =>
  readDb<{ n: number }>(db, 'SELECT count(*) AS n FROM rules')[0]!.n;

type ListedRule = {
  id: number;
  kind: string;
  name: string;
  severity: string;
  action: string;
  enabled: boolean;
  version: number;
  settings: Record<string, unknown>;
  scope: { sources: string[]; channels: string[] };
};
type ShownRule = ListedRule & {
  versions: {
    version: number;
    at: string;
    actor: string;
    enabled: boolean;
    name: string;
    settings: Record<string, unknown>;
  }[];
};
type Span = {
  start: number;
  end: number;
  matched: string;
  normalized: string;
  transformations: string[];
};
type TextTest = {
  matches: { ruleId: number; name: string; kind: string; reason: string; span: Span | null }[];
  skipped: { ruleId: number; name: string; why: string }[];
};
type Replay = {
  rule: { ruleId: number; name: string; kind: string };
  examined: number;
  wouldFlag: number;
  since: string;
  until: string;
  samples: { sentAt: string; screenName: string; text: string; reason: string }[];
};

describe('modhook rule list', () => {
  it('shows the default rules of a fresh database as a table', async () => {
    const db = tempDbPath();
    const { code, stdout } = await rule(db, 'list');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+KIND\s+NAME\s+SEVERITY\s+ACTION\s+ENABLED\s+VERSION\s+SETTINGS$/,
    );
    expect(lines).toHaveLength(1 + DEFAULT_RULE_NAMES.length);
    expect(lines[1]).toMatch(/^1\s+personal_data\s+Personal data\s+medium\s+flag\s+yes\s+1\s+\{/);
    expect(lines[1]).toContain('{"kinds":["email","phone","card","iban"]}');
    expect(stdout).toMatch(/Shouting\s+low\s+log\s+no\s+1/);
    // Long settings are cut in the table, never wider than the column allows.
    expect(lines.find((l) => l.includes('Links from new senders'))).toMatch(/…$/);
  });

  it('prints every rule with full settings as JSON, honouring DATABASE_PATH', async () => {
    const db = tempDbPath();
    const { code, stdout } = await cli(['rule', 'list', '--json'], { DATABASE_PATH: db });
    expect(code).toBe(0);
    const rules = JSON.parse(stdout) as ListedRule[];
    expect(rules.map((r) => r.name)).toEqual(DEFAULT_RULE_NAMES);
    expect(rules.find((r) => r.kind === 'new_sender')).toMatchObject({
      enabled: false,
      settings: { minutes: 10, check: { kind: 'link', settings: { mode: 'any', domains: [] } } },
      scope: { sources: [], channels: [] },
    });
  });
});

describe('modhook rule add|edit|disable|enable|show', () => {
  it('adds, edits, disables and enables a rule, each change a version visible in show', async () => {
    const db = tempDbPath();
    const [srcA, srcB] = [await sourceIn(db, 'A'), await sourceIn(db, 'B')];
    const added = await rule(
      db,
      'add',
      '--kind',
      'keyword',
      '--name',
      'Spam',
      '--settings',
      '{"words":["spam"]}',
      '--source',
      srcA,
      '--source',
      srcB,
    );
    expect(added.code).toBe(0);
    const id = Number(/^Rule (\d+) added/.exec(added.stdout)?.[1]);
    expect(id).toBe(DEFAULT_RULE_NAMES.length + 1);

    const edited = await rule(
      db,
      'edit',
      String(id),
      '--severity',
      'high',
      '--settings',
      '{"words":["spam","scam"],"match":"prefix"}',
      '--channel',
      'chan-1',
    );
    expect(edited).toMatchObject({ code: 0, stdout: `Rule ${id} saved as version 2.\n` });
    expect((await rule(db, 'disable', String(id))).stdout).toBe(
      `Rule ${id} disabled (version 3).\n`,
    );
    expect((await rule(db, 'disable', String(id))).stdout).toContain('already disabled');
    expect((await rule(db, 'enable', String(id))).stdout).toBe(`Rule ${id} enabled (version 4).\n`);

    const shown = await ruleJson<ShownRule>(db, 'show', String(id));
    expect(shown).toMatchObject({
      id,
      kind: 'keyword',
      name: 'Spam',
      severity: 'high',
      action: 'flag',
      enabled: true,
      version: 4,
      settings: { words: ['spam', 'scam'], match: 'prefix', allow: [], leet: false },
      // --source was not given to edit: the sources stay; --channel replaced the channels.
      scope: { sources: [srcA, srcB], channels: ['chan-1'] },
    });
    expect(shown.versions.map((v) => [v.version, v.actor, v.enabled])).toEqual([
      [1, 'cli', true],
      [2, 'cli', true],
      [3, 'cli', false],
      [4, 'cli', true],
    ]);
    expect(shown.versions[0]!.settings).toMatchObject({ words: ['spam'], match: 'word' });
    expect(shown.versions[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const text = await rule(db, 'show', String(id));
    expect(text.stdout).toContain(`Rule ${id}: Spam`);
    expect(text.stdout).toContain(`scope:     sources ${srcA}, ${srcB}; channels chan-1`);
    expect(text.stdout).toMatch(
      /\n1\s+\S+Z\s+cli\s+yes\s+medium\s+flag\s+Spam\s+.*\{"words":\["spam"\]/,
    );
    expect(text.stdout).toMatch(/\n3\s+\S+Z\s+cli\s+no\s+high/);

    const audit = readDb<{ actor: string; action: string }>(
      db,
      `SELECT actor, action FROM audit_log WHERE target_type = 'rule' AND target_id = '${id}' ORDER BY id`,
    );
    expect(audit).toEqual([
      { actor: 'cli', action: 'rule.add' },
      { actor: 'cli', action: 'rule.edit' },
      { actor: 'cli', action: 'rule.edit' },
      { actor: 'cli', action: 'rule.edit' },
    ]);
  });

  it('prints the new rule as JSON, and adds it disabled with --disabled', async () => {
    const db = tempDbPath();
    const saved = await ruleJson<ListedRule>(
      db,
      'add',
      '--kind',
      'personal_data',
      '--name',
      'Cards only',
      '--settings',
      '{"kinds":["card"]}',
      '--action',
      'log',
      '--severity',
      'low',
      '--disabled',
    );
    expect(saved).toMatchObject({
      kind: 'personal_data',
      name: 'Cards only',
      action: 'log',
      severity: 'low',
      enabled: false,
      version: 1,
    });
    const human = await rule(db, 'add', '--kind', 'shouting', '--name', 'Caps', '--disabled');
    expect(human.stdout).toContain('disabled');
    expect(human.stdout).toContain('modhook rule test --history 7d --rule');
  });

  it('saves no new version when an edit changes nothing, and can widen the scope again', async () => {
    const db = tempDbPath();
    const same = await rule(
      db,
      'edit',
      '1',
      '--settings',
      '{"kinds":["email","phone","card","iban"]}',
    );
    expect(same).toMatchObject({ code: 0 });
    expect(same.stdout).toContain('Nothing changed');
    expect(readDb(db, 'SELECT version FROM rule_versions WHERE rule_id = 1')).toEqual([
      { version: 1 },
    ]);
    await rule(db, 'edit', '1', '--source', await sourceIn(db, 'Only this'));
    await rule(db, 'edit', '1', '--all-sources');
    const shown = await ruleJson<ShownRule>(db, 'show', '1');
    expect(shown.versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(shown.scope).toEqual({ sources: [], channels: [] });
  });

  it('refuses an invalid kind, settings or JSON with exit 1 naming the field, writing nothing', async () => {
    const db = tempDbPath();
    const cases: [string[], string][] = [
      [['--kind', 'bogus', '--name', 'x'], 'kind'],
      [['--kind', 'keyword', '--name', 'x', '--settings', '{"words":[]}'], 'settings.words: '],
      [['--kind', 'keyword', '--name', 'x', '--settings', '{"wrods":["a"]}'], 'settings'],
      [['--kind', 'link', '--name', 'x', '--settings', '{"mode":"block"}'], 'settings.domains: '],
      [
        ['--kind', 'keyword', '--name', 'x', '--settings', '{words'],
        '--settings is not valid JSON',
      ],
      [
        ['--kind', 'regex', '--name', 'x', '--settings', '{"patterns":["spam(?!mer)"]}'],
        'settings.patterns.0: uses lookahead "(?!…)": patterns run on a linear-time engine (RE2)',
      ],
      [
        ['--kind', 'regex', '--name', 'x', '--settings', '{"patterns":["(\\\\w)\\\\1"]}'],
        'settings.patterns.0: uses a backreference "\\1"',
      ],
      [['--kind', 'shouting', '--name', 'x', '--severity', 'huge'], 'severity: '],
      [['--kind', 'shouting', '--name', ' '], 'name: '],
    ];
    for (const [args, message] of cases) {
      const result = await rule(db, 'add', ...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/^modhook: .+\n$/);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
    expect(countRules(db)).toBe(DEFAULT_RULE_NAMES.length);

    const edit = await rule(db, 'edit', '1', '--settings', '{"kinds":["fax"]}');
    expect(edit.code).toBe(1);
    expect(edit.stderr).toContain('settings.kinds.0: ');
    expect(readDb(db, 'SELECT version FROM rules WHERE id = 1')).toEqual([{ version: 1 }]);
  });

  it('refuses an id that is not a positive integer, and an unknown id, with exit 1', async () => {
    const db = tempDbPath();
    for (const args of [
      ['show', 'abc'],
      ['edit', '1.5', '--name', 'x'],
      ['disable', '0'],
      ['enable', '-3'],
      ['test', 'x', '--rule', 'one'],
    ]) {
      const result = await rule(db, ...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain('is not a rule id');
    }
    const unknown = await rule(db, 'disable', '99');
    expect(unknown).toMatchObject({ code: 1, stderr: 'modhook: no rule with id 99\n' });
  });

  it('exits 2 with usage help for a missing option or an unknown subcommand', async () => {
    const db = tempDbPath();
    const missing = await rule(db, 'add', '--name', 'x');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--kind');
    expect((await rule(db, 'bogus')).code).toBe(2);
    expect((await rule(db, 'show')).code).toBe(2);
  });
});

describe('modhook rule test TEXT', () => {
  it('matches the default personal data rule and reports the span of the address', async () => {
    const db = tempDbPath();
    const text = 'Write to me: alice.smith@example.org, thanks!';
    const start = text.indexOf('alice');
    const end = start + 'alice.smith@example.org'.length;
    const result = await ruleJson<TextTest>(db, 'test', text);
    expect(result.matches).toEqual([
      {
        ruleId: 1,
        name: 'Personal data',
        kind: 'personal_data',
        reason: 'e-mail address',
        span: {
          start,
          end,
          matched: 'alice.smith@example.org',
          normalized: 'alice.smith@example.org',
          transformations: [],
        },
      },
    ]);
    expect(result.skipped.map((s) => s.name)).toEqual([
      'Flood',
      'Repetition',
      'Reaction flood',
      'Flagged by reactions',
    ]);

    const human = await rule(db, 'test', text);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('rule 1 "Personal data" (personal_data): e-mail address');
    expect(human.stdout).toContain(`"alice.smith@example.org" at ${start}–${end}`);
    expect(human.stdout).toMatch(/Skipped:\n\s+rule 2 "Flood" \(flood\): needs stored history/);
  });

  it('matches Cyrillic ѕрам with a keyword draft and names the confusable fold', async () => {
    const db = tempDbPath();
    const text = 'buy ѕрам today';
    const result = await ruleJson<TextTest>(db, 'test', text, '--draft', SPAM_DRAFT);
    expect(result.matches).toEqual([
      {
        ruleId: 0,
        name: 'spam',
        kind: 'keyword',
        reason: 'keyword "spam"',
        span: {
          start: 4,
          end: 8,
          matched: 'ѕрам',
          normalized: 'spam',
          transformations: ['confusable_fold'],
        },
      },
    ]);
    const human = await rule(db, 'test', text, '--draft', SPAM_DRAFT);
    expect(human.stdout).toContain('draft "spam" (keyword): keyword "spam"');
    expect(human.stdout).toContain('"ѕрам" at 4–8');
    expect(human.stdout).toContain('normalized:      "spam"');
    expect(human.stdout).toContain('transformations: confusable_fold');
  });

  it('shows invisible characters in the matched text as escapes', async () => {
    const db = tempDbPath();
    const human = await rule(db, 'test', 'sp\u200bam', '--draft', SPAM_DRAFT);
    expect(human.stdout).toContain('"sp\\u{200b}am" at 0–5');
    expect(human.stdout).toContain('transformations: invisible_removed');
  });

  it('says so when no rule matches, and tries one stored rule with --rule', async () => {
    const db = tempDbPath();
    const none = await rule(db, 'test', 'hello there');
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^No rule matches\.\n/);
    // A disabled rule can be tried by id.
    const shouting = await ruleJson<TextTest>(
      db,
      'test',
      'WHY IS NOBODY ANSWERING ME',
      '--rule',
      '8',
    );
    expect(shouting.matches).toMatchObject([{ ruleId: 8, kind: 'shouting', span: null }]);
    expect(shouting.skipped).toEqual([]);
  });

  it('refuses a draft that is not JSON or not valid, naming the field', async () => {
    const db = tempDbPath();
    const notJson = await rule(db, 'test', 'x', '--draft', '{kind:keyword}');
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('--draft is not valid JSON');
    const invalid = await rule(db, 'test', 'x', '--draft', '{"kind":"keyword","settings":{}}');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('settings.words: ');
    const both = await rule(db, 'test', 'x', '--rule', '1', '--draft', SPAM_DRAFT);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('either --rule or --draft');
    const nothing = await rule(db, 'test');
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('give a text to test');
  });
});

describe('modhook rule test --history', () => {
  /** Stores messages through the real webhook ingest, sent `ago` ms before the real now. */
  async function storeMessages(h: Harness, messages: { text: string; ago: number }[]) {
    // Received now too: a sent time more than a day after arrival would be replaced at ingest.
    h.advance(Date.now() - h.deps.now());
    const source = addFixtureSource(h);
    let id = 100;
    for (const m of messages) {
      const payload = textPayload({
        message_id: id++,
        message: m.text,
        screen_name: m.text.includes('@') ? 'Mallory' : 'Carol',
        timestamp: new Date(Date.now() - m.ago).toISOString(),
      });
      const response = await postSigned(h, source.id, payload, source.secret);
      expect(response.status).toBe(200);
    }
  }

  /** Every row of the tables a replay must not touch. */
  function snapshot(h: Harness) {
    const all = (table: string) => h.db.$client.prepare(`SELECT * FROM ${table} ORDER BY id`).all();
    return {
      flags: all('flags'),
      rules: all('rules'),
      ruleVersions: all('rule_versions'),
      audit: all('audit_log'),
      messages: all('messages'),
    };
  }

  it('counts the stored messages a draft would flag, with samples, and writes nothing', async () => {
    const h = createHarness();
    await storeMessages(h, [
      { text: 'hello everyone', ago: 2 * HOUR },
      { text: 'cheap spam here', ago: 3 * HOUR },
      { text: 'more ѕрам from me', ago: 1 * DAY },
      { text: 'old spam, outside the window', ago: 10 * DAY },
      { text: 'mail bob@example.org', ago: 2 * DAY },
    ]);
    const db = h.deps.config.databasePath;
    const before = snapshot(h);
    expect(before.messages).toHaveLength(5);

    const result = await ruleJson<Replay>(db, 'test', '--history', '7d', '--draft', SPAM_DRAFT);
    expect(result).toMatchObject({
      rule: { ruleId: 0, name: 'spam', kind: 'keyword' },
      examined: 4,
      wouldFlag: 2,
    });
    expect(Date.parse(result.until) - Date.parse(result.since)).toBe(7 * DAY);
    expect(result.samples.map((s) => [s.text, s.screenName, s.reason])).toEqual([
      ['more ѕрам from me', 'Carol', 'keyword "spam"'],
      ['cheap spam here', 'Carol', 'keyword "spam"'],
    ]);
    expect(result.samples[0]!.sentAt).toMatch(/Z$/);

    const wider = await ruleJson<Replay>(db, 'test', '--history', '30d', '--draft', SPAM_DRAFT);
    expect([wider.examined, wider.wouldFlag]).toEqual([5, 3]);

    const stored = await ruleJson<Replay>(db, 'test', '--history', '7d', '--rule', '1');
    expect(stored).toMatchObject({ examined: 4, wouldFlag: 1, rule: { name: 'Personal data' } });

    const human = await rule(
      db,
      'test',
      '--history',
      '7d',
      '--draft',
      SPAM_DRAFT,
      '--samples',
      '1',
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('draft "spam" (keyword), replayed over messages sent');
    expect(human.stdout).toContain('examined:   4 messages');
    expect(human.stdout).toContain('would flag: 2');
    expect(human.stdout).toMatch(
      /Samples \(first 1\):\n.*TIME\s+SENDER\s+TEXT\s+REASON\n.*Z\s+"Carol"\s+"more ѕрам from me"\s+keyword "spam"\n/,
    );
    expect(human.stdout).toContain('Nothing was written.');

    expect(snapshot(h)).toEqual(before);
  });

  it('needs exactly one of --rule or --draft, and no text', async () => {
    const db = tempDbPath();
    const neither = await rule(db, 'test', '--history', '7d');
    expect(neither).toMatchObject({ code: 1 });
    expect(neither.stderr).toContain('give --rule ID or --draft JSON');
    const both = await rule(db, 'test', '--history', '7d', '--rule', '1', '--draft', SPAM_DRAFT);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('either --rule or --draft');
    const withText = await rule(db, 'test', 'hello', '--history', '7d', '--rule', '1');
    expect(withText.code).toBe(1);
    expect(withText.stderr).toContain('either a text or --history');
    const badDuration = await rule(db, 'test', '--history', 'a week', '--rule', '1');
    expect(badDuration.code).toBe(1);
    expect(badDuration.stderr).toContain('not a duration');
    const badSamples = await rule(db, 'test', '--history', '7d', '--rule', '1', '--samples', 'x');
    expect(badSamples.code).toBe(1);
    expect(badSamples.stderr).toContain('--samples');
  });

  it('refuses to replay a rule that flags senders rather than messages', async () => {
    const db = tempDbPath();
    const result = await rule(db, 'test', '--history', '7d', '--rule', '4');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('reaction_flood rules flag senders');
  });
});

describe('a stored rule that no longer validates (saved before RE2)', () => {
  /** Stores, as an older modhook would have, an enabled regex rule with a lookahead. */
  async function dbWithLookaheadRule(): Promise<{ db: string; id: number }> {
    const db = tempDbPath();
    expect((await cli(['--db', db, 'migrate'])).code).toBe(0);
    const sqlite = new Database(db);
    try {
      const id = storeOldRule(sqlite, { name: 'Old lookahead', pattern: 'spam(?!mer)' });
      return { db, id };
    } finally {
      sqlite.close();
    }
  }

  const needsChange = (id: number) =>
    `rule ${id} "Old lookahead" needs a change (enabled but not run): settings.patterns.0: uses lookahead "(?!…)"`;

  it('is named by migrate (exit 0), by rule list, and refused by rule test', async () => {
    const { db, id } = await dbWithLookaheadRule();
    const migrated = await cli(['--db', db, 'migrate']);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toContain('up to date');
    expect(migrated.stderr).toContain(`modhook: ${needsChange(id)}`);
    expect((await rule(db, 'list')).stdout).toContain(needsChange(id));
    const tried = await rule(db, 'test', 'spam', '--rule', String(id));
    expect(tried.code).toBe(1);
    expect(tried.stderr).toContain(
      `rule ${id} needs a change before it can run: settings.patterns.0`,
    );
  });

  it('is fixed by an edit that passes the checks', async () => {
    const { db, id } = await dbWithLookaheadRule();
    const kept = await rule(db, 'edit', String(id), '--name', 'Renamed only');
    expect(kept.code).toBe(1);
    expect(kept.stderr).toContain('settings.patterns.0: uses lookahead');
    const fixed = await rule(db, 'edit', String(id), '--settings', '{"patterns":["spam\\\\b"]}');
    expect(fixed.code).toBe(0);
    expect((await cli(['--db', db, 'migrate'])).stderr).toBe('');
  });
});
