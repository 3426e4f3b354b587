import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/errors.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { listSourceSecrets } from '../../src/sources/list-source-secrets.ts';
import { rotateSourceSecret } from '../../src/sources/rotate-source-secret.ts';
import { eventyayTestBody, sendTestDelivery } from '../../src/sources/send-test-delivery.ts';
import { setSourceStatus } from '../../src/sources/set-source-status.ts';
import { auditRows, caught } from '../helpers/accounts.ts';
import { createHarness, TEST_NOW } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';

const HOUR = 3_600_000;

describe('sendTestDelivery', () => {
  it('is stored as an accepted delivery of a real Eventyay-shaped message', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const result = await sendTestDelivery(h.deps, { sourceId: id }, 'account:ana');
    expect(result).toMatchObject({ outcome: 'accepted', status: 200, message: null });
    const row = h.db.$client.prepare('SELECT body, outcome, secret_id FROM deliveries').get() as {
      body: Buffer;
      outcome: string;
      secret_id: number;
    };
    expect(row.body.toString('ascii')).toBe(
      eventyayTestBody(TEST_NOW, result.messageId, 'account:ana'),
    );
    expect(h.count('messages', `external_id = '${result.messageId}'`)).toBe(1);
    expect(auditRows(h).at(-1)).toMatchObject({
      action: 'source.test_delivery',
      actor: 'account:ana',
      target_id: id,
    });
  });

  it('signs with the newest active secret after a rotation', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const { secret } = rotateSourceSecret(h.deps, { sourceId: id, graceMs: HOUR }, 'test');
    expect(secret).not.toBe('');
    await sendTestDelivery(h.deps, { sourceId: id }, 'test');
    const [newest] = listSourceSecrets(h.db, id, h.deps.now());
    expect(newest!.lastMatchedAt).toBe(TEST_NOW);
  });

  it('sends a new message id each time, so a second test is not a duplicate', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const a = await sendTestDelivery(h.deps, { sourceId: id }, 'test');
    const b = await sendTestDelivery(h.deps, { sourceId: id }, 'test');
    expect(a.messageId).not.toBe(b.messageId);
    expect(b.outcome).toBe('accepted');
  });

  it('writes a pure-ASCII body with sorted keys', () => {
    const body = eventyayTestBody(TEST_NOW, 2 ** 41, 'account:<b>');
    expect(body).toMatch(/^[\x20-\x7e]*$/);
    expect(Object.keys(JSON.parse(body))).toEqual(Object.keys(JSON.parse(body)).sort());
    expect(JSON.parse(body)).toMatchObject({
      message_type: 'text',
      message_id: 2 ** 41,
      timestamp: '2026-05-01T12:40:00+00:00',
      meta: {},
    });
  });

  it.each([
    ['a source of another kind', 'invalid_input'],
    ['a disabled source', 'conflict'],
    ['an unknown source', 'not_found'],
  ])('refuses %s (%s) and stores nothing', async (what, code) => {
    const h = createHarness();
    let id = 'nope';
    if (what === 'a source of another kind') {
      id = addSource(h.deps, { kind: 'barertc', name: 'B' }, 'test').id;
    } else if (what === 'a disabled source') {
      id = addFixtureSource(h).id;
      setSourceStatus(h.deps, { sourceId: id, status: 'disabled' }, 'test');
    }
    const error = await caught(() => sendTestDelivery(h.deps, { sourceId: id }, 'test'));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    expect(h.count('deliveries')).toBe(0);
    expect(h.count('audit_log', "action = 'source.test_delivery'")).toBe(0);
  });
});

describe('listSourceSecrets', () => {
  it('tells for each secret when it expires and when a delivery last matched it', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    await sendTestDelivery(h.deps, { sourceId: id }, 'test');
    h.advance(60_000);
    rotateSourceSecret(h.deps, { sourceId: id, graceMs: HOUR }, 'test');
    const [fresh, old] = listSourceSecrets(h.db, id, h.deps.now());
    expect(old).toMatchObject({
      active: true,
      expiresAt: TEST_NOW + 60_000 + HOUR,
      lastMatchedAt: TEST_NOW,
    });
    expect(fresh).toMatchObject({ active: true, expiresAt: null, lastMatchedAt: null });
    expect(Object.keys(old!)).not.toContain('secret');
    expect(listSourceSecrets(h.db, id, TEST_NOW + 2 * HOUR)[1]!.active).toBe(false);
  });
});
