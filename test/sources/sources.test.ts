import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/errors.ts';
import { addSource, type NewSource } from '../../src/sources/add-source.ts';
import { listSources } from '../../src/sources/list-sources.ts';
import { rotateSourceSecret } from '../../src/sources/rotate-source-secret.ts';
import { setSourceStatus } from '../../src/sources/set-source-status.ts';
import { DEFAULT_ROTATION_GRACE_MS } from '../../src/sources/source-secret.ts';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';

const HOUR = 3_600_000;
const CHOSEN = 'a-chosen-secret-0123456789';
const URL_SAFE_43 = /^[A-Za-z0-9_-]{43}$/;
const URL_SAFE_24 = /^[A-Za-z0-9_-]{24}$/;

type AuditRow = {
  at: number;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  details_json: string;
};
type SecretRow = { id: number; secret: string; created_at: number; expires_at: number | null };

function auditRows(h: Harness): AuditRow[] {
  return h.db.$client
    .prepare(
      'SELECT at, actor, action, target_type, target_id, details_json FROM audit_log ORDER BY id',
    )
    .all() as AuditRow[];
}

function secretRows(h: Harness, sourceId: string): SecretRow[] {
  return h.db.$client
    .prepare(
      'SELECT id, secret, created_at, expires_at FROM source_secrets WHERE source_id = ? ORDER BY id',
    )
    .all(sourceId) as SecretRow[];
}

function writes(h: Harness) {
  return {
    sources: h.count('sources'),
    secrets: h.count('source_secrets'),
    audit: h.count('audit_log'),
  };
}

/** The error `fn` throws; fails the test when it throws nothing. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function add(h: Harness, input: Partial<NewSource> = {}) {
  return addSource(h.deps, { kind: 'eventyay', name: 'Main hall', ...input }, 'cli');
}

describe('addSource', () => {
  it('generates a 43-character URL-safe secret and a 24-character base64url id', () => {
    const h = createHarness();
    const created = add(h);
    expect(created.secret).toMatch(URL_SAFE_43);
    expect(created.id).toMatch(URL_SAFE_24);
    expect(created).toMatchObject({ kind: 'eventyay', name: 'Main hall' });
    expect(secretRows(h, created.id)).toEqual([
      { id: expect.any(Number), secret: created.secret, created_at: TEST_NOW, expires_at: null },
    ]);
    expect(h.db.$client.prepare('SELECT * FROM sources').all()).toEqual([
      {
        id: created.id,
        kind: 'eventyay',
        name: 'Main hall',
        settings_json: '{}',
        status: 'active',
        created_at: TEST_NOW,
        disabled_at: null,
      },
    ]);
  });

  it('gives two sources different ids and different secrets', () => {
    const h = createHarness();
    const a = add(h);
    const b = add(h);
    expect(a.id).not.toBe(b.id);
    expect(a.secret).not.toBe(b.secret);
    expect(h.count('sources')).toBe(2);
  });

  it.each([
    ['a 16-character secret', '0123456789abcdef'],
    ['a secret with inner spaces and non-ASCII', 'clé secrète de la salle ☕'],
    ['a 512-character secret', 'x'.repeat(512)],
  ])('keeps %s exactly as chosen', (_, secret) => {
    const h = createHarness();
    const created = add(h, { secret });
    expect(created.secret).toBe(secret);
    expect(secretRows(h, created.id).map((r) => r.secret)).toEqual([secret]);
  });

  it('trims the name', () => {
    const h = createHarness();
    const created = add(h, { name: '  Main hall \t' });
    expect(created.name).toBe('Main hall');
    expect(h.count('sources', "name = 'Main hall'")).toBe(1);
  });

  it.each([
    ['the secret is under 16 characters', { secret: '0123456789abcde' }, 'secret'],
    ['the secret is over 512 characters', { secret: 'x'.repeat(513) }, 'secret'],
    ['the secret starts with a space', { secret: ` ${CHOSEN}` }, 'secret'],
    ['the secret ends with a space', { secret: `${CHOSEN} ` }, 'secret'],
    ['the secret ends with a newline', { secret: `${CHOSEN}\n` }, 'secret'],
    ['the secret holds a tab', { secret: 'a-chosen\tsecret-0123' }, 'secret'],
    ['the secret holds a NUL', { secret: 'a-chosen\u0000secret-0123' }, 'secret'],
    ['the secret holds an escape', { secret: 'a-chosen\u001bsecret-0123' }, 'secret'],
    ['the secret holds a DEL', { secret: 'a-chosen\u007fsecret-0123' }, 'secret'],
    ['the kind is unknown', { kind: 'slack' }, 'kind'],
    ['the name is empty', { name: '' }, 'name'],
    ['the name is only white space', { name: '   ' }, 'name'],
    ['the name is over 100 characters', { name: 'n'.repeat(101) }, 'name'],
  ])('rejects the input with invalid_input and writes nothing when %s', (_, input, field) => {
    const h = createHarness();
    const error = thrownBy(() => add(h, input as Partial<NewSource>));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'invalid_input', field });
    expect(writes(h)).toEqual({ sources: 0, secrets: 0, audit: 0 });
  });

  it.each([
    ['too short', '0123456789abcde'],
    ['padded with spaces', ` ${CHOSEN} `],
    ['holding a control character', 'a-chosen\u0007secret-0123'],
  ])('never echoes a rejected secret that is %s in the error', (_, secret) => {
    const h = createHarness();
    const error = thrownBy(() => add(h, { secret }));
    expect(error).toMatchObject({ code: 'invalid_input', field: 'secret' });
    expect(
      JSON.stringify({ ...(error as DomainError), message: (error as Error).message }),
    ).not.toContain(secret.trim().slice(0, 12));
  });

  it.each([
    ['a generated secret', undefined, false],
    ['a chosen secret', CHOSEN, true],
  ])('writes exactly one source.add audit entry without %s', (_, secret, chosen) => {
    const h = createHarness();
    const created = add(h, secret === undefined ? {} : { secret });
    const rows = auditRows(h);
    expect(rows).toEqual([
      {
        at: TEST_NOW,
        actor: 'cli',
        action: 'source.add',
        target_type: 'source',
        target_id: created.id,
        details_json: expect.any(String),
      },
    ]);
    expect(JSON.parse(rows[0]!.details_json)).toEqual({
      kind: 'eventyay',
      name: 'Main hall',
      secretChosen: chosen,
    });
    expect(JSON.stringify(rows)).not.toContain(created.secret);
  });
});

describe('rotateSourceSecret', () => {
  it('adds a new active secret and expires the old one 24 h from now by default', () => {
    const h = createHarness();
    const created = add(h);
    h.advance(1_000);
    const now = TEST_NOW + 1_000;
    const rotated = rotateSourceSecret(h.deps, { sourceId: created.id }, 'cli');
    expect(DEFAULT_ROTATION_GRACE_MS).toBe(24 * HOUR);
    expect(rotated).toEqual({
      sourceId: created.id,
      secret: expect.stringMatching(URL_SAFE_43),
      previousExpiresAt: now + 24 * HOUR,
    });
    expect(rotated.secret).not.toBe(created.secret);
    expect(secretRows(h, created.id)).toEqual([
      {
        id: expect.any(Number),
        secret: created.secret,
        created_at: TEST_NOW,
        expires_at: now + 24 * HOUR,
      },
      { id: expect.any(Number), secret: rotated.secret, created_at: now, expires_at: null },
    ]);
  });

  it.each([
    ['a minute', 60_000],
    ['a week', 7 * 24 * HOUR],
    ['zero', 0],
  ])('expires the old secret after a grace of %s', (_, graceMs) => {
    const h = createHarness();
    const created = add(h);
    const rotated = rotateSourceSecret(h.deps, { sourceId: created.id, graceMs }, 'cli');
    expect(rotated.previousExpiresAt).toBe(TEST_NOW + graceMs);
    expect(secretRows(h, created.id).map((r) => r.expires_at)).toEqual([TEST_NOW + graceMs, null]);
  });

  it('retires the old secret at once with a grace of 0', () => {
    const h = createHarness();
    const created = add(h);
    rotateSourceSecret(h.deps, { sourceId: created.id, graceMs: 0 }, 'cli');
    expect(listSources(h.deps)[0]).toMatchObject({ activeSecrets: 1, nextSecretExpiry: null });
  });

  it('keeps the earlier expiry of a secret that already expires sooner', () => {
    const h = createHarness();
    const created = add(h);
    rotateSourceSecret(h.deps, { sourceId: created.id, graceMs: HOUR }, 'cli');
    h.advance(10 * 60_000);
    const second = rotateSourceSecret(h.deps, { sourceId: created.id }, 'cli');
    expect(second.previousExpiresAt).toBe(TEST_NOW + 10 * 60_000 + 24 * HOUR);
    expect(secretRows(h, created.id).map((r) => r.expires_at)).toEqual([
      TEST_NOW + HOUR,
      TEST_NOW + 10 * 60_000 + 24 * HOUR,
      null,
    ]);
  });

  it('shortens a later expiry to the new grace', () => {
    const h = createHarness();
    const created = add(h);
    rotateSourceSecret(h.deps, { sourceId: created.id, graceMs: 7 * 24 * HOUR }, 'cli');
    rotateSourceSecret(h.deps, { sourceId: created.id, graceMs: 0 }, 'cli');
    expect(secretRows(h, created.id).map((r) => r.expires_at)).toEqual([TEST_NOW, TEST_NOW, null]);
  });

  it('leaves the secrets of other sources alone', () => {
    const h = createHarness();
    const a = add(h);
    const b = add(h, { name: 'Side room' });
    rotateSourceSecret(h.deps, { sourceId: a.id, graceMs: 0 }, 'cli');
    expect(secretRows(h, b.id)).toEqual([
      { id: expect.any(Number), secret: b.secret, created_at: TEST_NOW, expires_at: null },
    ]);
  });

  it('stores a chosen new secret', () => {
    const h = createHarness();
    const created = add(h);
    const rotated = rotateSourceSecret(h.deps, { sourceId: created.id, secret: CHOSEN }, 'cli');
    expect(rotated.secret).toBe(CHOSEN);
    expect(secretRows(h, created.id).map((r) => r.secret)).toEqual([created.secret, CHOSEN]);
  });

  it.each([
    ['a chosen secret is too short', { secret: 'short' }, 'secret'],
    ['a chosen secret has surrounding white space', { secret: ` ${CHOSEN} ` }, 'secret'],
    [
      'a chosen secret holds a control character',
      { secret: 'a-chosen\u0007secret-0123' },
      'secret',
    ],
    ['the grace is negative', { graceMs: -1 }, 'grace'],
    ['the grace is a fraction', { graceMs: 1.5 }, 'grace'],
    ['the grace is NaN', { graceMs: Number.NaN }, 'grace'],
    ['the grace is infinite', { graceMs: Number.POSITIVE_INFINITY }, 'grace'],
  ])('rejects with invalid_input and writes nothing when %s', (_, input, field) => {
    const h = createHarness();
    const created = add(h);
    const before = { secrets: secretRows(h, created.id), audit: auditRows(h) };
    const error = thrownBy(() =>
      rotateSourceSecret(h.deps, { sourceId: created.id, ...input }, 'cli'),
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'invalid_input', field });
    expect({ secrets: secretRows(h, created.id), audit: auditRows(h) }).toEqual(before);
  });

  it('throws not_found for an unknown source and writes nothing', () => {
    const h = createHarness();
    add(h);
    const before = writes(h);
    const error = thrownBy(() => rotateSourceSecret(h.deps, { sourceId: 'no-such-id' }, 'cli'));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'not_found' });
    expect(writes(h)).toEqual(before);
  });

  it.each([
    ['a generated', undefined],
    ['a chosen', CHOSEN],
  ])(
    'writes exactly one source.rotate_secret audit entry naming neither secret (%s one)',
    (_, secret) => {
      const h = createHarness();
      const created = add(h);
      h.advance(5_000);
      const rotated = rotateSourceSecret(
        h.deps,
        { sourceId: created.id, graceMs: HOUR, ...(secret === undefined ? {} : { secret }) },
        'admin:ana',
      );
      const rows = auditRows(h);
      expect(rows).toHaveLength(2);
      expect(rows[1]).toEqual({
        at: TEST_NOW + 5_000,
        actor: 'admin:ana',
        action: 'source.rotate_secret',
        target_type: 'source',
        target_id: created.id,
        details_json: JSON.stringify({
          previousExpiresAt: new Date(TEST_NOW + 5_000 + HOUR).toISOString(),
        }),
      });
      expect(JSON.stringify(rows)).not.toContain(created.secret);
      expect(JSON.stringify(rows)).not.toContain(rotated.secret);
    },
  );
});

describe('setSourceStatus', () => {
  it('disables an active source, stamps the time and audits it once', () => {
    const h = createHarness();
    const created = add(h);
    h.advance(2_000);
    const result = setSourceStatus(h.deps, { sourceId: created.id, status: 'disabled' }, 'cli');
    expect(result).toEqual({ changed: true });
    expect(
      h.db.$client.prepare('SELECT status, disabled_at FROM sources WHERE id = ?').get(created.id),
    ).toEqual({ status: 'disabled', disabled_at: TEST_NOW + 2_000 });
    expect(auditRows(h).slice(1)).toEqual([
      {
        at: TEST_NOW + 2_000,
        actor: 'cli',
        action: 'source.disable',
        target_type: 'source',
        target_id: created.id,
        details_json: '{}',
      },
    ]);
  });

  it('re-enables a disabled source, clears the time and audits it once', () => {
    const h = createHarness();
    const created = add(h);
    setSourceStatus(h.deps, { sourceId: created.id, status: 'disabled' }, 'cli');
    h.advance(3_000);
    const result = setSourceStatus(h.deps, { sourceId: created.id, status: 'active' }, 'cli');
    expect(result).toEqual({ changed: true });
    expect(
      h.db.$client.prepare('SELECT status, disabled_at FROM sources WHERE id = ?').get(created.id),
    ).toEqual({ status: 'active', disabled_at: null });
    expect(auditRows(h).map((r) => [r.action, r.at])).toEqual([
      ['source.add', TEST_NOW],
      ['source.disable', TEST_NOW],
      ['source.enable', TEST_NOW + 3_000],
    ]);
  });

  it('returns changed:false and writes no audit entry when disabling twice', () => {
    const h = createHarness();
    const created = add(h);
    setSourceStatus(h.deps, { sourceId: created.id, status: 'disabled' }, 'cli');
    h.advance(1_000);
    const again = setSourceStatus(h.deps, { sourceId: created.id, status: 'disabled' }, 'cli');
    expect(again).toEqual({ changed: false });
    expect(h.count('audit_log', "action = 'source.disable'")).toBe(1);
    expect(h.count('sources', `disabled_at = ${TEST_NOW}`)).toBe(1);
  });

  it('returns changed:false and writes no audit entry when enabling an active source', () => {
    const h = createHarness();
    const created = add(h);
    const result = setSourceStatus(h.deps, { sourceId: created.id, status: 'active' }, 'cli');
    expect(result).toEqual({ changed: false });
    expect(h.count('audit_log')).toBe(1);
  });

  it.each(['disabled', 'active'] as const)(
    'throws not_found for an unknown source when setting it %s',
    (status) => {
      const h = createHarness();
      add(h);
      const error = thrownBy(() =>
        setSourceStatus(h.deps, { sourceId: 'no-such-id', status }, 'cli'),
      );
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'not_found' });
      expect(h.count('audit_log')).toBe(1);
    },
  );

  it('keeps the secrets of a disabled source', () => {
    const h = createHarness();
    const created = add(h);
    setSourceStatus(h.deps, { sourceId: created.id, status: 'disabled' }, 'cli');
    expect(secretRows(h, created.id).map((r) => r.secret)).toEqual([created.secret]);
  });
});

describe('listSources', () => {
  it('returns an empty list when there are no sources', () => {
    const h = createHarness();
    expect(listSources(h.deps)).toEqual([]);
  });

  it('summarises a new source', () => {
    const h = createHarness();
    const created = add(h);
    expect(listSources(h.deps)).toEqual([
      {
        id: created.id,
        kind: 'eventyay',
        name: 'Main hall',
        status: 'active',
        createdAt: TEST_NOW,
        activeSecrets: 1,
        nextSecretExpiry: null,
        lastDeliveryAt: null,
        acceptedDeliveries: 0,
        duplicateDeliveries: 0,
        urlChecks: 0,
        rejectedDeliveries: 0,
        schemaWarnings: 0,
      },
    ]);
  });

  it('counts active secrets and the next expiry across a rotation', () => {
    const h = createHarness();
    const created = add(h);
    rotateSourceSecret(h.deps, { sourceId: created.id, graceMs: 2 * HOUR }, 'cli');
    h.advance(HOUR);
    rotateSourceSecret(h.deps, { sourceId: created.id }, 'cli');
    expect(listSources(h.deps)[0]).toMatchObject({
      activeSecrets: 3,
      nextSecretExpiry: TEST_NOW + 2 * HOUR,
    });
    h.advance(HOUR - 1);
    expect(listSources(h.deps)[0]).toMatchObject({
      activeSecrets: 3,
      nextSecretExpiry: TEST_NOW + 2 * HOUR,
    });
    h.advance(1);
    expect(listSources(h.deps)[0]).toMatchObject({
      activeSecrets: 2,
      nextSecretExpiry: TEST_NOW + HOUR + 24 * HOUR,
    });
    h.advance(24 * HOUR);
    expect(listSources(h.deps)[0]).toMatchObject({ activeSecrets: 1, nextSecretExpiry: null });
  });

  it('shows the status and keeps the creation order', () => {
    const h = createHarness();
    const first = add(h, { name: 'First' });
    h.advance(1);
    add(h, { name: 'Second' });
    setSourceStatus(h.deps, { sourceId: first.id, status: 'disabled' }, 'cli');
    expect(listSources(h.deps).map((s) => [s.name, s.status, s.createdAt])).toEqual([
      ['First', 'disabled', TEST_NOW],
      ['Second', 'active', TEST_NOW + 1],
    ]);
  });

  it('never includes a secret value anywhere in its output', () => {
    const h = createHarness();
    const generated = add(h, { name: 'Generated' });
    const chosen = add(h, { name: 'Chosen', secret: CHOSEN });
    const rotated = rotateSourceSecret(h.deps, { sourceId: generated.id }, 'cli');
    const output = JSON.stringify(listSources(h.deps));
    for (const secret of [generated.secret, chosen.secret, rotated.secret]) {
      expect(output).not.toContain(secret);
    }
    for (const summary of listSources(h.deps)) {
      expect(Object.keys(summary).sort()).toEqual(
        [
          'acceptedDeliveries',
          'activeSecrets',
          'createdAt',
          'duplicateDeliveries',
          'id',
          'kind',
          'lastDeliveryAt',
          'name',
          'nextSecretExpiry',
          'rejectedDeliveries',
          'schemaWarnings',
          'urlChecks',
          'status',
        ].sort(),
      );
    }
  });
});
