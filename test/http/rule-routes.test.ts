import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/account-fields.ts';
import { auditRows } from '../helpers/accounts.ts';
import { BROWSER, postForm, signedIn, type Browser } from '../helpers/dashboard.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { storeOldRule, trafficOn } from '../rules/rule-traffic.ts';

const HTMX = { 'hx-request': 'true' };

const page = async (h: Harness, b: Browser, path: string) => {
  const res = await h.app.request(path, { headers: { ...BROWSER, cookie: b.cookie } });
  return { status: res.status, html: await res.text() };
};

/** A rule form as a browser sends it, with the session's CSRF token. */
function ruleForm(b: Browser, fields: Record<string, string> = {}) {
  return {
    _csrf: b.csrfToken,
    kind: 'keyword',
    name: 'Spam',
    severity: 'high',
    action: 'flag',
    settings: '{"words":["spam"]}',
    sources: '',
    channels: '',
    enabled: 'on',
    ...fields,
  };
}

const post = (h: Harness, b: Browser, path: string, fields: Record<string, string>, htmx = false) =>
  postForm(h, path, fields, { cookie: b.cookie, ...(htmx ? HTMX : {}) });

const ruleIdNamed = (h: Harness, name: string) =>
  (
    h.db.$client.prepare('SELECT id FROM rules WHERE name = ?').get(name) as
      { id: number } | undefined
  )?.id;

describe('the rules screens', () => {
  it.each<Role>(['moderator', 'auditor'])(
    'lets a %s read rules but change nothing',
    async (role) => {
      const h = createHarness();
      const t = trafficOn(h);
      const id = t.rule({ kind: 'keyword', name: 'Spam', settings: { words: ['spam'] } });
      const b = await signedIn(h, role);
      const list = await page(h, b, '/rules');
      expect(list.status).toBe(200);
      expect(list.html).toContain(`href="/rules/${id}"`);
      expect(list.html).not.toContain('href="/rules/new"');
      const one = await page(h, b, `/rules/${id}`);
      expect(one.status).toBe(200);
      expect(one.html).toContain('Version history');
      expect(one.html).not.toContain('id="rule-form"');
      expect((await page(h, b, '/rules/new')).status).toBe(403);
      const versions = h.count('rule_versions');
      for (const [path, fields] of [
        ['/rules', ruleForm(b, { name: 'Mine' })],
        [`/rules/${id}`, ruleForm(b, { name: 'Renamed' })],
        [`/rules/${id}/enabled`, { _csrf: b.csrfToken, enabled: 'false' }],
        ['/rules/dry-run', ruleForm(b)],
      ] as const) {
        expect((await post(h, b, path, fields)).status, path).toBe(403);
      }
      expect(h.count('rule_versions')).toBe(versions);
      // The test box tries the stored rule, which writes nothing.
      const test = await post(
        h,
        b,
        '/rules/test',
        { _csrf: b.csrfToken, ruleId: String(id), text: 'buy spam' },
        true,
      );
      expect(test.status).toBe(200);
      expect(await test.text()).toContain('<mark>spam</mark>');
      // ...but not an unsaved draft: that is an admin's tool.
      expect((await post(h, b, '/rules/test', { ...ruleForm(b), text: 'spam' }, true)).status).toBe(
        403,
      );
    },
  );

  it.each<Role>(['moderator', 'auditor'])(
    'lets a %s try enabled stored rules only; disabled ones are for admins',
    async (role) => {
      const h = createHarness();
      const t = trafficOn(h);
      const off = t.rule({
        kind: 'keyword',
        name: 'Trial',
        settings: { words: ['spam'] },
        enabled: false,
      });
      const tryIt = (b: Browser) =>
        post(h, b, '/rules/test', { _csrf: b.csrfToken, ruleId: String(off), text: 'spam' }, true);
      const b = await signedIn(h, role);
      const refused = await tryIt(b);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('Only admins try disabled rules.');
      expect((await page(h, b, `/rules/${off}`)).html).toContain(
        '<p class="muted">Only admins try disabled rules.</p>',
      );
      const admin = await signedIn(h, 'admin', 'ada');
      expect((await tryIt(admin)).status).toBe(200);
    },
  );

  it('names a stored rule that needs a change on both pages; its test box says why', async () => {
    const h = createHarness();
    const id = storeOldRule(h.db.$client);
    const b = await signedIn(h, 'admin');
    const list = await page(h, b, '/rules');
    const row = list.html.slice(list.html.indexOf(`data-rule-id="${id}"`)).split('</tr>')[0]!;
    expect(row).toContain(
      '<span class="badge needs-change" title="settings.patterns.0: uses a backreference',
    );
    const one = await page(h, b, `/rules/${id}`);
    expect(one.html).toContain('This rule needs a change: it is not run until it is saved');
    const tried = await post(
      h,
      b,
      '/rules/test',
      { _csrf: b.csrfToken, ruleId: String(id), text: 'aaaaa' },
      true,
    );
    expect(tried.status).toBe(422);
    expect(await tried.text()).toContain(`rule ${id} needs a change before it can run`);
  });

  it('refuses in the dry run a pattern the linear-time engine cannot run', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin');
    const res = await post(
      h,
      b,
      '/rules/dry-run',
      ruleForm(b, { kind: 'regex', settings: '{"patterns":["(\\\\w)\\\\1"]}' }),
      true,
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('settings.patterns.0: uses a backreference');
  });

  it('lets an admin create a rule that then flags a matching delivery, audited', async () => {
    const h = createHarness();
    const t = trafficOn(h);
    const b = await signedIn(h, 'admin');
    const res = await post(h, b, '/rules', ruleForm(b, { name: 'Spam <b>' }), true);
    expect(res.status).toBe(204);
    const id = ruleIdNamed(h, 'Spam <b>')!;
    expect(res.headers.get('hx-redirect')).toMatch(new RegExp(`^/rules/${id}\\?done=`));
    expect(auditRows(h).at(-1)).toMatchObject({
      actor: `account:${b.username}`,
      action: 'rule.add',
      target_id: String(id),
    });
    await t.post('cheap spam here');
    expect(t.flagsOf(id)).toBe(1);
    const shown = await page(h, b, `/rules/${id}`);
    expect(shown.html).toContain('Spam &lt;b&gt;');
    expect(shown.html).not.toContain('Spam <b>');
    const list = await page(h, b, '/rules');
    expect(list.html).toContain('>Spam &lt;b&gt;</a>');
    expect(list.html).not.toContain('Spam <b>');
  });

  it('answers bad settings with 422 and the error under the field, in place', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin');
    const rules = h.count('rules');
    const res = await post(
      h,
      b,
      '/rules',
      ruleForm(b, { kind: 'regex', settings: '{"patterns":["(unclosed"]}' }),
      true,
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/^<form id="rule-form"/);
    expect(html).toMatch(
      /<p class="error field-error" role="alert" data-field="settings">settings\.patterns\.0: is not a valid regular expression/,
    );
    expect(html).toContain('(unclosed'); // the form comes back as typed
    const json = await post(h, b, '/rules', ruleForm(b, { settings: '{words' }), true);
    expect(json.status).toBe(422);
    expect(await json.text()).toContain('data-field="settings">settings: is not valid JSON');
    const name = await post(h, b, '/rules', ruleForm(b, { name: ' ' }), true);
    expect(await name.text()).toContain('data-field="name">name: must not be empty');
    const scope = await post(h, b, '/rules', ruleForm(b, { sources: 'no-such-source' }));
    expect(scope.status).toBe(422);
    expect(await scope.text()).toContain('data-field="sources">scope.sources: no source');
    expect(h.count('rules')).toBe(rules);
  });

  it('saves an edit as a new version and shows both in the history', async () => {
    const h = createHarness();
    const t = trafficOn(h);
    const id = t.rule({
      kind: 'keyword',
      name: 'Spam',
      severity: 'low',
      settings: { words: ['spam'] },
    });
    const b = await signedIn(h, 'admin');
    h.advance(60_000);
    const res = await post(
      h,
      b,
      `/rules/${id}`,
      ruleForm(b, { severity: 'high', settings: '{"words":["spam","scam"]}' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/rules/${id}?done=rule-saved.2`);
    expect((await page(h, b, `/rules/${id}?done=rule-saved.2`)).html).toContain(
      'Saved as version 2.',
    );
    const again = await post(
      h,
      b,
      `/rules/${id}`,
      ruleForm(b, { severity: 'high', settings: '{"words":["spam","scam"]}' }),
    );
    expect(again.headers.get('location')).toBe(`/rules/${id}?done=rule-unchanged`);
    const { html } = await page(h, b, `/rules/${id}`);
    expect(html).toContain('data-version="2"');
    expect(html).toContain('data-version="1"');
    expect(html).toContain('severity: low → high; settings');
    // Who made the version, by name (the stored actor is account:<name>).
    expect(html).toContain(`<td data-label="By">${b.username}</td>`);
    expect(html).not.toContain(`account:${b.username}`);
    expect(html.indexOf('data-version="2"')).toBeLessThan(html.indexOf('data-version="1"'));
    expect(auditRows(h).at(-1)).toMatchObject({ action: 'rule.edit', target_id: String(id) });
    // Disabling is a version too; the kind cannot be changed by the form.
    const off = await post(h, b, `/rules/${id}/enabled`, { _csrf: b.csrfToken, enabled: 'false' });
    expect(off.headers.get('location')).toBe(`/rules/${id}?done=rule-switched.disabled.3`);
    expect(h.count('rules', `id = ${id} AND enabled = 0 AND kind = 'keyword'`)).toBe(1);
    await post(
      h,
      b,
      `/rules/${id}`,
      ruleForm(b, { kind: 'regex', severity: 'high', settings: '{"words":["spam","scam"]}' }),
    );
    expect(h.count('rules', `id = ${id} AND kind = 'keyword' AND version = 3`)).toBe(1);
    expect((await page(h, b, '/rules/99999')).status).toBe(404);
    expect((await post(h, b, '/rules/99999', ruleForm(b))).status).toBe(404);
    // A refused edit comes back as the edit form, in place, and saves nothing.
    const refused = await post(h, b, `/rules/${id}`, ruleForm(b, { severity: 'extreme' }), true);
    expect(refused.status).toBe(422);
    const form = await refused.text();
    expect(form).toContain(`action="/rules/${id}"`);
    expect(form).toContain('data-field="severity">severity:');
    expect(h.count('rules', `id = ${id} AND version = 3`)).toBe(1);
  });

  it('shows hits in the last 24 h and precision from seeded flags and decisions', async () => {
    const h = createHarness();
    const t = trafficOn(h);
    const spam = t.rule({ kind: 'keyword', name: 'Spam', settings: { words: ['spam'] } });
    const quiet = t.rule({ kind: 'keyword', name: 'Quiet', settings: { words: ['zzz'] } });
    const old = await t.post('old spam');
    t.decide(old, 'approve');
    h.advance(25 * 3_600_000);
    const ids = [await t.post('spam 1'), await t.post('spam 2'), await t.post('spam 3')];
    t.decide(ids[0]!, 'reject');
    t.decide(ids[1]!, 'reject');
    t.decide(ids[2]!, 'reject');
    const b = await signedIn(h, 'moderator');
    const { html } = await page(h, b, '/rules');
    const row = (id: number) => html.slice(html.indexOf(`data-rule-id="${id}"`)).split('</tr>')[0]!;
    expect(row(spam)).toContain('<td data-label="Hits (24 h)" class="hits">3</td>');
    expect(row(spam)).toContain('75% <span class="muted">(3 rejected, 1 approved)</span>');
    expect(row(quiet)).toContain('<td data-label="Hits (24 h)" class="hits">0</td>');
    expect(row(quiet)).toContain('n/a');
    expect(html).not.toContain('href="/rules/new"'); // a moderator reads only
    const one = await page(h, b, `/rules/${spam}`);
    expect(one.html).toContain('<dd class="hits">3</dd>');
  });

  it('tests a text against the draft in the form: match, span and transformations', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin');
    const res = await post(
      h,
      b,
      '/rules/test',
      ruleForm(b, { name: '', text: 'buy ЅРАМ <now>' }),
      true,
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('buy <mark>ЅРАМ</mark> &lt;now&gt;');
    expect(html).toContain('<code class="matched"><bdi>ЅРАМ</bdi></code> at 4–8');
    expect(html).toMatch(/<dd class="transformations">[^<]*confusable_fold/);
    const none = await post(h, b, '/rules/test', ruleForm(b, { text: 'all fine' }), true);
    expect(await none.text()).toContain('No match.');
    const bad = await post(
      h,
      b,
      '/rules/test',
      ruleForm(b, { kind: 'regex', settings: '{"patterns":["(?<=buy )now"]}', text: 'x' }),
      true,
    );
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain(
      'settings.patterns.0: uses lookbehind &quot;(?&lt;=…)&quot;: patterns run on a linear-time engine (RE2), which has no lookaround',
    );
    // Without JavaScript the whole page comes back with the result in it.
    const full = await post(h, b, '/rules/test', ruleForm(b, { text: 'spam' }));
    expect(full.status).toBe(200);
    const fullHtml = await full.text();
    expect(fullHtml).toContain('<h1>New rule</h1>');
    expect(fullHtml).toContain('<mark>spam</mark>');
  });

  it('dry-runs a draft over stored messages: count and escaped samples', async () => {
    const h = createHarness();
    const t = trafficOn(h);
    await t.post('spam <script>alert(1)</script>');
    h.advance(8 * 86_400_000);
    await t.post('spam one');
    await t.post('nothing');
    await t.post('more spam');
    const b = await signedIn(h, 'admin');
    const flags = h.count('flags');
    const res = await post(h, b, '/rules/dry-run', ruleForm(b), true);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(
      'Would flag <strong class="would-flag">2</strong> of <span class="examined">3</span>',
    );
    expect(html).toContain('more <mark>spam</mark>');
    expect(html).not.toContain('capped');
    const month = await (
      await post(h, b, '/rules/dry-run', ruleForm(b, { days: '30' }), true)
    ).text();
    expect(month).toContain('<strong class="would-flag">3</strong>');
    expect(month).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(month).not.toContain('<script>alert');
    const tooLong = await post(h, b, '/rules/dry-run', ruleForm(b, { days: '31' }), true);
    expect(tooLong.status).toBe(422);
    expect(await tooLong.text()).toContain('days: must be a whole number from 1 to 30');
    expect(h.count('flags')).toBe(flags); // a dry run writes nothing
    expect(html).not.toContain('saved-hits'); // a new rule has no figures to compare with
    expect(h.count('rules', "kind = 'keyword'")).toBe(0);
  });

  it("dry-runs an edit beside the saved rule's own flags in the window", async () => {
    const h = createHarness();
    const t = trafficOn(h);
    const id = t.rule({ kind: 'keyword', name: 'Spam', settings: { words: ['spam'] } });
    await t.post('spam and scam');
    await t.post('only scam');
    await t.post('nothing');
    const b = await signedIn(h, 'admin');
    const edit = ruleForm(b, { ruleId: String(id), settings: '{"words":["spam","scam"]}' });
    const html = await (await post(h, b, '/rules/dry-run', edit, true)).text();
    expect(html).toContain('<strong class="would-flag">2</strong>');
    expect(html).toContain('The saved rule raised <strong>1</strong> flag in the same 7 days.');
  });

  it('refuses a change without the CSRF token', async () => {
    const h = createHarness();
    const t = trafficOn(h);
    const id = t.rule({ kind: 'keyword', name: 'Spam', settings: { words: ['spam'] } });
    const b = await signedIn(h, 'admin');
    const { _csrf: _, ...noToken } = ruleForm(b);
    expect((await post(h, b, '/rules', noToken)).status).toBe(403);
    expect((await post(h, b, `/rules/${id}/enabled`, { enabled: 'false' })).status).toBe(403);
    expect(
      (await post(h, b, `/rules/${id}`, { ...ruleForm(b), _csrf: 'x'.repeat(43) })).status,
    ).toBe(403);
    expect(h.count('rules', `id = ${id} AND enabled = 1 AND version = 1`)).toBe(1);
  });

  it('swaps in the example settings when the kind changes on a new rule', async () => {
    const h = createHarness();
    const b = await signedIn(h, 'admin');
    const res = await h.app.request(
      '/rules/form?kind=link&settings=%7B%22words%22%3A%5B%22spam%22%2C%22sp*m%22%5D%2C%22match%22%3A%22word%22%2C%22allow%22%3A%5B%5D%2C%22leet%22%3Afalse%7D',
      {
        headers: { cookie: b.cookie, ...HTMX },
      },
    );
    const html = await res.text();
    expect(html).toContain('&quot;mode&quot;: &quot;block&quot;');
    expect(html).toContain('Keys for link: mode, domains');
  });
});
