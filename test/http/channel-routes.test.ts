import { describe, expect, it } from 'vitest';
import { listChannels } from '../../src/channels/list-channels.ts';
import { setChannelSettings } from '../../src/channels/set-channel-settings.ts';
import { auditRows, caught } from '../helpers/accounts.ts';
import { BROWSER, postForm, signedIn, type Browser } from '../helpers/dashboard.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';
import { DomainError } from '../../src/errors.ts';

async function setup(role: 'admin' | 'moderator' | 'auditor' = 'admin') {
  const h = createHarness();
  const { id } = addFixtureSource(h);
  await postSigned(h, id, textPayload({ message_id: 1 }), eventyayFixtures.secret);
  const channelId = listChannels(h.db)[0]!.id;
  const b = await signedIn(h, role);
  return { h, b, channelId };
}

const VALID = {
  label: 'Main hall',
  mode: 'pre',
  approveTrusted: 'on',
  similarDistance: '3',
  emojiRepeatSeconds: '120',
  screenNames: 'short',
};

const save = (
  h: Harness,
  b: Browser,
  channelId: number,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) =>
  postForm(
    h,
    `/channels/${channelId}`,
    { _csrf: b.csrfToken, ...fields },
    { cookie: b.cookie, ...headers },
  );

describe('channel settings', () => {
  it('lists channels with their source and mode for every role', async () => {
    for (const role of ['admin', 'moderator', 'auditor'] as const) {
      const { h, b, channelId } = await setup(role);
      const res = await h.app.request('/channels', { headers: { ...BROWSER, cookie: b.cookie } });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`href="/channels/${channelId}"`);
      expect(html).toContain('Main hall');
      expect(html).toContain('<a href="/channels">Channels</a>');
      const form = await (
        await h.app.request(`/channels/${channelId}`, { headers: { ...BROWSER, cookie: b.cookie } })
      ).text();
      expect(form.includes('<fieldset disabled')).toBe(role !== 'admin');
      // The channel's timeline and its exports, filtered to it.
      expect(form).toMatch(/href="\/messages\?channel=[^"]+&amp;source=[^"]+">\s*Timeline/);
      expect(form).toMatch(/href="\/export\/flags\.csv\?source=[^"]+&amp;channel=[^"]+"/);
    }
  });

  it('saves an admin change, audits it, and the mode change on its own', async () => {
    const { h, b, channelId } = await setup();
    const res = await save(h, b, channelId, VALID);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/channels/${channelId}?done=channel-saved`);
    expect(listChannels(h.db)[0]).toMatchObject({
      label: 'Main hall',
      mode: 'pre',
      approveTrusted: true,
      rejectBlocked: false,
      similarDistance: 3,
      emojiRepeatSeconds: 120,
      screenNames: 'short',
    });
    const audit = auditRows(h).filter((r) => r.action.startsWith('channel.'));
    expect(audit.map((r) => [r.action, r.actor, r.target_id])).toEqual([
      ['channel.mode', 'account:admin1', String(channelId)],
      ['channel.settings', 'account:admin1', String(channelId)],
    ]);
    expect(JSON.parse(audit[0]!.details_json)).toEqual({ from: 'post', to: 'pre' });
    expect(JSON.parse(audit[1]!.details_json)).toEqual({
      label: { from: null, to: 'Main hall' },
      rejectBlocked: { from: true, to: false },
      similarDistance: { from: 2, to: 3 },
      emojiRepeatSeconds: { from: 60, to: 120 },
      screenNames: { from: 'show', to: 'short' },
    });
    // Saving the same values again changes nothing and audits nothing.
    await save(h, b, channelId, VALID);
    expect(auditRows(h).filter((r) => r.action.startsWith('channel.'))).toHaveLength(2);
  });

  it('answers htmx with the form in place: saved, or 422 with every field error', async () => {
    const { h, b, channelId } = await setup();
    const ok = await save(h, b, channelId, VALID, { 'hx-request': 'true' });
    expect(ok.status).toBe(200);
    const okHtml = await ok.text();
    expect(okHtml).toMatch(/^<form class="channel-form"/);
    expect(okHtml).toContain('Saved.');
    const bad = await save(
      h,
      b,
      channelId,
      { ...VALID, mode: 'later', similarDistance: '6', emojiRepeatSeconds: '1.5' },
      { 'hx-request': 'true' },
    );
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toMatch(/^<form class="channel-form"/);
    expect(html).toContain('mode must be post or pre');
    expect(html).toContain('similar distance must be a whole number from 0 to 5');
    expect(html).toContain('emoji repeat must be a whole number of seconds from 0 to 3600');
    expect(html).not.toContain('<html');
    expect(listChannels(h.db)[0]!.similarDistance).toBe(3);
  });

  it('names the channel by its label once saved: heading (swapped out of band), title, list', async () => {
    const { h, b, channelId } = await setup();
    const externalId = listChannels(h.db)[0]!.externalId;
    const page = async (path: string) =>
      (await h.app.request(path, { headers: { ...BROWSER, cookie: b.cookie } })).text();
    const before = await page(`/channels/${channelId}`);
    expect(before).toContain(
      `<h1 id="channel-heading"><bdi>Channel ${externalId.slice(0, 8)}</bdi></h1>`,
    );
    const ok = await save(
      h,
      b,
      channelId,
      { ...VALID, label: 'Stage <B>' },
      { 'hx-request': 'true' },
    );
    const html = await ok.text();
    expect(html).toContain(
      '<h1 id="channel-heading" hx-swap-oob="true"><bdi>Stage &lt;B&gt;</bdi></h1>',
    );
    const after = await page(`/channels/${channelId}`);
    expect(after).toContain('<h1 id="channel-heading"><bdi>Stage &lt;B&gt;</bdi></h1>');
    expect(after).toMatch(/<title>Stage &lt;B&gt;/);
    // The full id stays beside the name, for an admin matching it with the sender's settings.
    expect(after).toContain(externalId);
    const list = await page('/channels');
    expect(list).toContain('<bdi>Stage &lt;B&gt;</bdi></a>');
  });

  it('shows the page again with 422 without htmx', async () => {
    const { h, b, channelId } = await setup();
    const res = await save(h, b, channelId, { ...VALID, emojiRepeatSeconds: '3601' });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('<html');
    expect(html).toContain('emoji repeat must be');
    expect(html).toContain('value="3601"');
  });

  it('refuses a moderator (403), a missing CSRF token, and an unknown channel (404)', async () => {
    const { h, b, channelId } = await setup('moderator');
    expect((await save(h, b, channelId, VALID)).status).toBe(403);
    const admin = await signedIn(h, 'admin', 'root');
    const noToken = await postForm(h, `/channels/${channelId}`, VALID, { cookie: admin.cookie });
    expect(noToken.status).toBe(403);
    expect((await save(h, admin, 999, VALID)).status).toBe(404);
    expect(listChannels(h.db)[0]!.mode).toBe('post');
    expect(auditRows(h).filter((r) => r.action.startsWith('channel.'))).toEqual([]);
  });

  it('rejects out-of-range values in the domain verb too', async () => {
    const { h, channelId } = await setup();
    const error = await caught(() =>
      setChannelSettings(h.deps, { channelId, actor: 'cli', similarDistance: -1 }),
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).field).toBe('similarDistance');
    expect(() => setChannelSettings(h.deps, { channelId: 999, actor: 'cli', mode: 'pre' })).toThrow(
      /no channel/,
    );
  });
});

describe('blocked patterns on the channel page', () => {
  async function withPattern(role: 'admin' | 'moderator' | 'auditor') {
    const s = await setup(role);
    const messageId = s.h.db.$client.prepare('SELECT id FROM messages').pluck().get() as number;
    const patternId = s.h.db.$client
      .prepare(
        `INSERT INTO blocked_patterns (channel_id, normalized_text, max_distance, message_id, actor,
           created_at) VALUES (?, '<b>buy cheap pills</b>', 2, ?, 'account:ana', 0)`,
      )
      .run(s.channelId, messageId).lastInsertRowid as number;
    return { ...s, patternId };
  }

  it('lists the patterns that apply here, escaped, with a lift button for moderators', async () => {
    const { h, b, channelId } = await withPattern('moderator');
    const html = await (
      await h.app.request(`/channels/${channelId}`, { headers: { ...BROWSER, cookie: b.cookie } })
    ).text();
    expect(html).toContain('&lt;b&gt;buy cheap pills&lt;/b&gt;');
    expect(html).not.toContain('<b>buy cheap pills</b>');
    expect(html).toMatch(/action="\/channels\/\d+\/blocked-patterns\/\d+\/lift"/);
  });

  it('lets a moderator lift a pattern (audited), and refuses an auditor', async () => {
    const auditor = await withPattern('auditor');
    const refused = await postForm(
      auditor.h,
      `/channels/${auditor.channelId}/blocked-patterns/${auditor.patternId}/lift`,
      { _csrf: auditor.b.csrfToken },
      { cookie: auditor.b.cookie },
    );
    expect(refused.status).toBe(403);
    expect(auditor.h.count('blocked_patterns', 'disabled_at IS NULL')).toBe(1);

    const { h, b, channelId, patternId } = await withPattern('moderator');
    const lift = () =>
      postForm(
        h,
        `/channels/${channelId}/blocked-patterns/${patternId}/lift`,
        { _csrf: b.csrfToken },
        { cookie: b.cookie },
      );
    const res = await lift();
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/channels/${channelId}?done=pattern-lifted`);
    expect(h.count('blocked_patterns', 'disabled_at IS NULL')).toBe(0);
    expect((await lift()).status).toBe(303);
    expect(h.count('audit_log', "action = 'blocked_pattern.lift'")).toBe(1);
    const missing = await postForm(
      h,
      `/channels/${channelId}/blocked-patterns/999/lift`,
      { _csrf: b.csrfToken },
      { cookie: b.cookie },
    );
    expect(missing.status).toBe(404);
  });

  it('stops rejecting look-alikes once lifted', async () => {
    const { h, b, channelId, patternId } = await withPattern('moderator');
    const source = h.db.$client.prepare('SELECT id FROM sources').pluck().get() as string;
    h.db.$client
      .prepare("UPDATE blocked_patterns SET normalized_text = 'buycheappills' WHERE id = ?")
      .run(patternId);
    const stateOf = (externalId: string) =>
      h.db.$client
        .prepare('SELECT moderation_state FROM messages WHERE external_id = ?')
        .pluck()
        .get(externalId);
    await postSigned(
      h,
      source,
      textPayload({ message_id: 2, message: 'BUY cheap pilLs' }),
      eventyayFixtures.secret,
    );
    expect(stateOf('2')).toBe('rejected');
    await postForm(
      h,
      `/channels/${channelId}/blocked-patterns/${patternId}/lift`,
      { _csrf: b.csrfToken },
      { cookie: b.cookie },
    );
    h.advance(1500); // the pattern cache reloads within a second
    await postSigned(
      h,
      source,
      textPayload({ message_id: 3, message: 'BUY cheap pilLs' }),
      eventyayFixtures.secret,
    );
    expect(stateOf('3')).toBe('unreviewed');
  });
});
