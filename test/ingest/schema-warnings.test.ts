import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rejectionCounts } from '../../src/sources/list-deliveries.ts';
import { listSources } from '../../src/sources/list-sources.ts';
import { BROWSER, signedIn } from '../helpers/dashboard.ts';
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
} from '../helpers/senders.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

// Issue 16 item 4: an optional field of an unexpected type or shape never loses the message.
// The field is dropped, the message stored, and the delivery row carries a schema warning
// naming the field, counted on the source page apart from rejections.

const all = (h: Harness, sql: string) => h.db.$client.prepare(sql).all();
const delivery = (h: Harness) =>
  h.db.$client
    .prepare('SELECT outcome, reason, detail, status FROM deliveries ORDER BY id DESC LIMIT 1')
    .get() as { outcome: string; reason: string | null; detail: string | null; status: number };

type Case = {
  kind: string;
  /** Posts a delivery whose optional field is of the wrong type (or, bad = false, right). */
  send: (h: Harness, bad: boolean) => Promise<{ res: Response; sourceId: string }>;
  /** The field the warning must name. */
  field: string;
  /** The stored message text. */
  text: string;
};

const GENERIC_SECRET = 'generic-hmac-secret-0123456789';
const WHSEC = `whsec_${Buffer.from('standard-webhooks-key-0123456789').toString('base64')}`;
const FIELDS = { id: '/id', text: '/text', senderName: '/name', time: '/at' };
const mapped = (bad: boolean) =>
  JSON.stringify({ id: 7, text: 'mapped text', name: bad ? { first: 'Ana' } : 'Ana', at: 1 });

const CASES: Case[] = [
  {
    kind: 'eventyay (centralauth_id as a user name)',
    field: 'centralauth_id',
    text: 'Hello',
    send: async (h, bad) => {
      const { id } = addFixtureSource(h);
      const payload = textPayload(bad ? { centralauth_id: 'Example (WMF)' } : {});
      return { res: await postSigned(h, id, payload, eventyayFixtures.secret), sourceId: id };
    },
  },
  {
    kind: 'stream (the user name a number)',
    field: 'message.user.name',
    text: 'hello',
    send: async (h, bad) => {
      const { id } = addKindSource(h, { kind: 'stream', secret: 'stream-secret-0123456789' });
      const payload = streamMessageNew();
      if (bad) payload.message.user = { ...payload.message.user, name: 42 as unknown as string };
      const { body, headers } = streamDelivery(payload, 'stream-secret-0123456789');
      return { res: await post(h, `/hooks/${id}`, body, headers), sourceId: id };
    },
  },
  {
    kind: 'barertc (the comment an object)',
    field: 'Report.Comment',
    text: 'buy cheap followers at spam.example',
    send: async (h, bad) => {
      const { id } = addKindSource(h, { kind: 'barertc', secret: bareRtc.api_key });
      const body = JSON.parse(bareRtcBody('report')) as { Report: Record<string, unknown> };
      if (bad) body.Report.Comment = { text: 'third time' };
      const res = await post(h, `/hooks/${id}`, JSON.stringify(body), {
        'Content-Type': 'application/json',
      });
      return { res, sourceId: id };
    },
  },
  {
    kind: 'hmac (the sender name an object)',
    field: '/name (the senderName field)',
    text: 'mapped text',
    send: async (h, bad) => {
      const { id } = addKindSource(h, {
        kind: 'hmac',
        secret: GENERIC_SECRET,
        settings: { signatureHeader: 'X-Sig', fields: FIELDS },
      });
      const body = mapped(bad);
      const signature = createHmac('sha256', GENERIC_SECRET).update(body).digest('hex');
      const res = await post(h, `/hooks/${id}`, body, {
        'Content-Type': 'application/json',
        'X-Sig': signature,
      });
      return { res, sourceId: id };
    },
  },
  {
    kind: 'standard-webhooks (the sender name an object)',
    field: '/name (the senderName field)',
    text: 'mapped text',
    send: async (h, bad) => {
      const { id } = addKindSource(h, {
        kind: 'standard-webhooks',
        secret: WHSEC,
        settings: { fields: FIELDS },
      });
      const body = mapped(bad);
      const headers = standardWebhookHeaders(body, [WHSEC], 'msg_1', TEST_NOW / 1000);
      return { res: await post(h, `/hooks/${id}`, body, headers), sourceId: id };
    },
  },
];

describe('an optional field of the wrong type never loses a message', () => {
  describe.each(CASES)('$kind', ({ send, field, text }) => {
    it('stores the message and records a schema warning naming the field', async () => {
      const h = createHarness();
      const { res, sourceId } = await send(h, true);
      expect(res.status).toBe(200);
      expect(all(h, 'SELECT text FROM messages')).toEqual([{ text }]);
      const row = delivery(h);
      expect(row).toMatchObject({ outcome: 'accepted', reason: 'schema_warning', status: 200 });
      expect(row.detail).toContain(`schema warning: ${field}:`);
      expect(row.detail).toContain('dropped');
      const [summary] = listSources(h.deps, sourceId);
      expect(summary).toMatchObject({ schemaWarnings: 1, rejectedDeliveries: 0 });
      expect(rejectionCounts(h.db, sourceId)).toEqual([]);
    });

    it('records no warning when the field is right', async () => {
      const h = createHarness();
      const { res, sourceId } = await send(h, false);
      expect(res.status).toBe(200);
      expect(delivery(h)).toMatchObject({ outcome: 'accepted', reason: null });
      expect(listSources(h.deps, sourceId)[0]).toMatchObject({ schemaWarnings: 0 });
    });
  });

  it('eventyay: the dropped field is not stored, the raw body keeps it', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    await postSigned(
      h,
      id,
      textPayload({ centralauth_id: 'Example (WMF)', user_language: 7 }),
      eventyayFixtures.secret,
    );
    const sender = h.db.$client
      .prepare('SELECT centralauth_id AS id, centralauth_username AS name FROM senders')
      .get() as { id: unknown; name: unknown };
    expect(sender.id).toBeNull();
    const row = h.db.$client
      .prepare("SELECT detail, body FROM deliveries WHERE outcome = 'accepted'")
      .get() as { detail: string; body: Buffer };
    expect(row.detail).toBe(
      'schema warning: centralauth_id: expected number, received string; dropped; ' +
        'user_language: expected string, received number; dropped',
    );
    expect(row.body.toString()).toContain('Example (WMF)');
  });

  it('a required field of the wrong type still fails the delivery (422 naming it)', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const res = await postSigned(h, id, textPayload({ message_id: 'x1' }), eventyayFixtures.secret);
    expect(res.status).toBe(422);
    expect(all(h, 'SELECT id FROM messages')).toEqual([]);
    expect(delivery(h)).toMatchObject({ outcome: 'rejected', reason: 'invalid_payload' });
  });

  it('a schema warning and a time note share the row', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    await postSigned(
      h,
      id,
      textPayload({ centralauth_id: 'x', timestamp: '2026-02-30T10:00:00+00:00' }),
      eventyayFixtures.secret,
    );
    expect(delivery(h).detail).toMatch(/^schema warning: centralauth_id: .*; sent time .*receive/);
  });

  it('the source page counts the warnings and the deliveries list names the field', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    for (const n of [1, 2]) {
      const payload = textPayload({ message_id: 100 + n, centralauth_id: 'Example (WMF)' });
      await postSigned(h, id, payload, eventyayFixtures.secret);
    }
    const b = await signedIn(h, 'admin');
    const html = await (
      await h.app.request(`/sources/${id}`, { headers: { ...BROWSER, cookie: b.cookie } })
    ).text();
    expect(html).toContain('2 schema warnings');
    expect(html).toContain('schema warning (stored, a field dropped)');
    expect(html).toContain('centralauth_id: ');
    const list = await (
      await h.app.request('/sources', { headers: { ...BROWSER, cookie: b.cookie } })
    ).text();
    expect(list).toContain('2 schema warnings');
  });
});
