import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  eventyayFixtures,
  eventyayJson,
  eventyaySignature,
  fixture,
  textPayload,
} from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postHook } from '../helpers/webhook-request.ts';

const SECRET = eventyayFixtures.secret;
const RUNS = 150;

function setup() {
  const h = createHarness();
  const { id } = addFixtureSource(h);
  return { h, id };
}

/** After the storm: still answers a valid delivery, and stored only what was validly signed. */
async function expectStillHealthy(h: Harness, id: string) {
  const f = fixture('text-basic');
  const res = await postHook(
    h,
    id,
    f.body.replace('4711', '987654'),
    eventyaySignature(f.body.replace('4711', '987654'), SECRET),
  );
  expect(res.status).toBe(200);
}

const sign = (body: string | Uint8Array) => eventyaySignature(body, SECRET);

describe('hostile input on POST /hooks/:sourceId (property-based)', () => {
  it('answers random bytes with a 4xx, never a 5xx, and stores nothing', async () => {
    const { h, id } = setup();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.option(fc.string({ maxLength: 80 })),
        async (bytes, header) => {
          const res = await postHook(h, id, bytes, header);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS },
    );
    expect(h.count('messages')).toBe(0);
    await expectStillHealthy(h, id);
  });

  it('answers any validly signed bytes with 200, 202, 400 or 422', async () => {
    const { h, id } = setup();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        const res = await postHook(h, id, bytes, sign(bytes));
        expect([200, 202, 400, 422]).toContain(res.status);
      }),
      { numRuns: RUNS },
    );
    await expectStillHealthy(h, id);
  });

  it('answers validly signed random JSON without a 5xx', async () => {
    const { h, id } = setup();
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 6 }), async (json) => {
        const res = await postHook(h, id, json, sign(json));
        expect([200, 202, 400, 422]).toContain(res.status);
      }),
      { numRuns: RUNS },
    );
    await expectStillHealthy(h, id);
  });

  it('answers a valid payload with any one field replaced by anything without a 5xx', async () => {
    const { h, id } = setup();
    const fields = Object.keys(textPayload());
    let nextId = 1;
    const anything = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(
        1e308,
        -1e308,
        Number.MAX_SAFE_INTEGER + 2,
        -1,
        0.5,
        '',
        'x'.repeat(70_000 / 2),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields),
        anything,
        fc.constantFrom('text', 'emoji'),
        async (field, value, type) => {
          const payload = textPayload({ message_id: nextId++, message_type: type, [field]: value });
          if (type === 'emoji' && field !== 'meta') {
            payload.meta = {
              action: 'add',
              reaction: '👍',
              reactions: { '👍': ['u'] },
              target_message_id: 1,
            };
          }
          const body = eventyayJson(payload);
          const res = await postHook(h, id, body, sign(body));
          expect([200, 202, 400, 413, 422]).toContain(res.status);
        },
      ),
      { numRuns: RUNS },
    );
    await expectStillHealthy(h, id);
  });

  it.each([
    ['deeply nested arrays', '['.repeat(30_000) + ']'.repeat(30_000)],
    ['deeply nested objects', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)],
    ['duplicate keys', '{"message_id":1,"message_id":"x","message_type":"text"}'],
    ['a huge number', '{"message_id":1e999999,"message_type":"text"}'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d])],
    [
      'a lone surrogate escape',
      eventyayJson(textPayload({ message: '\ud800' })).replace('\\ufffd', '\\ud800'),
    ],
    ['a NUL byte', '{"message_type":"text\u0000"}'],
  ])('answers %s without a 5xx', async (_, body) => {
    const { h, id } = setup();
    const res = await postHook(h, id, body, sign(body));
    expect(res.status).toBeLessThan(500);
    await expectStillHealthy(h, id);
  });

  it.each([
    ['upper-case hex', (sig: string) => sig.toUpperCase().replace('SHA256=', 'sha256='), 200],
    ['spaces around the value', (sig: string) => ` ${sig} `, 200],
    ['an upper-case prefix', (sig: string) => sig.replace('sha256=', 'SHA256='), 401],
    ['another algorithm prefix', (sig: string) => sig.replace('sha256=', 'sha512='), 401],
    ['the value twice', (sig: string) => `${sig}, ${sig}`, 401],
    ['a truncated value', (sig: string) => sig.slice(0, -1), 401],
  ])('handles a signature header with %s', async (_, variant, status) => {
    const { h, id } = setup();
    const body = eventyayJson(textPayload({ message_id: 77 }));
    const res = await postHook(h, id, body, variant(sign(body)));
    expect(res.status).toBe(status);
    expect(h.count('messages')).toBe(status === 200 ? 1 : 0);
  });

  it('keeps rejected rows bounded however many bad requests arrive', async () => {
    const { h, id } = setup();
    const { KEPT_REJECTED_DELIVERIES } = await import('../../src/ingest/delivery-outcome.ts');
    const requests = Array.from({ length: KEPT_REJECTED_DELIVERIES + 300 }, (_, i) =>
      postHook(h, id, `{"n":${i}}`, 'sha256=00'),
    );
    await Promise.all(requests);
    expect(h.count('deliveries')).toBeLessThanOrEqual(KEPT_REJECTED_DELIVERIES + 100);
  });
});
