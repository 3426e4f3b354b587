import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/account-fields.ts';
import { auditRows } from '../helpers/accounts.ts';
import { BROWSER, postForm, signedIn, type Browser } from '../helpers/dashboard.ts';
import { eventyayFixtures, eventyaySignature, fixture, textPayload } from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postHook, postSigned } from '../helpers/webhook-request.ts';

const HOUR = 3_600_000;
const HTMX = { 'hx-request': 'true' };
const SECRET = eventyayFixtures.secret;

async function setup() {
  const h = createHarness({ publicUrl: 'https://mod.example.org' });
  const { id } = addFixtureSource(h);
  const f = fixture('text-hostile');
  await postHook(h, id, f.body, f.signature);
  await postHook(h, id, f.body, 'sha256=' + '0'.repeat(64));
  return { h, id };
}

const get = (h: Harness, path: string, b: Browser) =>
  h.app.request(path, { headers: { ...BROWSER, cookie: b.cookie } });

const post = (
  h: Harness,
  path: string,
  b: Browser,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) => postForm(h, path, { _csrf: b.csrfToken, ...fields }, { cookie: b.cookie, ...headers });

/** Posts a body signed with the fixtures' secret. */
const postBody = (h: Harness, id: string, body: string) =>
  postHook(h, id, body, eventyaySignature(body, SECRET));

/** The value of the read-only copy field with this id (a secret shown once, or a URL). */
function fieldValue(html: string, id: string): string | undefined {
  return new RegExp(`id="${id}"[^>]*value="([^"]*)"`).exec(html)?.[1];
}

function secretsOf(h: Harness, sourceId: string) {
  return h.db.$client
    .prepare('SELECT id, secret, expires_at FROM source_secrets WHERE source_id = ? ORDER BY id')
    .all(sourceId) as { id: number; secret: string; expires_at: number | null }[];
}

function lastDelivery(h: Harness) {
  return h.db.$client
    .prepare('SELECT outcome, reason, status, secret_id FROM deliveries ORDER BY id DESC')
    .get() as { outcome: string; reason: string | null; status: number; secret_id: number | null };
}

describe('the sources list', () => {
  it('lists sources with their URL, status and counts, never a secret', async () => {
    const { h, id } = await setup();
    const b = await signedIn(h, 'admin');
    const html = await (await get(h, '/sources', b)).text();
    expect(html).toContain(`https://mod.example.org/hooks/${id}`);
    expect(html).toContain('class="source active"');
    expect(html).toMatch(
      /<td data-label="Accepted">1<\/td><td data-label="Rejected">1<\/td><\/tr>/,
    ); // 1 accepted, 1 rejected
    expect(html).toContain('id="new-source"');
    expect(html).not.toContain(SECRET);
  });

  it('counts requests to URLs with no source', async () => {
    const { h } = await setup();
    await postHook(h, 'no-such-source', '{}', null);
    const b = await signedIn(h, 'admin');
    const html = await (await get(h, '/sources', b)).text();
    expect(html).toContain('Requests to URLs with no source (unknown source): 1');
  });
});

describe('creating a source', () => {
  it('shows the URL and the secret once (htmx), audited, and never again', async () => {
    const h = createHarness({ publicUrl: 'https://mod.example.org' });
    const b = await signedIn(h, 'admin');
    const res = await post(h, '/sources', b, { kind: 'eventyay', name: 'Hall <B>' }, HTMX);
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).not.toContain('<html');
    const { id } = h.db.$client.prepare('SELECT id FROM sources').get() as { id: string };
    const [stored] = secretsOf(h, id);
    expect(fieldValue(html, 'new-url')).toBe(`https://mod.example.org/hooks/${id}`);
    expect(fieldValue(html, 'new-secret')).toBe(stored!.secret);
    expect(html).toContain('webhook HMAC secret');
    expect(html).toContain('Hall &lt;B&gt;');
    expect(html).toContain('hx-swap-oob="true"'); // the list updates too
    expect(auditRows(h).map((r) => [r.action, r.actor, r.target_id])).toEqual([
      ['source.add', 'account:admin1', id],
    ]);
    expect(auditRows(h)[0]!.details_json).not.toContain(stored!.secret);
    for (const path of ['/sources', `/sources/${id}`]) {
      const page = await (await get(h, path, b)).text();
      expect(page).toContain('Hall &lt;B&gt;');
      expect(page).not.toContain(stored!.secret);
    }
    // The URL and secret work as shown.
    expect((await postSigned(h, id, textPayload(), stored!.secret)).status).toBe(200);
  });

  it('shows the secret in a whole page without htmx', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin');
    const res = await post(h, '/sources', b, { kind: 'eventyay', name: 'Hall' });
    expect(res.status).toBe(201);
    const html = await res.text();
    expect(html).toContain('<html');
    const { id } = h.db.$client.prepare('SELECT id FROM sources').get() as { id: string };
    expect(fieldValue(html, 'new-secret')).toBe(secretsOf(h, id)[0]!.secret);
  });

  it.each([
    [{ kind: 'eventyay', name: '  ' }, 'name', 'name must not be empty'],
    [{ kind: 'telegram', name: 'Hall' }, 'kind', 'kind must be one of'],
    [{ kind: 'eventyay', name: 'x'.repeat(101) }, 'name', 'at most 100 characters'],
    [{ kind: 'eventyay', name: 'Hall', secret: 'short' }, 'secret', 'at least 16 characters'],
    [{ kind: 'stream', name: 'App' }, 'secret', 'needs its secret given'],
    [{ kind: 'hmac', name: 'H', settings: '{nope' }, 'settings', 'settings must be JSON'],
    [{ kind: 'hmac', name: 'H', settings: '{}' }, 'settings', 'settings.fields'],
  ])('answers %j with 422 and the error at its field', async (fields, field, message) => {
    const h = createHarness();
    const b = await signedIn(h, 'admin');
    const res = await post(h, '/sources', b, fields, HTMX);
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/^<form id="new-source"/);
    expect(html).toMatch(new RegExp(`id="new-source-${field}-error"[^>]*>[^<]*${message}`));
    expect(html).toContain('data-swap-invalid');
    if ('secret' in fields) expect(html).not.toContain(`value="${fields.secret}"`);
    expect(h.count('sources')).toBe(0);
    expect(h.count('audit_log')).toBe(0);
  });

  it('keeps what was typed when it refuses, and reports every bad field at once', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin');
    const res = await post(h, '/sources', b, { kind: 'nope', name: '', settings: '{"a":1}' }, HTMX);
    const html = await res.text();
    expect(html).toContain('id="new-source-kind-error"');
    expect(html).toContain('id="new-source-name-error"');
    expect(html).toContain('{&quot;a&quot;:1}</textarea>');
  });

  it('answers a refused create without htmx with the whole page, 422', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin');
    const res = await post(h, '/sources', b, { kind: 'eventyay', name: '' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('<html');
    expect(html).toContain('id="new-source-name-error"');
  });

  it('refuses a post without the CSRF token', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin');
    const res = await postForm(
      h,
      '/sources',
      { kind: 'eventyay', name: 'Hall' },
      { cookie: b.cookie },
    );
    expect(res.status).toBe(403);
    expect(h.count('sources')).toBe(0);
  });
});

describe('rotating a secret', () => {
  it('keeps both secrets accepted until the chosen expiry, and shows the new one once', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const b = await signedIn(h, 'admin');
    const res = await post(h, `/sources/${id}/rotate`, b, { grace: '1h' }, HTMX);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/^<div id="secrets"/);
    const [old, fresh] = secretsOf(h, id);
    expect(fieldValue(html, 'rotated-secret')).toBe(fresh!.secret);
    expect(old!.expires_at).toBe(h.deps.now() + HOUR);
    expect(auditRows(h).at(-1)!.action).toBe('source.rotate_secret');

    h.advance(HOUR - 1000);
    const payload = (n: number) => textPayload({ message_id: n });
    expect((await postSigned(h, id, payload(1), SECRET)).status).toBe(200);
    expect(lastDelivery(h).secret_id).toBe(old!.id);
    expect((await postSigned(h, id, payload(2), fresh!.secret)).status).toBe(200);
    expect(lastDelivery(h).secret_id).toBe(fresh!.id);

    // The page lists both, with when each last matched, and neither value.
    const page = await (await get(h, `/sources/${id}`, b)).text();
    for (const k of [old!, fresh!]) {
      expect(page).toMatch(
        new RegExp(
          `data-secret-id="${k.id}">.*?<td data-label="Last matched"><time[^>]*>[^<]*</time></td></tr>`,
        ),
      );
      expect(page).not.toContain(k.secret);
    }

    h.advance(1000);
    expect((await postSigned(h, id, payload(3), SECRET)).status).toBe(401);
    expect((await postSigned(h, id, payload(4), fresh!.secret)).status).toBe(200);
    const after = await (await get(h, `/sources/${id}`, b)).text();
    expect(after).toContain(`class="secret expired" data-secret-id="${old!.id}"`);
  });

  it('stops the old secret at once when told "now"', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const b = await signedIn(h, 'admin');
    const res = await post(h, `/sources/${id}/rotate`, b, { grace: 'now' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<html');
    expect((await postSigned(h, id, textPayload(), SECRET)).status).toBe(401);
  });

  it('answers an unknown grace with 422 in the panel, and rotates nothing', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const b = await signedIn(h, 'admin');
    const res = await post(h, `/sources/${id}/rotate`, b, { grace: '99y' }, HTMX);
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(/^<div id="secrets"[\s\S]*role="alert"/);
    expect(secretsOf(h, id)).toHaveLength(1);
  });

  it('answers 404 for an unknown source', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin');
    expect((await post(h, '/sources/nope/rotate', b, { grace: '1h' })).status).toBe(404);
  });
});

describe('disabling a source', () => {
  it('makes its hook answer 404 until enabled again, audited', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const b = await signedIn(h, 'admin');
    expect((await postSigned(h, id, textPayload({ message_id: 1 }), SECRET)).status).toBe(200);
    const res = await post(h, `/sources/${id}/status`, b, { status: 'disabled' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(new RegExp(`^/sources/${id}\\?done=`));
    expect((await postSigned(h, id, textPayload({ message_id: 2 }), SECRET)).status).toBe(404);
    expect((await h.app.request(`/hooks/${id}?challenge=abc`)).status).toBe(404);
    const page = await (await get(h, res.headers.get('location')!, b)).text();
    expect(page).toContain('Source disabled');
    expect(page).toContain('Enable source');
    expect(page).not.toContain('/test-delivery"');

    await post(h, `/sources/${id}/status`, b, { status: 'active' });
    expect((await postSigned(h, id, textPayload({ message_id: 3 }), SECRET)).status).toBe(200);
    expect(auditRows(h).map((r) => r.action)).toEqual([
      'source.add',
      'source.disable',
      'source.enable',
    ]);
  });

  it('asks again before disabling', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const b = await signedIn(h, 'admin');
    const page = await (await get(h, `/sources/${id}`, b)).text();
    expect(page).toMatch(/<details class="status-form"><summary>Disable this source…/);
  });

  it('answers 422 for an unknown status', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const b = await signedIn(h, 'admin');
    expect((await post(h, `/sources/${id}/status`, b, { status: 'gone' })).status).toBe(422);
  });
});

describe('a test delivery', () => {
  it('goes through the real webhook path and shows as accepted, audited', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const b = await signedIn(h, 'admin');
    const res = await post(h, `/sources/${id}/test-delivery`, b, {});
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toBe(`/sources/${id}?done=test-delivery.accepted.200`);
    expect(lastDelivery(h)).toEqual({
      outcome: 'accepted',
      reason: null,
      status: 200,
      secret_id: secretsOf(h, id)[0]!.id,
    });
    const message = h.db.$client.prepare('SELECT screen_name, text FROM messages').get() as {
      screen_name: string;
      text: string;
    };
    expect(message.screen_name).toBe('modhook test');
    expect(message.text).toContain('sent by admin1. Ça marche 👍');
    const page = await (await get(h, location, b)).text();
    expect(page).toContain('class="delivery accepted"');
    expect(page).toContain('Test delivery accepted');
    const audit = auditRows(h).at(-1)!;
    expect([audit.action, audit.actor, audit.target_id]).toEqual([
      'source.test_delivery',
      'account:admin1',
      id,
    ]);
    expect(JSON.parse(audit.details_json)).toMatchObject({ outcome: 'accepted', status: 200 });
  });

  it('is refused for a disabled source', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const b = await signedIn(h, 'admin');
    await post(h, `/sources/${id}/status`, b, { status: 'disabled' });
    expect((await post(h, `/sources/${id}/test-delivery`, b, {})).status).toBe(409);
    expect(h.count('deliveries')).toBe(0);
  });
});

describe('the deliveries list', () => {
  it("shows a source's deliveries with reasons, and an accepted body escaped", async () => {
    const { h, id } = await setup();
    const b = await signedIn(h, 'admin');
    const list = await (await get(h, `/sources/${id}?outcome=rejected`, b)).text();
    expect(list).toContain('bad signature');
    expect(list).toContain('signature_mismatch');
    expect(list).not.toContain('class="delivery accepted"');
    expect(list).toContain('class="delivery rejected"');
    const deliveryId = (
      h.db.$client.prepare("SELECT id FROM deliveries WHERE outcome = 'accepted'").get() as {
        id: number;
      }
    ).id;
    const body = await (await get(h, `/sources/${id}?body=${deliveryId}`, b)).text();
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain('<script>alert(1)');
    expect(body).not.toContain(SECRET);
  });

  const schemaError = JSON.stringify({ ...textPayload(), message_id: 'x' });
  it.each([
    [
      'bad signature',
      (h: Harness, id: string) => postHook(h, id, '{}', `sha256=${'1'.repeat(64)}`),
    ],
    ['no signature', (h: Harness, id: string) => postHook(h, id, '{}', null)],
    ['invalid JSON', (h: Harness, id: string) => postBody(h, id, '{not json')],
    ['schema error', (h: Harness, id: string) => postBody(h, id, schemaError)],
    ['too large', (h: Harness, id: string) => postBody(h, id, 'x'.repeat(70_000))],
    [
      'duplicate',
      async (h: Harness, id: string) => {
        await postSigned(h, id, textPayload(), SECRET);
        return postSigned(h, id, textPayload(), SECRET);
      },
    ],
  ])('names the reason "%s"', async (words, send) => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    await send(h, id);
    const b = await signedIn(h, 'admin');
    const html = await (await get(h, `/sources/${id}`, b)).text();
    expect(html).toContain(`<td data-label="Reason" class="reason">${words}`);
  });

  it('names the field of a schema error, and the secret that matched', async () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    await postBody(h, id, schemaError);
    await postSigned(h, id, textPayload(), SECRET);
    const b = await signedIn(h, 'admin');
    const html = await (await get(h, `/sources/${id}`, b)).text();
    expect(html).toMatch(/schema error[^]*message_id/);
    expect(html).toContain(`<td data-label="Secret">#${secretsOf(h, id)[0]!.id}</td>`);
    expect(html).toContain('Rejected requests, all time');
  });
});

describe('who may use the sources screens', () => {
  const routes = (id: string): [string, string, Record<string, string>?][] => [
    ['GET', '/sources'],
    ['GET', `/sources/${id}`],
    ['POST', '/sources', { kind: 'eventyay', name: 'Sneaky' }],
    ['POST', `/sources/${id}/rotate`, { grace: 'now' }],
    ['POST', `/sources/${id}/status`, { status: 'disabled' }],
    ['POST', `/sources/${id}/test-delivery`, {}],
  ];

  it.each<Role>(['moderator', 'auditor'])('answers a %s 403 on every route', async (role) => {
    const { h, id } = await setup();
    const b = await signedIn(h, role);
    const before = { secrets: h.count('source_secrets'), deliveries: h.count('deliveries') };
    for (const [method, path, fields] of routes(id)) {
      const res = method === 'GET' ? await get(h, path, b) : await post(h, path, b, fields!);
      expect([method, path, res.status]).toEqual([method, path, 403]);
    }
    expect(h.count('sources')).toBe(1);
    expect(h.count('sources', "status = 'active'")).toBe(1);
    expect({
      secrets: h.count('source_secrets'),
      deliveries: h.count('deliveries'),
    }).toEqual(before);
    expect(h.count('audit_log', "action != 'source.add'")).toBe(0);
  });

  it('sends a signed-out browser to sign in', async () => {
    const { h, id } = await setup();
    const res = await h.app.request(`/sources/${id}`, { headers: BROWSER });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('/login');
  });
});
