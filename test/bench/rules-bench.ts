import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDb } from '../../src/db/client.ts';
import { migrateDb } from '../../src/db/migrate.ts';
import { evaluateMessage } from '../../src/rules/evaluate-message.ts';
import { loadRuleSet } from '../../src/rules/load-rule-set.ts';
import { createTextView } from '../../src/rules/match-text.ts';
import { saveRule } from '../../src/rules/save-rule.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { percentile, type BenchReport } from './bench-report.ts';

const RULES = 200;
const HISTORY = 20_000;
const ITERATIONS = 5_000;
/** History spreads over this many senders: a busy chat, no one flooding. */
const SENDERS = 100;

/** 200 enabled rules of mixed kinds, each with realistic settings. */
function mixedRules(): unknown[] {
  const rules: unknown[] = [];
  const words = (i: number) => Array.from({ length: 20 }, (_, w) => `badword${i}x${w}`);
  for (let i = 0; rules.length < RULES; i++) {
    const n = `rule ${i}`;
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
        rules.push({
          kind: 'keyword',
          name: n,
          settings: { words: words(i), match: ['word', 'prefix', 'anywhere'][i % 3] },
        });
        break;
      case 3:
        rules.push({
          kind: 'keyword',
          name: n,
          settings: { words: words(i), leet: true, allow: ['classic'] },
        });
        break;
      case 4:
        rules.push({
          kind: 'regex',
          name: n,
          settings: { patterns: [`buy\\s+now\\s+${i}`, `free\\s+\\w+\\s+${i}!`] },
        });
        break;
      case 5:
        rules.push({ kind: 'personal_data', name: n, settings: {} });
        break;
      case 6:
        rules.push({
          kind: 'link',
          name: n,
          settings: { mode: 'block', domains: [`spam${i}.example`, 'evil.test'] },
        });
        break;
      case 7:
        rules.push({ kind: 'shouting', name: n, settings: { minLetters: 12, share: 0.7 } });
        break;
      case 8:
        rules.push(
          i % 20 === 8
            ? { kind: 'flood', name: n, settings: { messages: 5, seconds: 10 } }
            : {
                kind: 'repetition',
                name: n,
                settings: { times: 3, seconds: 60, maxDistance: 2, across: 'channel' },
              },
        );
        break;
      case 9:
        rules.push({
          kind: 'new_sender',
          name: n,
          settings: { minutes: 10, check: { kind: 'link', settings: { mode: 'any' } } },
        });
        break;
    }
  }
  return rules;
}

const SENTENCE =
  'Thanks for the great talk about moderation at scale, could you say more about the queue? ';

/**
 * Rule evaluation for a 500-character message against 200 enabled rules of mixed kinds, with
 * 20,000 messages of history in the database: the time evaluateMessage takes per message,
 * normalization included (the cost ingest pays inside its transaction).
 */
export function benchRules(): BenchReport {
  const dir = mkdtempSync(join(tmpdir(), 'modhook-bench-rules-'));
  try {
    const db = openDb(join(dir, 'bench.db'));
    migrateDb(db);
    const now = Date.UTC(2026, 4, 1, 12);
    const deps = { db, now: () => now };
    db.$client.prepare('UPDATE rules SET enabled = 0').run();
    for (const draft of mixedRules()) saveRule(deps, { draft }, 'bench');
    const source = addSource(deps, { kind: 'eventyay', name: 'bench' }, 'bench');
    const sqlite = db.$client;
    sqlite
      .prepare(
        "INSERT INTO channels (source_id, external_id, first_seen_at, last_seen_at) VALUES (?, 'c', ?, ?)",
      )
      .run(source.id, now, now);
    const addSender = sqlite.prepare(
      'INSERT INTO senders (source_id, external_id, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?)',
    );
    for (let s = 1; s <= SENDERS; s++) addSender.run(source.id, `s${s}`, now - 3_600_000, now);
    sqlite
      .prepare(
        `INSERT INTO deliveries (source_id, kind, received_at, outcome, status, latency_ms)
       VALUES (?, 'event', ?, 'accepted', 200, 0)`,
      )
      .run(source.id, now);
    const insert = sqlite.prepare(
      `INSERT INTO messages (source_id, external_id, channel_id, sender_id, screen_name, text,
         sent_at, received_at, delivery_id, normalized_text)
       VALUES (?, ?, 1, ?, 's', ?, ?, ?, 1, ?)`,
    );
    sqlite.transaction(() => {
      for (let i = 0; i < HISTORY; i++) {
        const text = `history message ${i} about the talk`;
        const at = now - (HISTORY - i) * 50; // the last 1,200 fall inside a 60 s window
        insert.run(source.id, `h${i}`, 1 + (i % SENDERS), text, at, at, text);
      }
    })();
    const text = SENTENCE.repeat(6).slice(0, 500);
    const rules = loadRuleSet(db).length;

    const timings: number[] = [];
    const evaluateOne = (i: number) => {
      const facts = {
        id: HISTORY, // an existing row, so flags can point at it
        sourceId: source.id,
        channelId: 1,
        channelExternalId: 'c',
        senderId: 1,
        senderFirstSeenAt: now - 3_600_000,
        sentAt: now,
        receivedAt: now,
        view: createTextView(`${text.slice(0, 495)} ${i % 10_000}`),
        reactions: {},
      };
      const started = performance.now();
      evaluateMessage(db, facts, 'normal', now);
      return performance.now() - started;
    };
    // Flags raised here are rolled back: only the evaluation is measured.
    const measure = sqlite.transaction((count: number, keep: boolean) => {
      for (let i = 0; i < count; i++) {
        const ms = evaluateOne(i);
        if (keep) timings.push(ms);
      }
      throw new Error('rollback');
    });
    const run = (count: number, keep: boolean) => {
      try {
        measure(count, keep);
      } catch (error) {
        if ((error as Error).message !== 'rollback') throw error;
      }
    };
    run(500, false); // warm-up: JIT, statement caches
    run(ITERATIONS, true);
    db.$client.close();
    timings.sort((a, b) => a - b);
    return {
      name: 'rule evaluation',
      lines: [
        `${rules} enabled rules, 500-character message, ${HISTORY.toLocaleString('en')} stored messages from ${SENDERS} senders (20/s), ${ITERATIONS} evaluations`,
        `p50 ${percentile(timings, 50).toFixed(3)} ms, p99 ${percentile(timings, 99).toFixed(3)} ms, max ${timings.at(-1)!.toFixed(3)} ms (target: p99 < 1 ms)`,
      ],
      ok: percentile(timings, 99) < 1,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
