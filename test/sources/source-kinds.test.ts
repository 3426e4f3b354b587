import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/errors.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { rotateSourceSecret } from '../../src/sources/rotate-source-secret.ts';
import {
  generateSecretFor,
  parseSourceSettings,
  secretProblem,
  standardWebhooksKey,
} from '../../src/sources/source-kinds.ts';
import { cli, readDb, tempDbPath } from '../helpers/run-cli.ts';
import { createHarness } from '../helpers/harness.ts';

const FIELDS = { id: '/id', text: '/text' };

function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

describe('source kinds', () => {
  it('creates a source of every kind with its settings stored as JSON, defaults filled in', () => {
    const h = createHarness();
    const secret = 'a-chosen-secret-of-enough-length';
    const created = [
      addSource(h.deps, { kind: 'eventyay', name: 'e' }, 'test'),
      addSource(h.deps, { kind: 'stream', name: 's', secret }, 'test'),
      addSource(h.deps, { kind: 'barertc', name: 'b' }, 'test'),
      addSource(h.deps, { kind: 'hmac', name: 'h', settings: { fields: FIELDS } }, 'test'),
      addSource(
        h.deps,
        { kind: 'standard-webhooks', name: 'w', settings: { fields: FIELDS } },
        'test',
      ),
    ];
    const stored = h.db.$client
      .prepare('SELECT kind, settings_json FROM sources ORDER BY name')
      .all();
    expect(stored).toEqual([
      { kind: 'barertc', settings_json: '{}' },
      { kind: 'eventyay', settings_json: '{}' },
      {
        kind: 'hmac',
        settings_json: JSON.stringify({
          signatureHeader: 'x-signature',
          prefix: '',
          encoding: 'hex',
          scheme: 'hmac-sha256',
          messageEvents: [],
          fields: FIELDS,
        }),
      },
      {
        kind: 'stream',
        settings_json: JSON.stringify({
          blockText: 'this message did not meet our content guidelines',
        }),
      },
      { kind: 'standard-webhooks', settings_json: JSON.stringify({ fields: FIELDS }) },
    ]);
    expect(created[4]!.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(standardWebhooksKey(created[4]!.secret)).toHaveLength(24);
  });

  it.each([
    ['hmac without a field mapping', { kind: 'hmac' }, 'settings.fields'],
    [
      'hmac with a bad pointer',
      { kind: 'hmac', settings: { fields: { id: 'id', text: '/t' } } },
      'settings.fields.id',
    ],
    [
      'hmac with an unknown encoding',
      { kind: 'hmac', settings: { encoding: 'b32', fields: FIELDS } },
      'settings.encoding',
    ],
    [
      'hmac with an unknown scheme',
      { kind: 'hmac', settings: { scheme: 'md5', fields: FIELDS } },
      'settings.scheme',
    ],
    ['eventyay with settings', { kind: 'eventyay', settings: { x: 1 } }, 'settings'],
    ['stream without its API secret', { kind: 'stream' }, 'secret'],
    [
      'standard-webhooks with a secret not whsec_',
      {
        kind: 'standard-webhooks',
        secret: 'a-chosen-secret-of-enough-length',
        settings: { fields: FIELDS },
      },
      'secret',
    ],
  ])('refuses %s, naming the field', (_, input, field) => {
    const h = createHarness();
    const error = thrownBy(() => addSource(h.deps, { name: 'x', ...input } as never, 'test'));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'invalid_input', field });
    expect(h.count('sources')).toBe(0);
  });

  it('rotates a standard-webhooks secret to a new whsec_ one, and a stream one only to a given one', () => {
    const h = createHarness();
    const w = addSource(
      h.deps,
      { kind: 'standard-webhooks', name: 'w', settings: { fields: FIELDS } },
      'test',
    );
    expect(rotateSourceSecret(h.deps, { sourceId: w.id }, 'test').secret).toMatch(/^whsec_/);
    const s = addSource(
      h.deps,
      { kind: 'stream', name: 's', secret: 'stream-secret-0123456789' },
      'test',
    );
    expect(thrownBy(() => rotateSourceSecret(h.deps, { sourceId: s.id }, 'test'))).toMatchObject({
      field: 'secret',
    });
    const secret = 'stream-secret-rotated-0123456789';
    expect(rotateSourceSecret(h.deps, { sourceId: s.id, secret }, 'test').secret).toBe(secret);
  });

  it('parses whsec_ secrets strictly', () => {
    expect(standardWebhooksKey(generateSecretFor('standard-webhooks'))).not.toBeNull();
    expect(standardWebhooksKey('whsec_c2hvcnQ=')).toBeNull(); // 5 bytes
    expect(standardWebhooksKey('whsec_not base64!')).toBeNull();
    expect(standardWebhooksKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBeNull();
    expect(secretProblem('standard-webhooks', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBeNull();
    expect(parseSourceSettings('hmac', { fields: FIELDS, signatureHeader: 'X Bad' }).ok).toBe(
      false,
    );
  });
});

describe('modhook source add (other kinds)', () => {
  it('takes --settings as JSON and warns on stderr about the legacy scheme', async () => {
    const db = tempDbPath();
    const settings = JSON.stringify({
      signatureHeader: 'X-IHF-Signature',
      prefix: 'sha256=',
      scheme: 'legacy-prefix-hash',
      eventHeader: 'X-IHF-Event',
      fields: FIELDS,
    });
    const { code, stdout, stderr } = await cli([
      '--db',
      db,
      'source',
      'add',
      '--kind',
      'hmac',
      '--name',
      'IHF',
      '--settings',
      settings,
      '--json',
    ]);
    expect(code).toBe(0);
    expect(Object.keys(JSON.parse(stdout) as object).sort()).toEqual([
      'id',
      'kind',
      'name',
      'secret',
      'url',
    ]);
    expect(stderr).toContain('WARNING: this source uses the legacy-prefix-hash scheme');
    const [row] = readDb<{ settings_json: string }>(db, 'SELECT settings_json FROM sources');
    expect(JSON.parse(row!.settings_json)).toMatchObject({
      scheme: 'legacy-prefix-hash',
      signatureHeader: 'x-ihf-signature',
    });
  });

  it('prints no warning for the default scheme, and refuses settings that are not JSON', async () => {
    const db = tempDbPath();
    const ok = await cli([
      '--db',
      db,
      'source',
      'add',
      '--kind',
      'hmac',
      '--name',
      'x',
      '--settings',
      JSON.stringify({ fields: FIELDS }),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('');
    const bad = await cli([
      '--db',
      db,
      'source',
      'add',
      '--kind',
      'hmac',
      '--name',
      'y',
      '--settings',
      '{',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--settings must be JSON');
  });

  it('refuses a stream source without --secret', async () => {
    const db = tempDbPath();
    const { code, stderr } = await cli([
      '--db',
      db,
      'source',
      'add',
      '--kind',
      'stream',
      '--name',
      's',
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('needs its secret given');
  });
});
