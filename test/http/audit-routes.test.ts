import { describe, expect, it } from 'vitest';
import { auditDetails } from '../../views/audit-page.tsx';
import { decideMessage } from '../../src/moderation/decide-message.ts';
import { setSenderStatus } from '../../src/moderation/set-sender-status.ts';
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
  const sender = h.db.$client.prepare('SELECT id, external_id FROM senders').get() as {
    id: number;
    external_id: string;
  };
  setSenderStatus(h.deps, { senderId: sender.id, status: 'watched' }, 'account:ana');
  return Object.assign(h, { messageId, sourceId: id, sender });
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

  it('shows details as key/value text and links each target to its page', async () => {
    const h = await setup();
    const b = await signedIn(h, 'admin');
    const html = await (
      await h.app.request('/audit', { headers: { ...BROWSER, cookie: b.cookie } })
    ).text();
    // No raw JSON: each detail is a term and its value.
    const main = html.slice(html.indexOf('<main>'));
    expect(main).not.toMatch(/\{&quot;|\{"/);
    expect(html).toMatch(/<dt>note<\/dt><dd><bdi>&lt;b&gt;bold&lt;\/b&gt; note<\/bdi><\/dd>/);
    expect(html).toMatch(/<dt>to<\/dt><dd><bdi>watched<\/bdi><\/dd>/);
    expect(html).toContain(`href="/messages/${h.messageId}"`);
    expect(html).toContain(`href="/sources/${h.sourceId}"`);
    const senderLink = `/messages?${new URLSearchParams({ sender: h.sender.external_id, source: h.sourceId })}`;
    expect(html).toContain(`href="${senderLink.replace(/&/g, '&amp;')}"`);
    // Actor and action filter the log.
    expect(html).toContain('href="/audit?actor=account%3Aana"');
    expect(html).toContain('href="/audit?action=decision.reject"');
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

  it('turns nested details into labelled pairs and keeps what is not an object as text', () => {
    expect(
      auditDetails(
        '{"filters":{"since":"2026-05-01","rule":4},"rows":12,"words":["a","b"],"x":{}}',
      ),
    ).toEqual([
      { key: 'since', label: 'filters › since', value: '2026-05-01' },
      { key: 'rule', label: 'filters › rule', value: '4' },
      { key: 'rows', label: 'rows', value: '12' },
      { key: 'words', label: 'words', value: 'a, b' },
      { key: 'x', label: 'x', value: '(none)' },
    ]);
    expect(auditDetails('not json')).toEqual([{ key: '', label: 'details', value: 'not json' }]);
    expect(auditDetails('[1,2]')).toEqual([{ key: '', label: 'details', value: '[1,2]' }]);
  });
});
