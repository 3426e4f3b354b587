import { describe, expect, it } from 'vitest';
import { createDisplay } from '../../src/display/create-display.ts';
import { notice, noticeValue, parseNotice, type Notice } from '../../views/components/notice.tsx';
import { BROWSER, postForm, signedIn, type Browser } from '../helpers/dashboard.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

// Issue 13: `?done=` showed any text as the app's own status line (phishing with an official
// look). It now names one of a fixed set of notices, with typed values.

const PHISH = '<script>alert(1)</script>Your session expired, call +1 555 0100';

async function setup() {
  const h = createHarness();
  const { id: sourceId } = addFixtureSource(h);
  await postSigned(
    h,
    sourceId,
    textPayload({ message_id: 1, message: 'mail jane@example.org' }),
    eventyayFixtures.secret,
  );
  const one = <T>(sql: string) => h.db.$client.prepare(sql).get() as T;
  const messageId = one<{ id: number }>('SELECT id FROM messages').id;
  const channelId = one<{ id: number }>('SELECT id FROM channels').id;
  const senderId = one<{ id: number }>('SELECT id FROM senders').id;
  const ruleId = one<{ id: number }>('SELECT id FROM rules ORDER BY id').id;
  const display = createDisplay(
    h.deps,
    { name: 'Hall', channelIds: [channelId], isPublic: false },
    'test',
  );
  const admin = await signedIn(h, 'admin');
  const pages = {
    accounts: '/accounts',
    message: `/messages/${messageId}`,
    rule: `/rules/${ruleId}`,
    source: `/sources/${sourceId}`,
    channel: `/channels/${channelId}`,
    display: `/displays/${display.id}`,
  };
  return { h, admin, messageId, senderId, pages };
}

const get = (h: Harness, path: string, b: Browser) =>
  h.app.request(path, { headers: { ...BROWSER, cookie: b.cookie } });

const html = async (h: Harness, path: string, b: Browser) => {
  const res = await get(h, path, b);
  expect(res.status, path).toBe(200);
  return res.text();
};

const withDone = (path: string, value: string) => `${path}?done=${encodeURIComponent(value)}`;

describe('?done= on the dashboard pages', () => {
  it('shows no free text, on any page that shows notices', async () => {
    const { h, admin, pages } = await setup();
    for (const path of Object.values(pages)) {
      for (const value of [PHISH, 'anything', 'Saved as version 9.']) {
        const page = await html(h, withDone(path, value), admin);
        expect(page, path).not.toContain('Your session expired');
        expect(page, path).not.toContain('anything');
        expect(page, path).not.toContain('Saved as version 9.');
        expect(page, path).not.toContain('role="status" class="flash"');
      }
    }
  });

  it('shows nothing for an unknown key, an inherited name, or a value out of its set', async () => {
    const { h, admin, pages } = await setup();
    const values = [
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'role-changed.emperor',
      'role-changed',
      'rule-saved.-1',
      'rule-saved.0',
      'rule-saved.1e3',
      'rule-saved.3.4',
      'note-added.x',
      'test-delivery.accepted.999',
      'sender-status.__proto__',
    ];
    for (const path of Object.values(pages)) {
      for (const value of values) {
        const page = await html(h, withDone(path, value), admin);
        expect(page, `${path} ${value}`).not.toContain('role="status" class="flash"');
        expect(page, `${path} ${value}`).not.toContain('native code');
      }
    }
  });

  it('shows each notice with its values', async () => {
    const { h, admin, pages } = await setup();
    const cases: [string, Notice, string][] = [
      [pages.accounts, notice('role-changed', 'auditor'), 'Role changed to auditor.'],
      [
        pages.accounts,
        notice('account-unchanged', 'disabled'),
        'The account already was disabled.',
      ],
      [pages.message, notice('note-added'), 'Note added.'],
      [pages.message, notice('sender-status', 'trusted'), 'Sender is now trusted.'],
      [
        pages.message,
        notice('similar-blocked', 7, 2),
        'Blocked look-alikes in this channel from now on (pattern #7). Rejected this message and 2 pending look-alikes.',
      ],
      [pages.rule, notice('rule-switched', 'disabled', 4), 'Rule disabled (version 4).'],
      [pages.source, notice('source-disabled'), 'Source disabled: its sender now gets 404.'],
      [pages.source, notice('test-delivery', 'rejected', 401), 'Test delivery rejected (HTTP 401)'],
      [pages.channel, notice('pattern-lifted'), 'Pattern lifted'],
      [pages.channel, notice('channel-saved'), 'Saved.'],
      [pages.display, notice('display-rotated'), 'New token made'],
    ];
    for (const [path, n, text] of cases) {
      expect(await html(h, withDone(path, noticeValue(n)), admin), path).toContain(text);
    }
  });

  it('names the decision that stands only when it is one of the message’s own', async () => {
    const { h, admin, messageId, pages } = await setup();
    const other = await signedIn(h, 'moderator', 'other');
    const decide = (verdict: string, b: Browser) =>
      postForm(
        h,
        `/messages/${messageId}/decision`,
        { _csrf: b.csrfToken, basis: '', verdict },
        { cookie: b.cookie },
      );
    expect((await decide('reject', other)).status).toBe(303);
    const res = await decide('approve', admin);
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(
      new RegExp(`^/messages/${messageId}\\?done=superseded\\.approve\\.\\d+$`),
    );
    expect(await html(h, location, admin)).toContain(
      'Superseded: reject by other came first and stands. Your approve is recorded',
    );
    // An id that is no decision of this message names nobody.
    const forged = withDone(pages.message, 'superseded.approve.999');
    expect(await html(h, forged, admin)).toContain(
      'Superseded: a more restrictive decision came first and stands.',
    );
    // The admin's own, superseded decision is not "the one that stands" either.
    const own = (
      h.db.$client.prepare("SELECT id FROM decisions WHERE outcome = 'superseded'").get() as {
        id: number;
      }
    ).id;
    expect(await html(h, withDone(pages.message, `superseded.approve.${own}`), admin)).toContain(
      'Superseded: a more restrictive decision came first',
    );
  });

  it('still shows the notice of each real flow', async () => {
    const { h, admin, messageId, senderId, pages } = await setup();
    const post = (path: string, fields: Record<string, string>) =>
      postForm(h, path, { _csrf: admin.csrfToken, ...fields }, { cookie: admin.cookie });
    const follow = async (res: Response) => {
      expect(res.status).toBe(303);
      return html(h, res.headers.get('location')!, admin);
    };
    await signedIn(h, 'moderator', 'bea');
    const beaId = (
      h.db.$client.prepare("SELECT id FROM accounts WHERE username = 'bea'").get() as {
        id: number;
      }
    ).id;
    expect(await follow(await post(`/accounts/${beaId}/role`, { role: 'auditor' }))).toContain(
      'Role changed to auditor.',
    );
    expect(await follow(await post(`/accounts/${beaId}/status`, { status: 'disabled' }))).toContain(
      'Account disabled; its sessions have ended.',
    );
    expect(
      await follow(await post(`/messages/${messageId}/notes`, { text: 'seen before' })),
    ).toContain('Note added.');
    expect(
      await follow(
        await post(`/senders/${senderId}/status`, {
          status: 'watched',
          back: `${pages.message}?done=note-added`,
        }),
      ),
    ).toContain('Sender is now watched.');
    expect(await follow(await post(`${pages.source}/test-delivery`, {}))).toContain(
      'Test delivery accepted (HTTP 200).',
    );
    expect(await follow(await post(`${pages.source}/status`, { status: 'disabled' }))).toContain(
      'Source disabled: its sender now gets 404.',
    );
    expect(await follow(await post(`${pages.display}/rotate`, {}))).toContain('New token made');
  });

  it('keeps one notice when the way back carried one already', async () => {
    const { h, admin, senderId, pages } = await setup();
    const res = await postForm(
      h,
      `/senders/${senderId}/status`,
      { _csrf: admin.csrfToken, status: 'trusted', back: `${pages.message}?done=note-added` },
      { cookie: admin.cookie },
    );
    expect(res.headers.get('location')).toBe(`${pages.message}?done=sender-status.trusted`);
  });
});

describe('notice values', () => {
  it('round-trip through the URL value and refuse anything else', () => {
    const all: Notice[] = [
      notice('decided', 'reject'),
      notice('superseded', 'approve', 0),
      notice('similar-rejected-others', 0),
      notice('rule-saved', 12),
      notice('test-delivery', 'ignored', 202),
    ];
    for (const n of all) expect(parseNotice(noticeValue(n))).toEqual(n);
    expect(parseNotice(undefined)).toBeUndefined();
    expect(parseNotice('')).toBeUndefined();
    expect(parseNotice(`rule-saved.${'9'.repeat(200)}`)).toBeUndefined();
    expect(parseNotice('decided.Reject')).toBeUndefined();
    expect(parseNotice('decided.reject ')).toBeUndefined();
  });
});
