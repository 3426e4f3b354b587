import { describe, expect, it } from 'vitest';
import { eventyayFixtures, fixture, textPayload } from '../helpers/eventyay.ts';
import { BROWSER, postForm, signedIn, type Browser } from '../helpers/dashboard.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postHook, postSigned } from '../helpers/webhook-request.ts';

const SECRET = eventyayFixtures.secret;

async function setup(role: 'admin' | 'moderator' | 'auditor' = 'moderator') {
  const h = createHarness();
  const { id } = addFixtureSource(h);
  const b = await signedIn(h, role);
  const post = (overrides: Record<string, unknown>) =>
    postSigned(h, id, textPayload(overrides), SECRET);
  return { h, b, post, sourceId: id };
}

const get = (h: Harness, path: string, b: Browser, headers: Record<string, string> = {}) =>
  h.app.request(path, { headers: { ...BROWSER, cookie: b.cookie, ...headers } });

const decide = (
  h: Harness,
  b: Browser,
  messageId: number,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) =>
  postForm(
    h,
    `/messages/${messageId}/decision`,
    { _csrf: b.csrfToken, basis: '', ...fields },
    { cookie: b.cookie, ...headers },
  );

const messageIdOf = (h: Harness, externalId: string) =>
  (
    h.db.$client.prepare('SELECT id FROM messages WHERE external_id = ?').get(externalId) as {
      id: number;
    }
  ).id;

describe('the review queue', () => {
  it('lists flagged messages with the matched span marked and counts by severity', async () => {
    const { h, b, post } = await setup();
    await post({ message_id: 1, message: 'fine words' });
    await post({ message_id: 2, message: 'write to jane@example.org now' });
    const html = await (await get(h, '/', b)).text();
    expect(html).toContain('write to <mark>jane@example.org</mark> now');
    expect(html).not.toContain('fine words');
    expect(html).toMatch(/<strong data-total="1">1<\/strong> open: 0 high, 1 medium, 0 low/);
    expect(html).toContain('Personal data: e-mail address');
  });

  it('renders hostile text and screen names as text', async () => {
    const { h, b, sourceId } = await setup();
    const f = fixture('text-hostile');
    await postHook(h, sourceId, f.body, f.signature);
    h.db.$client
      .prepare(
        "INSERT INTO flags (message_id, origin, severity, status, reason, actor, created_at) SELECT id, 'moderator', 'high', 'open', '<i>why</i>', 'test', 0 FROM messages",
      )
      .run();
    const html = await (await get(h, '/', b)).text();
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;',
    );
    expect(html).toContain('&lt;b&gt;Bob&lt;/b&gt;');
    expect(html).toContain('&lt;i&gt;why&lt;/i&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
  });

  it('orders by severity, then by waiting time, and filters', async () => {
    const { h, b, post } = await setup();
    await post({ message_id: 1, message: 'older a@example.org', sender_id: 'first' });
    h.advance(1000);
    await post({ message_id: 2, message: 'newer b@example.org', sender_id: 'second' });
    h.db.$client
      .prepare(
        "UPDATE flags SET severity = 'high' WHERE message_id = (SELECT id FROM messages WHERE external_id = '2')",
      )
      .run();
    h.advance(1000);
    await post({ message_id: 3, message: 'newest c@example.org', sender_id: 'third' });
    const order = (html: string) =>
      [...html.matchAll(/data-message-id="(\d+)"/g)].map((m) => Number(m[1]));
    const ids = ['2', '1', '3'].map((e) => messageIdOf(h, e));
    expect(order(await (await get(h, '/', b)).text())).toEqual(ids);
    expect(order(await (await get(h, '/?q=newest', b)).text())).toEqual([ids[2]]);
    expect(order(await (await get(h, '/?severity=high', b)).text())).toEqual([ids[0]]);
    expect(order(await (await get(h, '/?sender=first', b)).text())).toEqual([ids[1]]);
    expect(order(await (await get(h, '/queue/list?origin=report', b)).text())).toEqual([]);
  });

  it('offers channels, rules and sources by name, with open counts per rule, kept in the URL', async () => {
    const { h, b, post, sourceId } = await setup();
    await post({ message_id: 1, message: 'a@example.org', channel: 'room-a' });
    h.db.$client
      .prepare("UPDATE channels SET label = 'Main stage' WHERE external_id = 'room-a'")
      .run();
    const html = await (await get(h, '/', b)).text();
    expect(html).toContain('<option value="room-a">Main stage (');
    expect(html).toMatch(/<option value="1">Personal data \(1\)<\/option>/);
    expect(html).toMatch(new RegExp(`<option value="${sourceId}">[^<]+</option>`));
    expect(html).toMatch(/<label class="date">From <input type="date" name="since"/);
    const chosen = await (await get(h, `/?channel=room-a&rule=1&source=${sourceId}`, b)).text();
    expect(chosen).toContain('<option value="room-a" selected="">Main stage (');
    expect(chosen).toContain('<option value="1" selected="">Personal data (1)</option>');
    expect(chosen).toContain('hx-get="/queue/list?channel=room-a&amp;rule=1&amp;source=');
    // The row names the channel by its label, not its id.
    expect(chosen).toContain('in <bdi>Main stage</bdi>');
  });

  it('points an admin with an empty queue to the dashboard screens', async () => {
    const { h, b } = await setup('admin');
    const html = await (await get(h, '/', b)).text();
    expect(html).toContain('Nothing waits for review.');
    expect(html).toContain('<a href="/sources">Sources</a>');
    expect(html).toContain('Send test delivery');
    expect(html).toContain('<a href="/accounts">Accounts</a>');
  });

  it('answers a bad filter with 422 naming it', async () => {
    const { h, b } = await setup();
    const res = await get(h, '/?severity=extreme', b, { accept: 'application/json' });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('severity');
  });

  it('answers an htmx decision with a notice and Undo, and the row leaves the queue', async () => {
    const { h, b, post } = await setup();
    await post({ message_id: 1, message: 'a@example.org' });
    const id = messageIdOf(h, '1');
    const res = await decide(
      h,
      b,
      id,
      { verdict: 'reject', note: 'personal data' },
      { 'hx-request': 'true' },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/^<li class="notice-item decision-notice"/);
    expect(html).toContain('Done: reject.');
    expect(html).toContain('<button type="submit" class="undo">Undo</button>');
    expect(html).toContain(`<li id="item-${id}" hx-swap-oob="delete">`);
    expect(await (await get(h, '/queue/list', b)).text()).toContain('Nothing waits for review.');
    expect(
      h.count('audit_log', "action = 'decision.reject' AND actor = 'account:moderator1'"),
    ).toBe(1);
  });

  it('tells the later, weaker decision that it was superseded', async () => {
    const { h, b, post } = await setup();
    const other = await signedIn(h, 'moderator', 'other');
    await post({ message_id: 1, message: 'a@example.org' });
    const id = messageIdOf(h, '1');
    await decide(h, other, id, { verdict: 'reject' }, { 'hx-request': 'true' });
    const html = await (
      await decide(h, b, id, { verdict: 'approve' }, { 'hx-request': 'true' })
    ).text();
    expect(html).toContain('Superseded: reject by other came first and stands.');
  });

  it('lets an auditor read the queue but not decide', async () => {
    const { h, b, post } = await setup('auditor');
    await post({ message_id: 1, message: 'a@example.org' });
    const html = await (await get(h, '/', b)).text();
    expect(html).toContain('a@example.org');
    expect(html).not.toContain('class="decide"');
    const res = await decide(h, b, messageIdOf(h, '1'), { verdict: 'approve' });
    expect(res.status).toBe(403);
    expect(h.count('decisions')).toBe(0);
  });

  it('refuses a decision without the CSRF token', async () => {
    const { h, b, post } = await setup();
    await post({ message_id: 1, message: 'a@example.org' });
    const res = await postForm(
      h,
      `/messages/${messageIdOf(h, '1')}/decision`,
      { verdict: 'approve', basis: '' },
      { cookie: b.cookie },
    );
    expect(res.status).toBe(403);
    expect(h.count('decisions')).toBe(0);
  });
});

describe('the item view', () => {
  it('shows the message in its channel context with flags, why, reactions and the sender', async () => {
    const { h, b, post } = await setup();
    for (let i = 1; i <= 13; i++) {
      await post({
        message_id: i,
        message: i === 7 ? 'spam ѕрам at x@example.org' : `context line ${i}`,
        timestamp: `2026-05-01T12:00:${String(i).padStart(2, '0')}+00:00`,
        sender_id: `s${i}`,
      });
    }
    const id = messageIdOf(h, '7');
    const html = await (await get(h, `/messages/${id}`, b)).text();
    for (const i of [1, 6, 8, 13]) expect(html).toContain(`context line ${i}`);
    expect(html).toContain('<mark>x@example.org</mark>');
    expect(html).toContain('rule Personal data (#1, version 1)');
    expect(html).toMatch(/matched <q><bdi>x@example.org<\/bdi><\/q> at \d+–\d+/);
    expect(html).toContain('1 messages · 0 rejected');
    expect(html).toContain('class="sender-status"');
    // Context lines carry their times; the current flag is not repeated as a previous one.
    expect(html).toMatch(/<time datetime="2026-05-01T12:00:06.000Z"[^>]*>12:00:06<\/time>/);
    expect(html).toContain('<h3>Previous flags</h3><ul></ul>');
    // The two blocks cannot be confused, and both ask first.
    expect(html).toContain('Block sender');
    expect(html).toMatch(/class="sender-block"[^>]*hx-confirm="Block this sender\?/);
  });

  it('decides and goes on to the next item without JavaScript', async () => {
    const { h, b, post } = await setup();
    await post({ message_id: 1, message: 'a@example.org', sender_id: 'x' });
    await post({ message_id: 2, message: 'b@example.org', sender_id: 'y' });
    const [first, second] = [messageIdOf(h, '1'), messageIdOf(h, '2')];
    const html = await (await get(h, `/messages/${first}`, b)).text();
    expect(html).toContain(`name="next" value="/messages/${second}"`);
    const res = await decide(h, b, first, { verdict: 'approve', next: `/messages/${second}` });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/messages/${second}\\?decided=\\d+$`));
    // The next item says what happened to the previous one, with Undo.
    const page = await (await get(h, location, b)).text();
    expect(page).toContain('Done: approve.');
    expect(page).toContain('name="d"');
    expect(page).toContain('<bdi class="chat-text">a@example.org</bdi>');
  });

  it('adds notes and changes the sender status, audited', async () => {
    const { h, b, post } = await setup();
    await post({ message_id: 1, message: 'hello', sender_id: 'troll' });
    const id = messageIdOf(h, '1');
    const noted = await postForm(
      h,
      `/messages/${id}/notes`,
      { _csrf: b.csrfToken, text: 'second warning' },
      { cookie: b.cookie },
    );
    expect(noted.status).toBe(303);
    const senderId = (
      h.db.$client.prepare("SELECT id FROM senders WHERE external_id = 'troll'").get() as {
        id: number;
      }
    ).id;
    // Blocking asks first (a page, without JavaScript), then blocks once confirmed.
    const asked = await postForm(
      h,
      `/senders/${senderId}/status`,
      { _csrf: b.csrfToken, status: 'blocked', back: `/messages/${id}` },
      { cookie: b.cookie },
    );
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('Block sender?');
    expect(h.count('audit_log', "action = 'sender.set_status'")).toBe(0);
    const status = await postForm(
      h,
      `/senders/${senderId}/status`,
      { _csrf: b.csrfToken, status: 'blocked', confirmed: '1', back: `/messages/${id}` },
      { cookie: b.cookie },
    );
    expect(status.status).toBe(303);
    await postForm(
      h,
      `/messages/${id}/decision`,
      { _csrf: b.csrfToken, basis: '', verdict: 'reject' },
      { cookie: b.cookie },
    );
    const html = await (await get(h, `/messages/${id}`, b)).text();
    expect(html).toMatch(
      /<ul class="previous-decisions"><li><a href="\/messages\/\d+">reject<\/a> by moderator1/,
    );
    expect(html).toContain('second warning');
    expect(html).toContain('<strong class="sender-blocked">blocked</strong>');
    expect(h.count('audit_log', "action IN ('note.add', 'sender.set_status')")).toBe(2);
  });

  it('answers an unknown item with 404', async () => {
    const { h, b } = await setup();
    expect((await get(h, '/messages/999', b)).status).toBe(404);
  });
});

describe('all messages', () => {
  it('lists and searches every message, flagged or not, and shows a channel timeline', async () => {
    const { h, b, post } = await setup();
    await post({ message_id: 1, message: 'hello world', channel: 'room-a' });
    await post({ message_id: 2, message: 'goodbye world', channel: 'room-b' });
    const all = await (await get(h, '/messages', b)).text();
    expect(all).toContain('hello world');
    expect(all).toContain('goodbye world');
    const searched = await (await get(h, '/messages?q=hello', b)).text();
    expect(searched).toContain('hello world');
    expect(searched).not.toContain('goodbye world');
    const timeline = await (await get(h, '/messages?channel=room-b', b)).text();
    expect(timeline).toContain('Channel timeline');
    expect(timeline).not.toContain('hello world');
  });
});

describe('live updates', () => {
  it('streams a review event when a message is flagged', async () => {
    const { h, b, post } = await setup();
    const controller = new AbortController();
    const res = await h.app.request('/events', {
      headers: { cookie: b.cookie, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const first = await reader.read(); // the first ping
    received += decoder.decode(first.value);
    await post({ message_id: 1, message: 'a@example.org' });
    const deadline = Date.now() + 3000;
    while (!received.includes('event: review') && Date.now() < deadline) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<null>((r) => setTimeout(() => r(null), 500)),
      ]);
      if (chunk && chunk.value) received += decoder.decode(chunk.value);
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(received).toContain('event: review');
  });
});

describe('undo, batches and notices that follow the outcome', () => {
  const htmx = { 'hx-request': 'true' };
  const stateOf = (h: Harness, id: number) =>
    (
      h.db.$client.prepare('SELECT moderation_state AS s FROM messages WHERE id = ?').get(id) as {
        s: string;
      }
    ).s;
  const decisionIdOf = (html: string) => Number(/data-decisions="(\d+)"/.exec(html)![1]);
  const undo = (h: Harness, b: Browser, ids: number[], headers: Record<string, string> = htmx) =>
    h.app.request('/decisions/undo', {
      method: 'POST',
      headers: {
        ...BROWSER,
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://localhost',
        cookie: b.cookie,
        ...headers,
      },
      body: new URLSearchParams([
        ['_csrf', b.csrfToken],
        ...ids.map((id): [string, string] => ['d', String(id)]),
      ]),
    });

  it('undoes a decision back to unreviewed, flags open again, audited, and the row returns', async () => {
    const { h, b, post } = await setup();
    await post({ message_id: 1, message: 'a@example.org' });
    const id = messageIdOf(h, '1');
    // One flag, or two on a busy machine (the rules' time budget ran out): all reopen.
    const open = h.count('flags', "status = 'open'");
    expect(open).toBeGreaterThan(0);
    const decided = await (await decide(h, b, id, { verdict: 'reject' }, htmx)).text();
    expect(stateOf(h, id)).toBe('rejected');
    expect(h.count('flags', "status = 'open'")).toBe(0);
    h.advance(10_000);
    const res = await undo(h, b, [decisionIdOf(decided)]);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Undone by moderator1: your reject no longer stands');
    expect(html).not.toContain('class="undo"');
    expect(stateOf(h, id)).toBe('unreviewed');
    expect(h.count('flags', "status = 'open'")).toBe(open);
    expect(h.count('audit_log', "action = 'decision.undo'")).toBe(1);
    expect(await (await get(h, '/queue/list', b)).text()).toContain('a@example.org');
    // The item view's decision history says it was undone.
    expect(await (await get(h, `/messages/${id}`, b)).text()).toContain(
      '<strong class="undone"> — undone by moderator1</strong>',
    );
  });

  it('undoes back to the previous decision as a new decision', async () => {
    const { h, b, post } = await setup();
    const other = await signedIn(h, 'moderator', 'other');
    await post({ message_id: 1, message: 'a@example.org' });
    const id = messageIdOf(h, '1');
    const first = decisionIdOf(
      await (await decide(h, other, id, { verdict: 'approve' }, htmx)).text(),
    );
    const second = decisionIdOf(
      await (await decide(h, b, id, { verdict: 'reject', basis: String(first) }, htmx)).text(),
    );
    expect(stateOf(h, id)).toBe('rejected');
    await undo(h, b, [second]);
    expect(stateOf(h, id)).toBe('approved');
    expect(h.count('decisions')).toBe(3);
    expect(h.count('audit_log', "action = 'decision.undo' AND actor = 'account:moderator1'")).toBe(
      1,
    );
  });

  it('refuses an undo after the window, after a later decision, by an auditor or without CSRF', async () => {
    const { h, b, post } = await setup();
    const other = await signedIn(h, 'moderator', 'other');
    const auditor = await signedIn(h, 'auditor', 'aud');
    await post({ message_id: 1, message: 'a@example.org' });
    await post({ message_id: 2, message: 'b@example.org' });
    const [one, two] = [messageIdOf(h, '1'), messageIdOf(h, '2')];
    const late = decisionIdOf(await (await decide(h, b, one, { verdict: 'approve' }, htmx)).text());
    const early = decisionIdOf(
      await (await decide(h, b, two, { verdict: 'approve' }, htmx)).text(),
    );
    expect((await undo(h, auditor, [late])).status).toBe(403);
    expect((await undo(h, { ...b, csrfToken: 'forged' }, [late])).status).toBe(403);
    // Another moderator rejects message 2 meanwhile: undoing the approve would clobber it.
    await decide(h, other, two, { verdict: 'reject', basis: String(early) });
    const changed = await (await undo(h, b, [early])).text();
    expect(changed).toContain('Overruled: reject by other now stands.');
    expect(changed).toContain('Not undone where someone decided since.');
    expect(stateOf(h, two)).toBe('rejected');
    h.advance(5 * 60_000 + 1);
    const expired = await (await undo(h, b, [late])).text();
    expect(expired).toContain('Not undone where the undo window has passed.');
    expect(stateOf(h, one)).toBe('approved');
    expect(h.count('audit_log', "action = 'decision.undo'")).toBe(0);
  });

  it('decides a batch with one notice and undoes it with one Undo', async () => {
    const { h, b, post } = await setup();
    for (const n of [1, 2, 3]) await post({ message_id: n, message: `m${n}@example.org` });
    const ids = ['1', '2', '3'].map((e) => messageIdOf(h, e));
    const res = await h.app.request('/queue/decide', {
      method: 'POST',
      headers: {
        ...BROWSER,
        ...htmx,
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'http://localhost',
        cookie: b.cookie,
      },
      body: new URLSearchParams([
        ['_csrf', b.csrfToken],
        ['verdict', 'reject'],
        ...ids.map((id): [string, string] => ['m', `${id}:`]),
      ]),
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('reject on 3 messages: 3 done.');
    expect(html).toContain('Undo all 3');
    for (const id of ids) expect(html).toContain(`<li id="item-${id}" hx-swap-oob="delete">`);
    expect(ids.map((id) => stateOf(h, id))).toEqual(['rejected', 'rejected', 'rejected']);
    const decisionIds = /data-decisions="([\d,]+)"/.exec(html)![1]!.split(',').map(Number);
    const undone = await (await undo(h, b, decisionIds)).text();
    expect(undone).toContain('reject on 3 messages: 3 undone.');
    expect(ids.map((id) => stateOf(h, id))).toEqual(['unreviewed', 'unreviewed', 'unreviewed']);
  });

  it('offers one Undo for "reject similar", which brings the look-alikes back', async () => {
    const { h, b, post } = await setup();
    for (const [n, text] of [
      [1, 'Buy cheap pills now'],
      [2, 'BUY cheap pils now'],
    ] as const) {
      await post({ message_id: n, message: text });
    }
    const ids = ['1', '2'].map((e) => messageIdOf(h, e));
    for (const id of ids) {
      h.db.$client
        .prepare(
          `INSERT INTO flags (message_id, origin, severity, status, reason, actor, created_at)
           VALUES (?, 'pending', 'low', 'open', 'waiting', 'pre-moderation', ?)`,
        )
        .run(id, h.deps.now());
    }
    const res = await postForm(
      h,
      `/messages/${ids[0]}/reject-similar`,
      { _csrf: b.csrfToken, confirmed: '1' },
      { cookie: b.cookie, ...htmx },
    );
    const html = await res.text();
    expect(html).toContain('Rejected this message and 1 pending look-alike.');
    expect(html).toContain('Undo all 2');
    const decisionIds = /data-decisions="([\d,]+)"/.exec(html)![1]!.split(',').map(Number);
    await undo(h, b, decisionIds);
    expect(ids.map((id) => stateOf(h, id))).toEqual(['unreviewed', 'unreviewed']);
    expect(h.count('flags', "status = 'open' AND origin = 'pending'")).toBe(2);
  });

  it('refreshes a notice only when its outcome changed: a later, stricter decision is told', async () => {
    const { h, b, post } = await setup();
    const other = await signedIn(h, 'moderator', 'other');
    await post({ message_id: 1, message: 'a@example.org' });
    const id = messageIdOf(h, '1');
    const html = await (await decide(h, b, id, { verdict: 'highlight' }, htmx)).text();
    const refresh = /hx-get="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');
    expect((await get(h, refresh, b)).status).toBe(204);
    await decide(h, other, id, { verdict: 'approve', basis: String(decisionIdOf(html)) });
    const res = await get(h, refresh, b);
    expect(res.status).toBe(200);
    const told = await res.text();
    expect(told).toContain('Overruled: approve by other now stands. Your highlight applied first.');
    expect(told).not.toContain('class="undo"');
  });
});
