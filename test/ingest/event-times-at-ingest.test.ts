import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';
import {
  addKindSource,
  bareRtc,
  bareRtcBody,
  post,
  standardWebhookHeaders,
  streamDelivery,
  streamMessageNew,
  streamPush,
} from '../helpers/senders.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

// Every sender kind: a time out of range, or naming a day that does not exist, is stored as the
// receive time (TEST_NOW) with a note on the delivery row; the message itself is kept.

const USED_RECEIVE_TIME = /used the receive time/;

const one = (h: Harness, sql: string) => h.db.$client.prepare(sql).get() as Record<string, unknown>;

/** The newest accepted delivery's note. */
const note = (h: Harness) =>
  one(h, "SELECT detail FROM deliveries WHERE outcome = 'accepted' ORDER BY id DESC LIMIT 1")
    .detail;

describe('sent times are checked at ingest for every sender kind', () => {
  describe('eventyay timestamp', () => {
    it.each([
      ['year 9999', '9999-12-31T23:59:59+00:00'],
      ['year 0000', '0000-01-01T00:00:00+00:00'],
      ['30 February', '2026-02-30T10:00:00+00:00'],
      ['24:00', '2026-04-30T24:00:00'],
      ['2 days ahead', '2026-05-03T12:40:00+00:00'],
    ])('%s: stored with the receive time and a note', async (_, timestamp) => {
      const h = createHarness();
      const { id } = addFixtureSource(h);
      const res = await postSigned(h, id, textPayload({ timestamp }), eventyayFixtures.secret);
      expect(res.status).toBe(200);
      expect(one(h, 'SELECT text, sent_at FROM messages')).toEqual({
        text: 'Hello',
        sent_at: TEST_NOW,
      });
      expect(note(h)).toMatch(USED_RECEIVE_TIME);
    });

    it('keeps a good timestamp and leaves no note', async () => {
      const h = createHarness();
      const { id } = addFixtureSource(h);
      await postSigned(h, id, textPayload(), eventyayFixtures.secret);
      expect(one(h, 'SELECT sent_at FROM messages')).toEqual({
        sent_at: Date.parse('2026-05-01T12:38:00.000001+00:00'),
      });
      expect(note(h)).toBeNull();
    });
  });

  const FIELDS = { id: '/id', text: '/text', time: '/at' };
  const body = (at: unknown) => JSON.stringify({ id: 7, text: 'mapped', at });

  describe.each([
    ['Unix nanoseconds', 1_777_639_200_000_000_000],
    ['Unix microseconds', 1_777_639_200_000_000],
    ['year +275760', '+275760-09-13T00:00:00Z'],
    ['30 February', '2026-02-30T10:00:00Z'],
    ['year 1970', 0],
  ])('mapped time field: %s', (_, at) => {
    it('hmac: stored with the receive time and a note', async () => {
      const h = createHarness();
      const secret = 'generic-hmac-secret-0123456789';
      const { id } = addKindSource(h, {
        kind: 'hmac',
        secret,
        settings: { signatureHeader: 'X-Sig', fields: FIELDS },
      });
      const text = body(at);
      const signature = createHmac('sha256', secret).update(text).digest('hex');
      const res = await post(h, `/hooks/${id}`, text, { 'X-Sig': signature });
      expect(res.status).toBe(200);
      expect(one(h, 'SELECT sent_at FROM messages')).toEqual({ sent_at: TEST_NOW });
      expect(note(h)).toMatch(USED_RECEIVE_TIME);
    });

    it('standard-webhooks: stored with the receive time and a note', async () => {
      const h = createHarness();
      const secret = `whsec_${Buffer.from('standard-webhooks-key-a-0123456').toString('base64')}`;
      const { id } = addKindSource(h, {
        kind: 'standard-webhooks',
        secret,
        settings: { fields: FIELDS },
      });
      const text = body(at);
      const headers = standardWebhookHeaders(text, [secret], 'msg_1', TEST_NOW / 1000);
      expect((await post(h, `/hooks/${id}`, text, headers)).status).toBe(200);
      expect(one(h, 'SELECT sent_at FROM messages')).toEqual({ sent_at: TEST_NOW });
      expect(note(h)).toMatch(USED_RECEIVE_TIME);
    });
  });

  describe('barertc report Timestamp', () => {
    it.each([
      ['30 February', 'Mon, 30 Feb 2026 12:00:00 UTC'],
      ['24:00', 'Fri, 01 May 2026 24:00:00 UTC'],
      ['year 9999', 'Fri, 31 Dec 9999 12:00:00 UTC'],
    ])('%s: the reported message gets the receive time and a note', async (_, timestamp) => {
      const h = createHarness();
      const { id } = addKindSource(h, { kind: 'barertc', secret: bareRtc.api_key });
      const report = JSON.parse(bareRtcBody('report')) as { Report: Record<string, string> };
      const text = JSON.stringify({
        ...report,
        Report: { ...report.Report, Timestamp: timestamp },
      });
      const res = await post(h, `/hooks/${id}`, text, { 'Content-Type': 'application/json' });
      expect(res.status).toBe(200);
      expect(one(h, 'SELECT sent_at FROM messages')).toEqual({ sent_at: TEST_NOW });
      expect(h.count('flags', "origin = 'report'")).toBe(1);
      expect(note(h)).toMatch(/^sent time of the reported message .*used the receive time$/);
    });
  });

  describe('stream created_at, updated_at and deleted_at', () => {
    const setup = () => {
      const h = createHarness();
      const { id } = addKindSource(h, { kind: 'stream', secret: streamPush.secret });
      const send = async (payload: unknown) => {
        const d = streamDelivery(payload);
        expect((await post(h, `/hooks/${id}`, d.body, d.headers)).status).toBe(200);
      };
      return { h, send };
    };
    const withMessage = (type: string, changes: Record<string, unknown>) => {
      const p = streamMessageNew();
      return { ...p, type, message: { ...p.message, ...changes } };
    };

    it('a new message sent in 9999 gets the receive time and a note', async () => {
      const { h, send } = setup();
      await send(withMessage('message.new', { created_at: '9999-12-31T00:00:00Z' }));
      expect(one(h, 'SELECT sent_at FROM messages')).toEqual({ sent_at: TEST_NOW });
      expect(note(h)).toBe(
        'sent time 9999-12-31T00:00:00.000Z out of range; used the receive time',
      );
    });

    it('an edit on 30 February and a deletion in year 0000 get the receive time', async () => {
      const { h, send } = setup();
      await send(streamMessageNew());
      await send(
        withMessage('message.updated', { text: 'edited', updated_at: '2026-02-30T00:00:00Z' }),
      );
      expect(one(h, 'SELECT text, edited_at FROM messages')).toEqual({
        text: 'edited',
        edited_at: TEST_NOW,
      });
      expect(note(h)).toBe('edit time is not a real date-time; used the receive time');
      await send(withMessage('message.deleted', { deleted_at: '0000-01-01T00:00:00Z' }));
      expect(one(h, 'SELECT deleted_at FROM messages')).toEqual({ deleted_at: TEST_NOW });
      expect(note(h)).toMatch(/^deletion time 0000-01-01T00:00:00.000Z out of range/);
    });
  });
});
