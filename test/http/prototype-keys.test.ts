import { describe, expect, it } from 'vitest';
import { isRuleKind, RULE_KIND_NAMES } from '../../src/rules/rule-kinds.ts';
import { BROWSER, postForm, signedIn, type Browser } from '../helpers/dashboard.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';

/** Names every plain object answers to without having them as its own keys. */
const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];

const HTMX = { 'hx-request': 'true' };

async function admin() {
  const h = createHarness();
  return { h, b: await signedIn(h, 'admin') };
}

const post = (h: Harness, b: Browser, path: string, fields: Record<string, string>, htmx = false) =>
  postForm(h, path, { _csrf: b.csrfToken, ...fields }, { cookie: b.cookie, ...(htmx ? HTMX : {}) });

const get = (h: Harness, b: Browser, path: string, headers: Record<string, string> = {}) =>
  h.app.request(path, { headers: { ...BROWSER, cookie: b.cookie, ...headers } });

const ruleFields = (kind: string) => ({
  kind,
  name: 'Spam',
  severity: 'high',
  action: 'flag',
  settings: '{}',
  enabled: 'on',
});

describe.each(INHERITED)('a user-supplied name %j is no key of anything', (name) => {
  it('is no rule kind: POST /rules answers 422 naming the kinds, as a page and as a fragment', async () => {
    const { h, b } = await admin();
    const rules = h.count('rules');
    for (const htmx of [false, true]) {
      const res = await post(h, b, '/rules', ruleFields(name), htmx);
      expect(res.status).toBe(422);
      expect(await res.text()).toContain(`kind: must be one of: ${RULE_KIND_NAMES.join(', ')}`);
    }
    expect(h.count('rules')).toBe(rules);
  });

  it('is no rule kind to try or show: the test box answers 422, the form comes back without an example', async () => {
    const { h, b } = await admin();
    const tried = await post(h, b, '/rules/test', { ...ruleFields(name), text: 'spam' }, true);
    expect(tried.status).toBe(422);
    expect(await tried.text()).toContain('kind: must be one of');
    const form = await get(h, b, `/rules/form?kind=${encodeURIComponent(name)}`, HTMX);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('id="rule-form"');
  });

  it('is no static file: 404', async () => {
    const h = createHarness();
    const res = await h.app.request(`/static/${encodeURIComponent(name)}`);
    expect(res.status).toBe(404);
  });

  it('is no role: adding an account or changing a role answers 422 naming the field', async () => {
    const { h, b } = await admin();
    const added = await post(h, b, '/accounts', { username: 'eve', role: name });
    expect(added.status).toBe(422);
    expect(await added.text()).toMatch(/role/);
    const changed = await post(h, b, '/accounts/1/role', { role: name });
    expect(changed.status).toBe(422);
    expect(h.count('accounts', "role = 'admin'")).toBe(1);
    expect(h.count('accounts')).toBe(1);
  });

  it('is no source kind, log or source: 422 for the form, 404 for a path', async () => {
    const { h, b } = await admin();
    const source = await post(h, b, '/sources', { kind: name, name: 'Hall' });
    expect(source.status).toBe(422);
    expect(await source.text()).toContain('kind must be one of');
    expect(h.count('sources')).toBe(0);
    expect((await get(h, b, `/export/${encodeURIComponent(name)}.csv`)).status).toBe(404);
    const hook = await h.app.request(`/hooks/${encodeURIComponent(name)}`, {
      method: 'POST',
      body: '{}',
    });
    expect(hook.status).toBe(404);
  });

  it('is no queue filter value: 422', async () => {
    const { h, b } = await admin();
    for (const query of ['severity', 'origin']) {
      expect((await get(h, b, `/?${query}=${encodeURIComponent(name)}`)).status).toBe(422);
    }
  });
});

describe('isRuleKind', () => {
  it('knows every rule kind and nothing an object inherits', () => {
    for (const kind of RULE_KIND_NAMES) expect(isRuleKind(kind)).toBe(true);
    for (const name of INHERITED) expect(isRuleKind(name)).toBe(false);
  });
});
