import { describe, expect, it } from 'vitest';
import { signedIn } from './helpers/dashboard.ts';
import { createHarness } from './helpers/harness.ts';

describe('createApp', () => {
  it('answers /healthz with 200 while the database answers', async () => {
    const h = createHarness();
    const res = await h.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('answers /healthz with 503 when the database is gone', async () => {
    const closed = createHarness();
    closed.db.$client.close();
    // The harness closes it again at the end; reopen-safe because close() is idempotent.
    const down = await closed.app.request('/healthz');
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ error: { code: 'database_unavailable' } });
  });

  it('serves a start page that tells how to register a source, with a strict CSP', async () => {
    const h = createHarness({ publicUrl: 'https://mod.example.org' });
    const { cookie } = await signedIn(h);
    const res = await h.app.request('/', { headers: { cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('https://mod.example.org/hooks/&lt;source id&gt;');
    expect(html).toContain('npx modhook source add');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves its stylesheet', async () => {
    const h = createHarness();
    const res = await h.app.request('/static/app.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('asks a visitor to sign in before the start page', async () => {
    const h = createHarness();
    const res = await h.app.request('/', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
  });

  it('answers unknown paths with a JSON 404 that names the path', async () => {
    const h = createHarness();
    const res = await h.app.request('/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'nothing at /nope' } });
  });
});
