import { parse } from 'csv-parse/sync';
import { describe, expect, it, vi } from 'vitest';
import { exportSlotsOf } from '../../src/export/export-slots.ts';
import { languageDetectionSettled } from '../../src/language/detect-language.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { BROWSER, signedIn } from '../helpers/dashboard.ts';
import { createHarness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

async function setup() {
  const h = createHarness();
  const { id } = addFixtureSource(h);
  await postSigned(
    h,
    id,
    textPayload({ message_id: 1, message: 'hello' }),
    eventyayFixtures.secret,
  );
  await postSigned(
    h,
    id,
    textPayload({ message_id: 2, message: 'mail a@example.org' }),
    eventyayFixtures.secret,
  );
  return h;
}

describe('GET /export/:kind.csv', () => {
  it('streams the whole filtered result with a dated file name, and audits it', async () => {
    const h = await setup();
    const b = await signedIn(h, 'auditor');
    const res = await h.app.request('/export/messages.csv?open=1', {
      headers: { ...BROWSER, cookie: b.cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="modhook-messages-2026-05-01.csv"',
    );
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.text)).toEqual(['mail a@example.org']);
    await vi.waitFor(() => expect(exportSlotsOf(h.deps).running()).toBe(0));
    const audit = h.db.$client
      .prepare("SELECT actor, target_id, details_json FROM audit_log WHERE action = 'export'")
      .get() as {
      actor: string;
      target_id: string;
      details_json: string;
    };
    expect(audit).toMatchObject({ actor: 'account:auditor1', target_id: 'messages' });
    expect(JSON.parse(audit.details_json)).toEqual({
      filters: { openOnly: true },
      rows: 1,
      completed: true,
    });
  });

  it('needs an account', async () => {
    const h = await setup();
    const res = await h.app.request('/export/messages.csv', { headers: { accept: 'text/csv' } });
    expect(res.status).toBe(401);
    expect(h.count('audit_log', "action = 'export'")).toBe(0);
  });

  it('answers an unknown log with 404 and a bad filter with 422', async () => {
    const h = await setup();
    const b = await signedIn(h, 'moderator');
    const headers = { cookie: b.cookie, accept: 'application/json' };
    expect((await h.app.request('/export/secrets.csv', { headers })).status).toBe(404);
    expect((await h.app.request('/export/messages.csv?since=yesterday', { headers })).status).toBe(
      422,
    );
  });

  it('offers the export link on the queue with its filters', async () => {
    const h = await setup();
    const b = await signedIn(h, 'moderator');
    const html = await (
      await h.app.request('/?q=mail', { headers: { ...BROWSER, cookie: b.cookie } })
    ).text();
    expect(html).toContain('href="/export/messages.csv?q=mail&amp;open=1"');
  });

  it('exports what the queue shows when it is filtered to pending items of one language', async () => {
    const h = await setup();
    // Channel 1 goes pre-moderated; its next messages wait for approval.
    h.db.$client.prepare("UPDATE channels SET mode = 'pre'").run();
    for (const [id, message] of [
      [3, 'first pending'],
      [4, 'second pending'],
    ] as const)
      await postSigned(
        h,
        h.db.$client.prepare('SELECT id FROM sources').pluck().get() as string,
        textPayload({ message_id: id, message }),
        eventyayFixtures.secret,
      );
    // Detection lands a moment after ingest; set the languages after it.
    await languageDetectionSettled(h.db);
    h.db.$client.prepare("UPDATE messages SET language = 'de' WHERE external_id = '4'").run();
    h.db.$client.prepare("UPDATE messages SET language = NULL WHERE external_id = '3'").run();
    const b = await signedIn(h, 'moderator');
    const csvOf = async (query: string) => {
      const res = await h.app.request(`/export/messages.csv?${query}`, {
        headers: { ...BROWSER, cookie: b.cookie },
      });
      expect(res.status).toBe(200);
      return (parse(await res.text(), { columns: true }) as Record<string, string>[]).map(
        (r) => r.text,
      );
    };
    expect(await csvOf('open=1&origin=pending')).toEqual(['first pending', 'second pending']);
    expect(await csvOf('open=1&origin=pending&lang=de')).toEqual(['second pending']);
    expect(await csvOf('open=1&lang=und')).toEqual(expect.arrayContaining(['first pending']));
    expect(await csvOf('open=1&lang=und')).not.toContain('second pending');
  });
});

describe('who may export what: the roles of the screen each export comes from', () => {
  const SIGNED_OUT = 'signed out';
  // Log, the screen showing it, and the status for admin, moderator, auditor, signed out.
  const TABLE = [
    ['messages', '/messages', 200, 200, 200, 401],
    ['flags', '/', 200, 200, 200, 401],
    ['decisions', '/messages/1', 200, 200, 200, 401],
    ['audit', '/audit', 200, 403, 200, 401],
  ] as const;
  const ROLES_AND_NONE = ['admin', 'moderator', 'auditor', SIGNED_OUT] as const;

  it.each(TABLE)('/export/%s.csv as on %s', async (kind, screen, ...statuses) => {
    const h = await setup();
    for (const [i, role] of ROLES_AND_NONE.entries()) {
      const cookie = role === SIGNED_OUT ? '' : (await signedIn(h, role)).cookie;
      const headers = { cookie, accept: 'application/json' };
      const res = await h.app.request(`/export/${kind}.csv`, { headers });
      await res.text();
      expect({ role, status: res.status }).toEqual({ role, status: statuses[i] });
      // The screen admits exactly the same roles.
      const page = await h.app.request(screen, { headers });
      await page.text();
      expect({ role, screen: page.status }).toEqual({ role, screen: statuses[i] });
    }
    await vi.waitFor(() => expect(exportSlotsOf(h.deps).running()).toBe(0));
    const allowed = ROLES_AND_NONE.filter((_, i) => statuses[i] === 200).length;
    expect(h.count('audit_log', "action = 'export'")).toBe(allowed);
  });
});
