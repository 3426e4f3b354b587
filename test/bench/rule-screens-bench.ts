import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { createApp } from '../../src/app.ts';
import { createSession } from '../../src/auth/create-session.ts';
import { loadConfig } from '../../src/config.ts';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { dryRunRule } from '../../src/rules/dry-run-rule.ts';
import { saveRule } from '../../src/rules/save-rule.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { seedAccount } from '../helpers/accounts.ts';
import { percentile, type BenchReport } from './bench-report.ts';

const MESSAGES = 1_000_000;
const FLAGS = 100_000;
const DECIDED_EVERY = 4;
const CHANNELS = 100;
const SENDERS = 10_000;
const REQUESTS = 30;
const DAY = 86_400_000;

/**
 * The rules list and a rule's page (hits in 24 h and precision for every rule, from 100,000
 * rule flags of which a quarter decided) and the dry run of a keyword draft, over 1,000,000
 * messages spread across 30 days.
 */
export async function benchRuleScreens(): Promise<BenchReport> {
  const dir = mkdtempSync(join(tmpdir(), 'modhook-bench-rule-screens-'));
  try {
    const databasePath = join(dir, 'bench.db');
    const db = openDb(databasePath);
    migrateDb(db);
    const now = Date.UTC(2026, 4, 1, 12);
    const deps = {
      db,
      now: () => now,
      config: { ...loadConfig({}), databasePath },
      log: pino({ level: 'silent' }),
    };
    const source = addSource(deps, { kind: 'eventyay', name: 'bench' }, 'bench');
    const ruleIds: number[] = [];
    for (let r = 0; r < 10; r++) {
      const draft = { kind: 'keyword', name: `Rule ${r}`, settings: { words: [`word${r}`] } };
      ruleIds.push(saveRule(deps, { draft }, 'bench').id);
    }
    const sqlite = db.$client;
    const seedStarted = performance.now();
    sqlite.transaction(() => {
      const channel = sqlite.prepare(
        'INSERT INTO channels (source_id, external_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)',
      );
      for (let c = 0; c < CHANNELS; c++) channel.run(source.id, `channel-${c}`, now, now);
      const sender = sqlite.prepare(
        'INSERT INTO senders (source_id, external_id, screen_name, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?)',
      );
      for (let s = 0; s < SENDERS; s++)
        sender.run(source.id, `sender-${s}`, `Attendee ${s}`, now - 40 * DAY, now);
      sqlite
        .prepare(
          "INSERT INTO deliveries (source_id, kind, received_at, outcome, status, latency_ms) VALUES (?, 'event', ?, 'accepted', 200, 0)",
        )
        .run(source.id, now);
      const message = sqlite.prepare(
        `INSERT INTO messages (source_id, external_id, channel_id, sender_id, screen_name, text, sent_at, received_at, delivery_id, normalized_text)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
      );
      const step = (30 * DAY) / MESSAGES;
      for (let i = 0; i < MESSAGES; i++) {
        const spam = i % 97 === 0 ? ' buy spam now' : '';
        const text = `message ${i}: thanks for the talk, a question about slide ${i % 40}${spam}`;
        const at = Math.round(now - (MESSAGES - i) * step);
        message.run(
          source.id,
          String(i),
          1 + (i % CHANNELS),
          1 + (i % SENDERS),
          `Attendee ${i % SENDERS}`,
          text,
          at,
          at,
          text,
        );
      }
      const flag = sqlite.prepare(
        `INSERT INTO flags (message_id, sender_id, origin, rule_id, rule_version, severity, status, reason, actor, created_at)
         VALUES (?, ?, 'rule', ?, 1, 'medium', 'closed', 'keyword', 'system', ?)`,
      );
      const decision = sqlite.prepare(
        `INSERT INTO decisions (message_id, verdict, actor, automatic, created_at) VALUES (?, ?, 'account:bench', 0, ?)`,
      );
      const state = sqlite.prepare(
        'UPDATE messages SET moderation_state = ?, decision_id = ? WHERE id = ?',
      );
      for (let f = 0; f < FLAGS; f++) {
        const messageId = 1 + ((f * 9_973) % MESSAGES);
        const at = Math.round(now - (MESSAGES - messageId) * step);
        flag.run(messageId, 1 + ((messageId - 1) % SENDERS), ruleIds[f % ruleIds.length]!, at);
        if (f % DECIDED_EVERY === 0) {
          const verdict = f % 3 === 0 ? 'approve' : 'reject';
          const id = Number(decision.run(messageId, verdict, at).lastInsertRowid);
          state.run(verdict === 'approve' ? 'approved' : 'rejected', id, messageId);
        }
      }
    })();
    sqlite.exec('ANALYZE');
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const account = await seedAccount({ db, deps }, { username: 'bench', role: 'admin' });
    const session = createSession(db, account.id, now);
    const app = createApp(deps);
    const headers = { cookie: `modhook_session=${session.token}`, accept: 'text/html' };
    const time = async (path: string, n = REQUESTS) => {
      const timings: number[] = [];
      for (let i = 0; i < n + 5; i++) {
        const started = performance.now();
        const res = await app.request(path, { headers });
        await res.text();
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        if (i >= 5) timings.push(performance.now() - started);
      }
      return timings.sort((a, b) => a - b);
    };
    const list = await time('/rules');
    const one = await time(`/rules/${ruleIds[0]}`);
    const spamDraft = { kind: 'keyword', name: 'Spam', settings: { words: ['spam'] } };
    const dry = async (days: number) => {
      const timings: number[] = [];
      let result;
      // The longest the event loop (webhooks, in the server) waits while a dry run goes on.
      let stall = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        const at = performance.now();
        stall = Math.max(stall, at - last);
        last = at;
      }, 1);
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        result = await dryRunRule(db, spamDraft, { days, now });
        timings.push(performance.now() - started);
      }
      clearInterval(ticker);
      return { timings: timings.sort((a, b) => a - b), result: result!, stall };
    };
    const dry1 = await dry(1);
    const dry30 = await dry(30);
    db.$client.close();
    const fmt = (name: string, t: number[]) =>
      `${name}: p50 ${percentile(t, 50).toFixed(1)} ms, p95 ${percentile(t, 95).toFixed(1)} ms`;
    const dryLine = (d: typeof dry1) =>
      `dry run, ${d.result.days} d (${d.result.scanned.toLocaleString('en')} messages read${d.result.capped ? ', capped' : ''}, ${d.result.wouldFlag} would flag): median ${percentile(d.timings, 50).toFixed(0)} ms, longest event-loop stall ${d.stall.toFixed(0)} ms`;
    return {
      name: 'rules screens (list, rule page, dry run)',
      ok: percentile(list, 95) < 200 && percentile(dry30.timings, 50) < 2000,
      lines: [
        `${MESSAGES.toLocaleString('en')} messages over 30 days, ${FLAGS.toLocaleString('en')} rule flags (1 in ${DECIDED_EVERY} decided), 10 rules (seeded in ${seedSeconds.toFixed(0)} s)`,
        fmt('rules list', list),
        fmt('rule page', one),
        dryLine(dry1),
        dryLine(dry30),
        'target: list p95 < 200 ms; dry run median < 2 s',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await benchRuleScreens();
  console.log(`${report.ok ? 'ok  ' : 'MISS'} ${report.name}`);
  for (const line of report.lines) console.log(`     ${line}`);
}
