import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addKindSource, bareRtc, hexHmac, post, streamPush } from '../helpers/senders.ts';

const RUNS = 100;

/** Validly signed random JSON for each new kind must never get a 5xx. */
const KINDS: [string, (h: Harness) => (json: string) => Response | Promise<Response>][] = [
  [
    'stream',
    (h) => {
      const { id } = addKindSource(h, { kind: 'stream', secret: streamPush.secret });
      return (json) =>
        post(h, `/hooks/${id}`, json, { 'X-Signature': hexHmac(json, streamPush.secret) });
    },
  ],
  [
    'stream before-send',
    (h) => {
      const { id } = addKindSource(h, { kind: 'stream', secret: streamPush.secret });
      return (json) =>
        post(h, `/hooks/${id}/before-send`, json, {
          'X-Signature': hexHmac(json, streamPush.secret),
        });
    },
  ],
  [
    'barertc',
    (h) => {
      const { id } = addKindSource(h, { kind: 'barertc', secret: bareRtc.api_key });
      return (json) => {
        let value: unknown = JSON.parse(json);
        // Put the key in whatever object arrives, so the body gets past the key check.
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          value = { ...value, APIKey: bareRtc.api_key };
        }
        return post(h, `/hooks/${id}`, JSON.stringify(value), {});
      };
    },
  ],
];

describe('hostile input on the new sender kinds (property-based)', () => {
  it.each(KINDS)('answers validly signed random JSON to %s without a 5xx', async (_, make) => {
    const h = createHarness();
    const send = make(h);
    const shapes = fc.oneof(
      fc.json({ maxDepth: 5 }),
      fc
        .record({
          type: fc.constantFrom('message.new', 'message.updated', 'reaction.new', 'x'),
          Action: fc.constantFrom('report', 'profile', 'x'),
          cid: fc.oneof(fc.string(), fc.jsonValue()),
          message: fc.oneof(
            fc.record({ id: fc.string(), text: fc.string(), created_at: fc.string() }),
            fc.jsonValue(),
          ),
          Report: fc.dictionary(
            fc.constantFrom('AboutUsername', 'Message', 'Timestamp', 'Channel'),
            fc.jsonValue(),
          ),
          Username: fc.jsonValue(),
        })
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(shapes, async (json) => {
        const res = await send(json);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
  });
});
