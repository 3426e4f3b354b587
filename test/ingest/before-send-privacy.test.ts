import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { setChannelSettings } from '../../src/channels/set-channel-settings.ts';
import { createDisplay } from '../../src/display/create-display.ts';
import { displayChanges, type DisplayEvent } from '../../src/display/display-changes.ts';
import type { FeedItem } from '../../src/display/display-feed.ts';
import { parseStreamBeforeSend } from '../../src/ingest/senders/stream.ts';
import { saveRule } from '../../src/rules/save-rule.ts';
import { BROWSER, signedIn } from '../helpers/dashboard.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import {
  addKindSource,
  hexHmac,
  post,
  streamBeforeSend,
  streamDelivery,
  streamMessageNew,
} from '../helpers/senders.ts';

const SECRET = streamBeforeSend.secret;
const CHANNEL = 'messaging:keynote';
const ORIGINAL = 'mail me at ana@example.com';
const SCRUBBED = 'mail me at [email removed]';
const BLOCKED = 'darn this talk';
/** When the push says Stream created the message (streamMessageNew). */
const PUSHED_AT = Date.parse('2026-05-01T12:00:00.123456Z');

type FeedJson = { items: { id: number; text: string }[] };

/**
 * A stream source whose channel (made by a first pushed message) is a `post` channel shown on a
 * display, a scrub rule for e-mail addresses and a block rule for "darn".
 */
async function setup() {
  const h = createHarness();
  const { id } = addKindSource(h, { kind: 'stream', secret: SECRET });
  expect((await push(h, id, { id: 'first', text: 'first' })).status).toBe(200);
  const channelId = (h.db.$client.prepare('SELECT id FROM channels').get() as { id: number }).id;
  setChannelSettings(h.deps, { channelId, actor: 'test', mode: 'post' });
  const display = createDisplay(
    h.deps,
    { name: 'Hall', channelIds: [channelId], isPublic: false },
    't',
  );
  const rule = (draft: Record<string, unknown>) =>
    saveRule(h.deps, { draft: { name: 'Rule', ...draft } }, 'test');
  rule({
    kind: 'personal_data',
    name: 'No e-mail',
    action: 'scrub',
    settings: { kinds: ['email'] },
  });
  rule({ kind: 'keyword', name: 'No darn', action: 'block', settings: { words: ['darn'] } });
  return { h, id, display, base: `/display/${display.token}` };
}

/** A before-message-send call as Stream makes it, in the display's channel. */
async function beforeSend(h: Harness, sourceId: string, text: string, messageId: string) {
  const payload = JSON.parse(streamBeforeSend.request.body) as {
    message: { id: string; text: string };
    user: { id: string };
    channel: { cid: string };
  };
  payload.message.id = messageId;
  payload.message.text = text;
  payload.user.id = 'tommaso';
  payload.channel.cid = CHANNEL;
  const body = JSON.stringify(payload);
  const headers = { ...streamBeforeSend.request.headers, 'X-Signature': hexHmac(body, SECRET) };
  const res = await post(h, `/hooks/${sourceId}/before-send`, body, headers);
  expect(res.status).toBe(200);
  return (await res.json()) as { message?: { text: string; type: string } };
}

/** Stream's push of a published message (message.new). */
async function push(h: Harness, sourceId: string, message: { id: string; text: string }) {
  const d = streamDelivery(streamMessageNew(message), SECRET);
  const res = await post(h, `/hooks/${sourceId}`, d.body, d.headers);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const one = (h: Harness, sql: string, ...args: unknown[]) =>
  h.db.$client.prepare(sql).get(...args) as Record<string, unknown>;

const messageOf = (h: Harness, externalId: string) =>
  one(h, 'SELECT * FROM messages WHERE external_id = ?', externalId);

/** The message a check stored without a client id (Stream's own example has none). */
const candidateOf = (h: Harness) =>
  one(h, "SELECT * FROM messages WHERE external_id LIKE 'before-send:%'");

/** Everything a display shows: JSON feed, RSS, the overlay page, and a new stream's snapshot. */
async function everythingShown(h: Harness, base: string, displayId: number) {
  const json = (await (await h.app.request(`${base}/feed.json`)).json()) as FeedJson;
  const rss = await (await h.app.request(`${base}/feed.rss`)).text();
  const overlay = await (await h.app.request(`${base}/overlay`)).text();
  const watching = displayChanges(h.deps).watch(displayId, {
    listener: () => undefined,
    stillValid: () => true,
  });
  watching.stop();
  return { json, all: [JSON.stringify(json), rss, overlay, JSON.stringify(watching.snapshot)] };
}

/** Watches a display's live changes (what its overlay stream is sent). */
function watchLive(h: Harness, displayId: number) {
  const events: DisplayEvent[] = [];
  const watching = displayChanges(h.deps).watch(displayId, {
    listener: (e) => events.push(e),
    stillValid: () => true,
  });
  const upserts = () => events.flatMap((e): FeedItem[] => (e.type === 'upsert' ? [e.item] : []));
  /** Resolves once the live stream showed `text` (bounded: a generous 15 s). */
  const shows = async (text: string) => {
    for (let waited = 0; waited < 15_000; waited += 50) {
      if (upserts().some((i) => i.text === text)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the live stream never showed ${JSON.stringify(text)}`);
  };
  return { upserts, shows, stop: watching.stop };
}

describe('before-send: what a rule removed or blocked never reaches a display', () => {
  it('rejects a blocked message by the rule, audited, and keeps it off every display', async () => {
    const { h, id, display, base } = await setup();
    const live = watchLive(h, display.id);
    try {
      expect((await beforeSend(h, id, BLOCKED, '')).message?.type).toBe('error');
      const m = candidateOf(h);
      expect(m.moderation_state).toBe('rejected');
      const decision = one(h, 'SELECT * FROM decisions WHERE message_id = ?', m.id);
      expect(decision).toMatchObject({
        id: m.decision_id,
        verdict: 'reject',
        actor: 'system',
        automatic: 1,
        outcome: 'applied',
        note: 'automatic: blocked before delivery by No darn',
      });
      const audit = one(
        h,
        "SELECT actor, target_id, details_json FROM audit_log WHERE action = 'message.block_before_send'",
      );
      expect(audit).toMatchObject({ actor: 'system', target_id: String(m.id) });
      expect(JSON.parse(audit.details_json as string)).toMatchObject({
        decisionId: decision.id,
        outcome: 'applied',
      });
      // Decided: its flag is closed, not waiting in the queue.
      expect(h.count('flags', `message_id = ${Number(m.id)} AND status = 'closed'`)).toBe(1);

      await push(h, id, { id: 'after', text: 'after it' });
      await live.shows('after it');
      expect(live.upserts().map((i) => i.text)).not.toContain(BLOCKED);
      const shown = await everythingShown(h, base, display.id);
      expect(shown.json.items.map((i) => i.text)).toEqual(['after it', 'first']);
      for (const page of shown.all) expect(page).not.toContain('darn');
    } finally {
      live.stop();
    }

    // Exports carry what the chat got (nothing); moderators see the original in the item view.
    expect(candidateOf(h)).toMatchObject({ text: '', original_text: BLOCKED });
    const auditor = await signedIn(h, 'auditor');
    const csv = await (
      await h.app.request('/export/messages.csv', {
        headers: { ...BROWSER, cookie: auditor.cookie },
      })
    ).text();
    expect(csv).not.toContain('darn');
    const moderator = await signedIn(h, 'moderator');
    const page = await (
      await h.app.request(`/messages/${Number(candidateOf(h).id)}`, {
        headers: { ...BROWSER, cookie: moderator.cookie },
      })
    ).text();
    expect(page).toContain('Original text, blocked before delivery');
  });

  it('shows and exports a scrubbed message with the scrubbed text only', async () => {
    const { h, id, display, base } = await setup();
    const live = watchLive(h, display.id);
    try {
      expect((await beforeSend(h, id, ORIGINAL, '')).message?.text).toBe(SCRUBBED);
      await push(h, id, { id: 'after', text: 'after it' });
      await live.shows('after it');
      expect(live.upserts().map((i) => i.text)).toContain(SCRUBBED);
      expect(JSON.stringify(live.upserts())).not.toContain('ana@example.com');
      const shown = await everythingShown(h, base, display.id);
      expect(shown.json.items.map((i) => i.text)).toEqual([SCRUBBED, 'after it', 'first']);
      for (const page of shown.all) expect(page).not.toContain('ana@example.com');
    } finally {
      live.stop();
    }

    const auditor = await signedIn(h, 'auditor');
    const csv = await (
      await h.app.request('/export/messages.csv', {
        headers: { ...BROWSER, cookie: auditor.cookie },
      })
    ).text();
    expect(csv).not.toContain('ana@example.com');
    const flagsCsv = await (
      await h.app.request('/export/flags.csv', {
        headers: { ...BROWSER, cookie: auditor.cookie },
      })
    ).text();
    expect(flagsCsv).toContain('scrubbed before delivery');
    expect(flagsCsv).not.toContain('ana@example.com');
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.text)).toEqual(['first', SCRUBBED, 'after it']);
  });

  it('shows moderators the original in the item view, marked, with what the rule matched', async () => {
    const { h, id } = await setup();
    await beforeSend(h, id, ORIGINAL, '');
    const m = candidateOf(h);
    expect(m).toMatchObject({ text: SCRUBBED, original_text: ORIGINAL });
    const moderator = await signedIn(h, 'moderator');
    const res = await h.app.request(`/messages/${Number(m.id)}`, {
      headers: { ...BROWSER, cookie: moderator.cookie },
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    // The message itself, shown first (views/message-page.tsx), up to its flags.
    const current = /<div class="current-message">([\s\S]*?)<h2>Flags<\/h2>/.exec(html)?.[1] ?? '';
    // The published text first, then the original with the scrubbed span marked in it.
    expect(current).toMatch(
      /mail me at \[email removed\][\s\S]*Original text, before the rule scrubbed it[\s\S]*mail me at <mark>ana@example.com<\/mark>/,
    );
    expect(html).toContain('at 11–26 of the original text');
  });
});

describe("before-send under the client's message id: the push completes the same message", () => {
  it('stores the candidate under the id, and its push completes it (no second message)', async () => {
    const { h, id } = await setup();
    saveRule(
      h.deps,
      {
        draft: {
          name: 'Mail talk',
          kind: 'keyword',
          action: 'flag',
          settings: { words: ['mail'] },
        },
      },
      'test',
    );
    await beforeSend(h, id, ORIGINAL, 'tommaso-42');
    expect(messageOf(h, 'tommaso-42')).toMatchObject({ text: SCRUBBED, screen_name: '' });
    // Only the check's own flag until the push: the other rules run once, on what was published.
    expect(h.count('flags')).toBe(1);

    expect(await push(h, id, { id: 'tommaso-42', text: SCRUBBED })).toEqual({
      status: 200,
      json: { ok: true },
    });
    expect(h.count('messages')).toBe(2);
    const m = messageOf(h, 'tommaso-42');
    expect(m).toMatchObject({
      text: SCRUBBED,
      original_text: ORIGINAL,
      screen_name: 'Tommaso',
      sent_at: PUSHED_AT,
      moderation_state: 'unreviewed',
    });
    expect(one(h, 'SELECT kind FROM deliveries WHERE id = ?', m.delivery_id)).toEqual({
      kind: 'event',
    });
    const flags = h.db.$client
      .prepare('SELECT actor, status, span_start, matched_text FROM flags ORDER BY id')
      .all();
    expect(flags).toEqual([
      { actor: 'before-send', status: 'logged', span_start: 11, matched_text: 'ana@example.com' },
      // Raised on the published text: its span points into `text`.
      { actor: 'system', status: 'open', span_start: 0, matched_text: 'mail' },
    ]);

    // A later push of the same message (another delivery id) is a duplicate, as ever.
    expect((await push(h, id, { id: 'tommaso-42', text: SCRUBBED })).json).toEqual({
      ok: true,
      duplicate: true,
    });
    expect(h.count('flags')).toBe(2);
  });

  it('keeps the text the check let through, whatever the push says', async () => {
    const { h, id } = await setup();
    await beforeSend(h, id, ORIGINAL, 'tommaso-7');
    // As when Stream gave up waiting and published the message unchanged.
    expect((await push(h, id, { id: 'tommaso-7', text: ORIGINAL })).status).toBe(200);
    expect(h.count('messages')).toBe(2);
    expect(messageOf(h, 'tommaso-7')).toMatchObject({ text: SCRUBBED, original_text: ORIGINAL });
  });

  it('keeps a blocked message rejected if Stream pushes it anyway', async () => {
    const { h, id, base } = await setup();
    await beforeSend(h, id, BLOCKED, 'tommaso-8');
    expect((await push(h, id, { id: 'tommaso-8', text: BLOCKED })).status).toBe(200);
    expect(h.count('messages')).toBe(2);
    expect(messageOf(h, 'tommaso-8').moderation_state).toBe('rejected');
    expect(h.count('flags')).toBe(1);
    expect(h.count('decisions')).toBe(1);
    expect(await (await h.app.request(`${base}/feed.json`)).text()).not.toContain('darn');
  });

  it('stores nothing new for a retried check of the same id', async () => {
    const { h, id } = await setup();
    const first = await beforeSend(h, id, ORIGINAL, 'tommaso-9');
    expect(await beforeSend(h, id, ORIGINAL, 'tommaso-9')).toEqual(first);
    expect(h.count('messages', "external_id = 'tommaso-9'")).toBe(1);
    expect(h.count('flags')).toBe(1);
    expect(h.count('audit_log', "action = 'message.scrub_before_send'")).toBe(1);
    expect(
      h.db.$client
        .prepare("SELECT outcome, detail FROM deliveries WHERE kind = 'before_send' ORDER BY id")
        .all(),
    ).toEqual([
      { outcome: 'accepted', detail: 'rewrite' },
      { outcome: 'duplicate', detail: 'rewrite' },
    ]);
  });

  it('takes no id from an empty or unusable one, and still answers the check', () => {
    const candidate = (id: unknown) => {
      const payload = JSON.parse(streamBeforeSend.request.body) as { message: { id: unknown } };
      payload.message.id = id;
      const parsed = parseStreamBeforeSend(Buffer.from(JSON.stringify(payload)));
      if (!parsed.ok) throw new Error(parsed.message);
      return parsed.candidate.externalId;
    };
    expect(candidate('tommaso-1')).toBe('tommaso-1');
    for (const unusable of ['', 'x'.repeat(201), 42, null, undefined]) {
      expect(candidate(unusable)).toBeNull();
    }
  });
});
