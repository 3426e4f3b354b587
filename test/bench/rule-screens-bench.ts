import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { dryRunRule } from '../../src/rules/dry-run-rule.ts';
import { saveRule } from '../../src/rules/save-rule.ts';
import { percentile, type BenchReport } from './bench-report.ts';
import { screensDatabase, seedMessages, SENDERS, signedInApp } from './screens-database.ts';

const MESSAGES = 1_000_000;
const FLAGS = 100_000;
const DECIDED_EVERY = 4;
const REQUESTS = 30;
const DAY = 86_400_000;

/**
 * The rules list and a rule's page (hits in 24 h and precision for every rule, from 100,000
 * rule flags of which a quarter decided) and the dry run of a keyword draft, over 1,000,000
 * messages spread across 30 days.
 */
export async function benchRuleScreens(): Promise<BenchReport> {
  const { db, deps, now, sourceId, remove } = screensDatabase('rule-screens');
  try {
    const ruleIds: number[] = [];
    for (let r = 0; r < 10; r++) {
      const draft = { kind: 'keyword', name: `Rule ${r}`, settings: { words: [`word${r}`] } };
      ruleIds.push(saveRule(deps, { draft }, 'bench').id);
    }
    const sqlite = db.$client;
    const seedStarted = performance.now();
    const step = (30 * DAY) / MESSAGES;
    sqlite.transaction(() => {
      seedMessages(sqlite, sourceId, {
        count: MESSAGES,
        now,
        senderFirstSeenAt: now - 40 * DAY,
        text: (i) =>
          `message ${i}: thanks for the talk, a question about slide ${i % 40}${i % 97 === 0 ? ' buy spam now' : ''}`,
        at: (i) => Math.round(now - (MESSAGES - i) * step),
      });
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

    const time = await signedInApp(db, deps, 'admin');
    const list = await time(() => '/rules', REQUESTS, 5);
    const one = await time(() => `/rules/${ruleIds[0]}`, REQUESTS, 5);
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
    remove();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const report = await benchRuleScreens();
  console.log(`${report.ok ? 'ok  ' : 'MISS'} ${report.name}`);
  for (const line of report.lines) console.log(`     ${line}`);
}
