import { parse } from 'csv-parse/sync';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { decideMessage } from '../../src/moderation/decide-message.ts';
import { EXPORTS } from '../../src/export/export-queries.ts';
import { streamExport } from '../../src/export/stream-export.ts';
import { buildExportDatabase } from '../bench/export-bench.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

const HOSTILE = [
  'line one\nline two\r\nline three',
  'she said "hello", then left',
  'a, b, c',
  '=HYPERLINK("http://evil.example","click")',
  '-5',
  '@SUM(A1:A9)',
  'emoji 👍🏽 and 🚩',
  'RTL: مرحبا بالعالم \u202Eevil\u202C',
  '',
];

async function collect(run: ReturnType<typeof streamExport>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of run.csv) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function setup() {
  const h = createHarness();
  const { id } = addFixtureSource(h);
  for (const [i, message] of HOSTILE.entries()) {
    await postSigned(
      h,
      id,
      textPayload({
        message_id: i + 1,
        message,
        sender_id: `s${i}`,
        timestamp: `2026-05-01T12:00:0${i}+00:00`,
      }),
      eventyayFixtures.secret,
    );
  }
  return { h, sourceId: id };
}

const exportOf = (h: Harness, kind: keyof typeof EXPORTS, filters = {}, options = {}) =>
  collect(streamExport(h.deps.config.databasePath, kind, filters, options));

describe('streamExport', () => {
  it('round-trips hostile texts through a CSV parser to the same values (guard aside)', async () => {
    const { h } = await setup();
    const csv = await exportOf(h, 'messages');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(EXPORTS.messages.columns);
    const texts = rows.map((r) => r.text!.replace(/^'(?=[=+\-@\t\r\n])/, ''));
    expect(texts).toEqual(HOSTILE);
    expect(rows.find((r) => r.text!.includes('HYPERLINK'))!.text).toBe(`'${HOSTILE[3]}`);
    expect(rows.find((r) => r.text === '-5')).toBeDefined();
    expect(rows[0]!.sent_at).toBe('2026-05-01T12:00:00.000Z');
    expect(csv.includes('\r\n')).toBe(true);
  });

  it('writes a byte-order mark only when asked', async () => {
    const { h } = await setup();
    expect((await exportOf(h, 'messages', {}, { bom: true })).startsWith('\uFEFFmessage_id,')).toBe(
      true,
    );
    expect((await exportOf(h, 'messages')).startsWith('message_id,')).toBe(true);
  });

  it('applies time, channel and open-flag filters', async () => {
    const { h } = await setup();
    const rows = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];
    const since = Date.parse('2026-05-01T12:00:05Z');
    expect(rows(await exportOf(h, 'messages', { since })).map((r) => r.external_id)).toEqual([
      '6',
      '7',
      '8',
      '9',
    ]);
    expect(rows(await exportOf(h, 'messages', { channel: 'elsewhere' }))).toEqual([]);
    const open = rows(await exportOf(h, 'messages', { openOnly: true }));
    expect(open.every((r) => Number(r.open_flags) > 0)).toBe(true);
  });

  it('exports flags with rule, span and decision, decisions and the audit log', async () => {
    const { h } = await setup();
    await postSigned(
      h,
      (await import('../helpers/sources.ts')).addFixtureSource(h).id,
      textPayload({ message_id: 50, message: 'mail x@example.org' }),
      eventyayFixtures.secret,
    );
    const messageId = (
      h.db.$client.prepare("SELECT id FROM messages WHERE external_id = '50'").get() as {
        id: number;
      }
    ).id;
    decideMessage(h.deps, { messageId, verdict: 'reject', basisDecisionId: null }, 'account:ana');
    const flags = parse(await exportOf(h, 'flags'), { columns: true }) as Record<string, string>[];
    expect(flags.find((f) => f.external_id === '50')).toMatchObject({
      rule_name: 'Personal data',
      matched_text: 'x@example.org',
      decision: 'reject',
      status: 'closed',
    });
    const decisions = parse(await exportOf(h, 'decisions'), { columns: true }) as Record<
      string,
      string
    >[];
    expect(decisions).toMatchObject([
      { verdict: 'reject', actor: 'account:ana', automatic: 'false' },
    ]);
    const audit = parse(await exportOf(h, 'audit'), { columns: true }) as Record<string, string>[];
    expect(audit.some((a) => a.action === 'decision.reject')).toBe(true);
  });

  it('names each channel by its label (or short id) beside its id in every message log', async () => {
    const { h } = await setup();
    // A rule flags this one (from a source of its own, as above): the flags log has a row too.
    const posted = await postSigned(
      h,
      addFixtureSource(h).id,
      textPayload({ message_id: 60, message: 'mail x@example.org' }),
      eventyayFixtures.secret,
    );
    expect(posted.status).toBe(200);
    const messageId = (
      h.db.$client.prepare('SELECT id FROM messages LIMIT 1').get() as { id: number }
    ).id;
    decideMessage(h.deps, { messageId, verdict: 'reject', basisDecisionId: null }, 'account:ana');
    const read = async (kind: keyof typeof EXPORTS) =>
      parse(await exportOf(h, kind), { columns: true }) as Record<string, string>[];
    const channel = (
      h.db.$client.prepare('SELECT external_id FROM channels').get() as {
        external_id: string;
      }
    ).external_id;
    expect((await read('messages'))[0]).toMatchObject({
      channel,
      channel_name: `Channel ${channel.slice(0, 8)}`,
    });
    h.db.$client.prepare("UPDATE channels SET label = 'Main hall'").run();
    for (const kind of ['messages', 'flags', 'decisions'] as const) {
      const rows = await read(kind);
      expect([kind, rows.length]).not.toEqual([kind, 0]);
      for (const row of rows) expect(row).toMatchObject({ channel, channel_name: 'Main hall' });
    }
  });

  it('counts the rows it wrote and stops cleanly when the reader goes away', async () => {
    const { h } = await setup();
    const run = streamExport(h.deps.config.databasePath, 'messages', {});
    run.csv.destroy();
    const result = await run.finished;
    expect(result.completed).toBe(false);
    const full = streamExport(h.deps.config.databasePath, 'messages', {});
    await collect(full);
    expect(await full.finished).toEqual({ rows: HOSTILE.length, completed: true, stalled: false });
  });

  it('ends an export whose reader takes nothing, letting go of its snapshot and its thread', async () => {
    const h = createHarness();
    const path = h.deps.config.databasePath;
    buildExportDatabase(path, 5000);
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    const run = streamExport(path, 'messages', {}, { stallTimeoutMs: 1000 });
    // The reader asks once (the buffers fill, a worker quotes), then takes nothing more.
    run.csv.read(0);
    await vi.waitFor(() => expect(run.rowsSoFar()).toBeGreaterThan(0), { timeout: 10_000 });
    // A checkpoint cannot finish while the export holds its read transaction open.
    const writer = new Database(path, { timeout: 0 });
    onTestFinished(() => {
      writer.close();
    });
    const checkpoint = () => {
      writer.prepare("UPDATE messages SET text = 'changed' WHERE id = 1").run();
      return (writer.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0]!.busy;
    };
    expect(checkpoint()).toBe(1);

    expect(await run.finished).toMatchObject({ completed: false, stalled: true });
    expect(run.rowsSoFar()).toBeLessThan(5000);
    expect(checkpoint()).toBe(0);
    expect(terminate).toHaveBeenCalled();
  });

  it('writes every row whatever a time or JSON column holds, marking what is no valid value', async () => {
    const { h } = await setup();
    await postSigned(
      h,
      addFixtureSource(h).id,
      textPayload({ message_id: 50, message: 'mail x@example.org' }),
      eventyayFixtures.secret,
    );
    const sql = h.db.$client;
    const id50 = sql.prepare("SELECT id FROM messages WHERE external_id = '50'").pluck().get();
    decideMessage(
      h.deps,
      { messageId: id50 as number, verdict: 'reject', basisDecisionId: null },
      'account:ana',
    );
    const bad = [1.7e18, 8.64e15 + 1, -8.64e15 - 1, 'soon', Number.POSITIVE_INFINITY, 2 ** 70];
    const setSentAt = sql.prepare('UPDATE messages SET sent_at = ? WHERE external_id = ?');
    bad.forEach((value, i) => setSentAt.run(value, String(i + 1)));
    sql
      .prepare(
        "UPDATE messages SET received_at = -1, reactions_json = 'not json' WHERE external_id = '7'",
      )
      .run();
    sql
      .prepare(
        `UPDATE messages SET received_at = 1.5, reactions_json = '{"👍":null,"🚩":["a"]}' WHERE external_id = '8'`,
      )
      .run();
    sql.prepare(`UPDATE messages SET reactions_json = '"=1+1"' WHERE external_id = '9'`).run();
    sql
      .prepare(
        "UPDATE flags SET created_at = 1.7e18, transformations_json = 'oops', span_start = '=1+1'",
      )
      .run();
    sql.prepare('UPDATE decisions SET created_at = -1e17').run();
    sql.prepare('UPDATE audit_log SET at = 8.64e15 + 1').run();

    const rows = async (kind: keyof typeof EXPORTS) => {
      const run = streamExport(h.deps.config.databasePath, kind, {});
      const parsed = parse(await collect(run), { columns: true }) as Record<string, string>[];
      expect(await run.finished).toMatchObject({ completed: true, rows: parsed.length });
      return parsed;
    };
    const messages = await rows('messages');
    expect(messages).toHaveLength(h.count('messages'));
    expect(messages.slice(0, 6).map((m) => m.sent_at)).toEqual([
      'invalid time: 1700000000000000000',
      'invalid time: 8640000000000001',
      'invalid time: -8640000000000001',
      'invalid time: soon',
      'invalid time: Infinity',
      'invalid time: 1.1805916207174113e+21',
    ]);
    expect(messages[6]).toMatchObject({
      received_at: '1969-12-31T23:59:59.999Z',
      reactions: 'invalid reactions: not json',
    });
    expect(messages[7]).toMatchObject({
      received_at: '1970-01-01T00:00:00.001Z',
      reactions: '🚩 1',
    });
    expect(messages[8]!.reactions).toBe('invalid reactions: "=1+1"');
    expect(messages[9]!.sent_at).toMatch(/^2026-05-01T\d\d:\d\d:\d\d\.\d{3}Z$/);

    const flags = await rows('flags');
    expect(flags).toHaveLength(h.count('flags'));
    expect(flags[0]).toMatchObject({
      created_at: 'invalid time: 1700000000000000000',
      transformations: 'invalid transformations: oops',
      span_start: "'=1+1",
    });
    const decisions = await rows('decisions');
    expect(decisions).toHaveLength(h.count('decisions'));
    expect(decisions[0]!.created_at).toBe('invalid time: -100000000000000000');
    const audit = await rows('audit');
    expect(audit).toHaveLength(h.count('audit_log'));
    expect(audit.every((a) => a.at === 'invalid time: 8640000000000001')).toBe(true);
  });
});
