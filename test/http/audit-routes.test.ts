import { describe, expect, it } from 'vitest';
import { decideMessage } from '../../src/moderation/decide-message.ts';
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
    textPayload({ message_id: 1, message: 'mail a@example.org' }),
    eventyayFixtures.secret,
  );
  const messageId = (h.db.$client.prepare('SELECT id FROM messages').get() as { id: number }).id;
  decideMessage(
    h.deps,
    { messageId, verdict: 'reject', note: '<b>bold</b> note', basisDecisionId: null },
    'account:ana',
  );
  return h;
}

describe('the audit log page', () => {
  it('lists entries newest first, filtered, with details as text and an export link', async () => {
    const h = await setup();
    const b = await signedIn(h, 'auditor');
    const html = await (
      await h.app.request('/audit?action=decision.reject', {
        headers: { ...BROWSER, cookie: b.cookie },
      })
    ).text();
    expect(html).toContain('decision.reject');
    expect(html).not.toContain('source.add');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; note');
    expect(html).toContain('href="/export/audit.csv?action=decision.reject"');
  });

  it('is for admins and auditors, not moderators', async () => {
    const h = await setup();
    const b = await signedIn(h, 'moderator');
    expect(
      (await h.app.request('/audit', { headers: { ...BROWSER, cookie: b.cookie } })).status,
    ).toBe(403);
  });

  it('exports the audit log with the same filters', async () => {
    const h = await setup();
    const b = await signedIn(h, 'admin');
    const csv = await (
      await h.app.request('/export/audit.csv?action=decision.reject&target_type=message', {
        headers: { cookie: b.cookie },
      })
    ).text();
    expect(csv.trim().split('\r\n')).toHaveLength(2);
    expect(csv).toContain('decision.reject');
  });
});
