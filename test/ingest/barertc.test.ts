import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REDACTED_KEY } from '../../src/ingest/senders/barertc.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addKindSource, bareRtc, bareRtcBody, post } from '../helpers/senders.ts';

const KEY = bareRtc.api_key;
const OK = { StatusCode: 200, Data: { OK: true, Error: '' } };

function setup() {
  const h = createHarness();
  const { id } = addKindSource(h, { kind: 'barertc', secret: KEY });
  return { h, id };
}

const send = (h: Harness, id: string, body: string) =>
  post(h, `/hooks/${id}`, body, { 'Content-Type': 'application/json' });

const withReport = (name: string, changes: Record<string, string>) => {
  const body = JSON.parse(bareRtcBody(name)) as { Report: Record<string, string> };
  return JSON.stringify({ ...body, Report: { ...body.Report, ...changes } });
};

const rows = (h: Harness, sql: string) => h.db.$client.prepare(sql).all();

async function profileOf(h: Harness, id: string, username: string) {
  const body = bareRtcBody('profile').replace('"mallory"', JSON.stringify(username));
  const res = await send(h, id, body);
  expect(res.status).toBe(200);
  const json = (await res.json()) as { Data: { ProfileFields: { Name: string; Value: string }[] } };
  return Object.fromEntries(json.Data.ProfileFields.map((f) => [f.Name, f.Value]));
}

describe('POST /hooks/:sourceId (BareRTC)', () => {
  it('accepts every fixture with status exactly 200 and a BareRTC answer', async () => {
    const { h, id } = setup();
    for (const d of bareRtc.deliveries) {
      const res = await send(h, id, d.body);
      expect(res.status, d.name).toBe(200);
      expect(await res.json(), d.name).toMatchObject(OK);
    }
  });

  it('stores a report as the reported message and sender with an open report flag', async () => {
    const { h, id } = setup();
    await send(h, id, bareRtcBody('report'));
    expect(rows(h, 'SELECT text, screen_name, sent_at FROM messages')).toEqual([
      {
        text: 'buy cheap followers at spam.example',
        screen_name: 'mallory',
        sent_at: Date.parse('2026-05-01T12:00:00Z'),
      },
    ]);
    const [flag] = rows(
      h,
      `SELECT f.origin, f.status, f.reason, f.comment, f.actor, r.external_id AS reporter,
         a.external_id AS author
       FROM flags f JOIN senders r ON r.id = f.reporter_sender_id JOIN senders a ON a.id = f.sender_id`,
    );
    expect(flag).toEqual({
      origin: 'report',
      status: 'open',
      reason: "reported by alice: It's spam",
      comment: 'third time today',
      actor: 'alice',
      reporter: 'alice',
      author: 'mallory',
    });
  });

  it('never stores the APIKey: the stored body and its hash hold a marker instead', async () => {
    const { h, id } = setup();
    await send(h, id, bareRtcBody('report'));
    await send(h, id, bareRtcBody('profile'));
    await send(h, id, bareRtcBody('report').replace(KEY, 'a-wrong-key-0123456789'));
    const stored = rows(h, 'SELECT body, body_sha256 FROM deliveries WHERE body IS NOT NULL') as {
      body: Buffer;
      body_sha256: string;
    }[];
    expect(stored).toHaveLength(2);
    for (const { body, body_sha256 } of stored) {
      expect(body.toString()).not.toContain(KEY);
      expect(JSON.parse(body.toString())).toMatchObject({ APIKey: REDACTED_KEY });
      expect(body_sha256).toBe(createHash('sha256').update(body).digest('hex'));
    }
    expect(JSON.stringify(rows(h, 'SELECT * FROM deliveries'))).not.toContain(KEY);
  });

  it('finds a message reported twice: one message, one flag per reporter', async () => {
    const { h, id } = setup();
    await send(h, id, bareRtcBody('report'));
    const again = await send(h, id, bareRtcBody('report'));
    expect(again.status).toBe(200);
    await send(h, id, withReport('report', { FromUsername: 'carol' }));
    expect(h.count('messages')).toBe(1);
    expect(h.count('flags', "origin = 'report'")).toBe(2);
    expect(h.count('deliveries', "outcome = 'duplicate'")).toBe(1);
  });

  it("labels the server filter's reports and names no reporter", async () => {
    const { h, id } = setup();
    await send(h, id, bareRtcBody('report-server-filter'));
    expect(rows(h, 'SELECT reason, reporter_sender_id, actor FROM flags')).toEqual([
      {
        reason: 'server filter: Server Side Message Filter',
        reporter_sender_id: null,
        actor: 'sender',
      },
    ]);
    expect(rows(h, 'SELECT external_id FROM channels')).toEqual([{ external_id: '@bob' }]);
    expect(rows(h, 'SELECT external_id FROM senders')).toEqual([{ external_id: 'mallory' }]);
  });

  // Issue 16 item 3: every report BareRTC raises by itself is a system report.
  it("records the link-spam detector's report as the server's, never the spammer as reporter", async () => {
    const { h, id } = setup();
    const res = await send(h, id, bareRtcBody('report-spam-detected'));
    expect(res.status).toBe(200);
    expect(rows(h, 'SELECT reason, reporter_sender_id, actor FROM flags')).toEqual([
      { reason: 'server filter: Spam Detected', reporter_sender_id: null, actor: 'sender' },
    ]);
    expect(rows(h, 'SELECT external_id FROM senders')).toEqual([{ external_id: 'spammer' }]);
  });

  it.each([
    ['a known server reason from another name', { FromUsername: 'alice', Reason: 'Spam Detected' }],
    ['from = about with any reason', { FromUsername: 'mallory', Reason: 'flooding' }],
  ])('treats %s as a system report', async (_, changes) => {
    const { h, id } = setup();
    await send(h, id, withReport('report', changes));
    expect(rows(h, 'SELECT reason, reporter_sender_id FROM flags')).toEqual([
      { reason: `server filter: ${changes.Reason}`, reporter_sender_id: null },
    ]);
    expect(h.count('senders', "external_id = 'alice'")).toBe(0);
  });

  it("keeps a person's report as theirs", async () => {
    const { h, id } = setup();
    await send(h, id, bareRtcBody('report'));
    expect(rows(h, 'SELECT reason FROM flags')).toEqual([
      { reason: "reported by alice: It's spam" },
    ]);
    expect(h.count('senders', "external_id = 'alice'")).toBe(1);
  });

  it('returns an approved message to the queue when it is reported', async () => {
    const { h, id } = setup();
    await send(h, id, bareRtcBody('report'));
    h.db.$client.prepare("UPDATE flags SET status = 'closed'").run();
    h.db.$client
      .prepare("UPDATE messages SET moderation_state = 'approved', decision_id = 1")
      .run();
    await send(h, id, withReport('report', { FromUsername: 'carol' }));
    expect(rows(h, 'SELECT moderation_state, decision_id FROM messages')).toEqual([
      { moderation_state: 'unreviewed', decision_id: null },
    ]);
  });

  it('answers profile with the moderation facts about the user', async () => {
    const { h, id } = setup();
    await send(h, id, bareRtcBody('report'));
    await send(h, id, bareRtcBody('report-server-filter'));
    h.db.$client
      .prepare("UPDATE messages SET moderation_state = 'rejected' WHERE text LIKE 'you are%'")
      .run();
    expect(await profileOf(h, id, 'mallory')).toEqual({
      'Messages seen': '2',
      'Open flags': '2',
      'Rejected messages': '1',
      'First seen': new Date(h.deps.now()).toISOString(),
      Status: 'normal',
    });
    expect(await profileOf(h, id, 'nobody')).toMatchObject({
      'Messages seen': '0',
      'First seen': 'never',
      Status: 'unknown to modhook',
    });
  });

  it('answers an unknown Action with 200 and keeps it as ignored', async () => {
    const { h, id } = setup();
    const res = await send(h, id, JSON.stringify({ Action: 'wave', APIKey: KEY }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(OK);
    expect(h.count('deliveries', "outcome = 'ignored'")).toBe(1);
  });

  it.each([
    [
      'the key is wrong',
      bareRtcBody('report').replace(KEY, 'not-the-key-0123456789'),
      'signature_mismatch',
    ],
    [
      'the key is a prefix of the right one',
      bareRtcBody('report').replace(KEY, KEY.slice(0, -1)),
      'signature_mismatch',
    ],
    ['the key is missing', JSON.stringify({ Action: 'report' }), 'signature_missing'],
    [
      'the key is not a string',
      JSON.stringify({ Action: 'report', APIKey: 7 }),
      'signature_missing',
    ],
    ['the body is not JSON', 'APIKey=x', 'signature_missing'],
  ])('returns 401 and stores nothing when %s', async (_, body, code) => {
    const { h, id } = setup();
    const res = await send(h, id, body);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code } });
    expect(h.count('messages') + h.count('flags') + h.count('deliveries', 'body IS NOT NULL')).toBe(
      0,
    );
  });

  it('returns 422 for a report that names no reported user', async () => {
    const { h, id } = setup();
    const res = await send(h, id, withReport('report', { AboutUsername: '' }));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { field: 'Report.AboutUsername' } });
  });
});
