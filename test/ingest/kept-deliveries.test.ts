import { describe, expect, it } from 'vitest';
import { KEPT_DELIVERY_ROWS, TRIM_EVERY } from '../../src/ingest/keep-newest-deliveries.ts';
import { ingestStore } from '../../src/ingest/ingest-store.ts';
import { rejectionCounts } from '../../src/sources/list-deliveries.ts';
import { listSources } from '../../src/sources/list-sources.ts';
import { BROWSER, signedIn } from '../helpers/dashboard.ts';
import { eventyayFixtures, eventyayJson, textPayload } from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import {
  addKindSource,
  post,
  streamFixture,
  streamFixtureBody,
  streamPush,
} from '../helpers/senders.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postHook, postSigned } from '../helpers/webhook-request.ts';

/** The most rows of a class a source may hold: the kept ones and those added since a trim. */
const most = (cls: keyof typeof KEPT_DELIVERY_ROWS) => KEPT_DELIVERY_ROWS[cls] + TRIM_EVERY - 1;

function setup() {
  const h = createHarness();
  // Thousands of sequential requests: durability is not what is tested here, speed is needed.
  h.db.$client.pragma('synchronous = OFF');
  return { h, id: addFixtureSource(h).id };
}

function summary(h: Harness, id: string) {
  const [s] = listSources(h.deps, id);
  return {
    accepted: s!.acceptedDeliveries,
    duplicates: s!.duplicateDeliveries,
    rejected: s!.rejectedDeliveries,
  };
}

describe('delivery rows anyone can produce stay bounded per source', () => {
  it('keeps rejected and challenge rows bounded when bad POSTs alternate with URL checks', async () => {
    const { h, id } = setup();
    const rounds = KEPT_DELIVERY_ROWS.rejected + 2 * TRIM_EVERY + 1;
    const body = eventyayJson(textPayload());
    for (let i = 0; i < rounds; i++) {
      expect((await postHook(h, id, body, null)).status).toBe(401);
      expect((await h.app.request(`/hooks/${id}?challenge=t${i}`)).status).toBe(200);
    }
    expect(h.count('deliveries', "outcome = 'rejected'")).toBeLessThanOrEqual(most('rejected'));
    expect(h.count('deliveries', "outcome = 'rejected'")).toBeGreaterThanOrEqual(
      KEPT_DELIVERY_ROWS.rejected,
    );
    expect(h.count('deliveries', "kind = 'challenge'")).toBeLessThanOrEqual(most('challenge'));
    expect(rejectionCounts(h.db, id)).toMatchObject([
      { reason: 'signature_missing', count: rounds },
    ]);
    expect(summary(h, id).rejected).toBe(rounds);
  }, 120_000);

  it('keeps refused URL checks among the challenge rows bounded too', async () => {
    const { h, id } = setup();
    const rounds = KEPT_DELIVERY_ROWS.challenge + 2 * TRIM_EVERY + 1;
    for (let i = 0; i < rounds; i++) {
      expect((await h.app.request(`/hooks/${id}`)).status).toBe(400);
      expect((await h.app.request(`/hooks/${id}?challenge=t${i}`)).status).toBe(200);
    }
    expect(h.count('deliveries', "kind = 'challenge'")).toBeLessThanOrEqual(most('challenge'));
    expect(rejectionCounts(h.db, id)).toMatchObject([
      { reason: 'challenge_missing', count: rounds },
    ]);
  }, 60_000);

  it('counts every replay of one signed body but keeps only the newest duplicate rows', async () => {
    const { h, id } = setup();
    const replays = KEPT_DELIVERY_ROWS.duplicate + 2 * TRIM_EVERY + 1;
    const payload = textPayload();
    expect((await postSigned(h, id, payload, eventyayFixtures.secret)).status).toBe(200);
    for (let i = 0; i < replays; i++) {
      const res = await postSigned(h, id, payload, eventyayFixtures.secret);
      expect(await res.json()).toEqual({ ok: true, duplicate: true });
    }
    expect(h.count('messages')).toBe(1);
    expect(h.count('deliveries', "outcome = 'accepted'")).toBe(1);
    expect(h.count('deliveries', "outcome = 'duplicate'")).toBeLessThanOrEqual(most('duplicate'));
    expect(h.count('deliveries', "outcome = 'duplicate'")).toBeGreaterThanOrEqual(
      KEPT_DELIVERY_ROWS.duplicate,
    );
    // The Sources list counts the stored delivery and, apart, all its duplicates; none is a
    // rejection.
    expect(summary(h, id)).toEqual({ accepted: 1, duplicates: replays, rejected: 0 });
    expect(rejectionCounts(h.db, id)).toEqual([]);
    const admin = await signedIn(h, 'admin');
    const page = await h.app.request(`/sources/${id}`, {
      headers: { ...BROWSER, cookie: admin.cookie },
    });
    const html = await page.text();
    expect(html).toContain(`1 accepted · ${replays} duplicates · 0 rejected`);
    expect(html).not.toContain('Rejected requests, all time');
  }, 60_000);

  it('counts retries answered as duplicates by their sender delivery id (Stream X-Webhook-Id)', async () => {
    const h = createHarness();
    const { id } = addKindSource(h, { kind: 'stream', secret: streamPush.secret });
    const f = streamFixture('message-updated');
    for (let i = 0; i < 4; i++) await post(h, `/hooks/${id}`, streamFixtureBody(f), f.headers);
    expect(h.count('deliveries', "outcome = 'duplicate'")).toBe(3);
    expect(summary(h, id)).toEqual({ accepted: 1, duplicates: 3, rejected: 0 });
  });

  it('goes on from the duplicate rows stored before duplicates were counted', async () => {
    const { h, id } = setup();
    const payload = textPayload();
    await postSigned(h, id, payload, eventyayFixtures.secret);
    const earlier = 7;
    for (let i = 0; i < earlier; i++) {
      ingestStore(h.db).insertDelivery.run({
        sourceId: id,
        kind: 'event',
        receivedAt: h.deps.now(),
        outcome: 'duplicate',
        reason: null,
        detail: null,
        status: 200,
        bodySha256: null,
        size: 10,
        secretId: null,
        latencyMs: 1,
        body: null,
        webhookId: null,
      });
    }
    expect(summary(h, id)).toMatchObject({ accepted: 1, duplicates: earlier });
    await postSigned(h, id, payload, eventyayFixtures.secret);
    expect(summary(h, id)).toMatchObject({ accepted: 1, duplicates: earlier + 1 });
  });
});
