import { describe, expect, it } from 'vitest';
import { languageDetectionSettled } from '../../src/language/detect-language.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { BROWSER, postForm, setCookieFor, signedIn, type Browser } from '../helpers/dashboard.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

// The queue side of pre-moderation (issue 9): pending items, languages, shares, look-alikes.
// Pending flags and languages are written directly, as ingest would (src/premod/, src/language/),
// so these tests do not depend on a channel's mode or on the detector.

async function setup(role: 'admin' | 'moderator' | 'auditor' = 'moderator') {
  const h = createHarness();
  const { id } = addFixtureSource(h);
  const b = await signedIn(h, role);
  /** Posts a message and returns its id. */
  const post = async (externalId: number, text: string, sender = `s${externalId}`) => {
    const payload = textPayload({ message_id: externalId, message: text, sender_id: sender });
    const res = await postSigned(h, id, payload, eventyayFixtures.secret);
    expect(res.status).toBe(200);
    return (
      h.db.$client
        .prepare('SELECT id FROM messages WHERE external_id = ?')
        .get(String(externalId)) as { id: number }
    ).id;
  };
  return { h, b, post };
}

/** Waits for approval, as a message of a pre-moderated channel does. */
function pend(h: Harness, messageId: number) {
  h.db.$client
    .prepare(
      `INSERT INTO flags (message_id, origin, severity, status, reason, actor, created_at)
       VALUES (?, 'pending', 'low', 'open', 'Pre-moderated channel: waiting for approval',
         'pre-moderation', ?)`,
    )
    .run(messageId, h.deps.now());
}

/** A report on a message: flagged, not pending. */
function report(h: Harness, messageId: number) {
  h.db.$client
    .prepare(
      `INSERT INTO flags (message_id, origin, severity, status, reason, actor, created_at)
       VALUES (?, 'report', 'medium', 'open', 'reported', 'test', ?)`,
    )
    .run(messageId, h.deps.now());
}

/** Band `index` of `of` holds the messages whose id modulo `of` is `index - 1`. */
const inBand = (index: number, of: number) => (id: number) => id % of === index - 1;

/** Sets a message's language once the detector has had its say (it stores a moment later). */
async function setLanguage(h: Harness, messageId: number, language: string | null) {
  await languageDetectionSettled(h.db);
  h.db.$client.prepare('UPDATE messages SET language = ? WHERE id = ?').run(language, messageId);
}

const get = (h: Harness, path: string, b: Browser, cookie = '') =>
  h.app.request(path, {
    headers: { ...BROWSER, cookie: [b.cookie, cookie].filter(Boolean).join('; ') },
  });

const order = (html: string) =>
  [...html.matchAll(/<li class="queue-row[^"]*"[^>]*data-message-id="(\d+)"/g)].map((m) =>
    Number(m[1]),
  );

/** Takes a share through the form; returns the cookie it sets. */
async function takeShare(h: Harness, b: Browser, band: string, language = '') {
  const res = await postForm(
    h,
    '/queue/share',
    { _csrf: b.csrfToken, band, language, back: '/?q=' },
    { cookie: b.cookie },
  );
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/?q=');
  return setCookieFor(res, 'modhook_share')!.split(';')[0]!;
}

describe('pending items in the queue', () => {
  it('badges pending items, puts flagged pending ones first and counts pending apart', async () => {
    const { h, b, post } = await setup();
    const pendingOnly = await post(1, 'a plain question');
    h.advance(1000);
    const flaggedPending = await post(2, 'mail me at a@example.org');
    pend(h, pendingOnly);
    pend(h, flaggedPending);
    h.advance(1000);
    const flaggedOnly = await post(3, 'or b@example.org');
    const laterPending = await post(4, 'another question');
    pend(h, laterPending);
    const html = await (await get(h, '/', b)).text();
    expect(order(html)).toEqual([flaggedPending, flaggedOnly, pendingOnly, laterPending]);
    expect(html).toContain(
      '<strong data-total="4">4</strong> open: 0 high, 2 medium, 0 low · <span class="pending-count" data-pending="3">3 pending approval</span> (1 of them flagged)',
    );
    const row = (id: number) =>
      new RegExp(
        `<li class="queue-row ([^"]*)"[^>]*data-message-id="${id}"[^>]*data-pending="(\\w+)"`,
      );
    expect(row(pendingOnly).exec(html)?.slice(1)).toEqual(['pending-only', 'only']);
    expect(row(flaggedPending).exec(html)?.slice(1)).toEqual(['severity-medium', 'flagged']);
    expect(html).toContain('<span class="badge pending">pending</span>');
    // The origin filter keeps each item's whole picture: the flagged one still leads.
    const onlyPending = await (await get(h, '/queue/list?origin=pending', b)).text();
    expect(order(onlyPending)).toEqual([flaggedPending, pendingOnly, laterPending]);
    expect(order(await (await get(h, '/queue/list?origin=rule', b)).text())).toEqual([
      flaggedPending,
      flaggedOnly,
    ]);
  });

  it('offers reject similar and block similar on pending rows and items only', async () => {
    const { h, b, post } = await setup();
    const waiting = await post(1, 'buy cheap pills');
    const flagged = await post(2, 'a@example.org');
    pend(h, waiting);
    const html = await (await get(h, '/', b)).text();
    expect(html).toContain(`action="/messages/${waiting}/reject-similar"`);
    expect(html).toContain(`action="/messages/${waiting}/block-similar"`);
    expect(html).not.toContain(`/messages/${flagged}/reject-similar`);
    expect(html).toContain('hx-confirm=');
    const item = await (await get(h, `/messages/${waiting}`, b)).text();
    expect(item).toContain('pending approval');
    expect(item).toContain(`action="/messages/${waiting}/block-similar"`);
    expect(item).toContain(`name="back" value="/messages/${waiting}"`);
    const auditor = await signedIn(h, 'auditor');
    expect(await (await get(h, '/', auditor)).text()).not.toContain('reject-similar');
  });
});

describe('the language filter', () => {
  it('lists the languages present with counts and filters by one, keeping it in links', async () => {
    const { h, b, post } = await setup();
    const ids = [];
    for (const [i, language] of (['de', 'de', 'en', null] as const).entries()) {
      const id = await post(i + 1, `mail ${i}@example.org`);
      await setLanguage(h, id, language);
      ids.push(id);
    }
    const page = await (await get(h, '/', b)).text();
    expect(page).toContain('<option value="de">German (2)</option>');
    expect(page).toContain('<option value="en">English (1)</option>');
    expect(page).toContain('<option value="und">Unknown language (1)</option>');
    expect(page).toContain('href="/?lang=en" data-language="en">English 1</a>');
    // No separator straight after the label; one between languages.
    expect(page).toMatch(/Languages: <a href="\/\?lang=\w+"/);
    expect(page).not.toContain('Languages: ·');

    const german = await (await get(h, '/?lang=de&severity=medium', b)).text();
    expect(order(german)).toEqual([ids[0], ids[1]]);
    expect(german).toContain('<strong data-total="2">2</strong> open');
    expect(german).toContain('<option value="de" selected="">German (2)</option>');
    // The live list and the export link carry the filter.
    expect(german).toContain('hx-get="/queue/list?lang=de&amp;severity=medium"');
    expect(german).toMatch(
      /href="\/export\/messages\.csv\?lang=de&amp;severity=medium&amp;open=1"/,
    );
    expect(order(await (await get(h, '/queue/list?lang=und', b)).text())).toEqual([ids[3]]);
    expect(order(await (await get(h, '/queue/list?lang=fr', b)).text())).toEqual([]);
  });

  it('answers a malformed language with 422', async () => {
    const { h, b } = await setup();
    const res = await h.app.request('/queue/list?lang=%3Cb%3E', {
      headers: { cookie: b.cookie, accept: 'application/json' },
    });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain('lang');
  });
});

describe('shares of the queue', () => {
  it('splits the queue into disjoint bands that cover it, shown and kept by the live list', async () => {
    const { h, b, post } = await setup();
    const all: number[] = [];
    for (let i = 1; i <= 9; i++) all.push(await post(i, `write to x${i}@example.org`));
    const first = await takeShare(h, b, '1/2');
    const second = await takeShare(h, b, '2/2');
    const one = await (await get(h, '/queue/list', b, first)).text();
    const two = await (await get(h, '/queue/list', b, second)).text();
    expect(one).toContain('Your share: <strong>1 of 2</strong>');
    expect(two).toContain('Your share: <strong>2 of 2</strong>');
    const [a, c] = [order(one), order(two)];
    expect(a.sort()).toEqual(all.filter(inBand(1, 2)).sort());
    expect(c.length).toBeGreaterThan(0);
    expect(a.filter((id) => c.includes(id))).toEqual([]);
    expect([...a, ...c].sort((x, y) => x - y)).toEqual(all);
    // Three bands partition it too.
    const thirds = [];
    for (const band of ['1/3', '2/3', '3/3']) {
      thirds.push(...order(await (await get(h, '/', b, await takeShare(h, b, band))).text()));
    }
    expect(thirds.sort((x, y) => x - y)).toEqual(all);
    // Without the cookie: the whole queue.
    const whole = await (await get(h, '/queue/list', b)).text();
    expect(whole).toContain('Your share: <strong>the whole queue</strong>');
    expect(order(whole)).toHaveLength(9);
  });

  it('takes a language as a share, with a band, and shows it', async () => {
    const { h, b, post } = await setup();
    const ids: number[] = [];
    for (let i = 1; i <= 6; i++) {
      const id = await post(i, `write to x${i}@example.org`);
      await setLanguage(h, id, i <= 4 ? 'de' : 'en');
      ids.push(id);
    }
    const cookie = await takeShare(h, b, '1/2', 'de');
    const html = await (await get(h, '/queue/list', b, cookie)).text();
    expect(html).toContain('Your share: <strong>1 of 2 · German</strong>');
    const german = ids.slice(0, 4);
    expect(order(html).sort()).toEqual(german.filter(inBand(1, 2)).sort());
    const page = await (await get(h, '/', b, cookie)).text();
    expect(page).toContain('<option value="1/2" selected="">1 of 2</option>');
    expect(page).toContain('<option value="de" selected="">German</option>');
  });

  it("ignores another moderator's share cookie and refuses a made-up band", async () => {
    const { h, b, post } = await setup();
    await post(1, 'a@example.org');
    await post(2, 'b@example.org');
    const cookie = await takeShare(h, b, '1/2');
    const other = await signedIn(h, 'moderator', 'other');
    const html = await (await get(h, '/queue/list', other, cookie)).text();
    expect(html).toContain('the whole queue');
    expect(order(html)).toHaveLength(2);
    const bad = await postForm(
      h,
      '/queue/share',
      { _csrf: b.csrfToken, band: '3/2', language: '' },
      { cookie: b.cookie, accept: 'application/json' },
    );
    expect(bad.status).toBe(422);
    const noToken = await postForm(h, '/queue/share', { band: '1/2' }, { cookie: b.cookie });
    expect(noToken.status).toBe(403);
  });

  it('sends "decide and next" to the next item of the share', async () => {
    const { h, b, post } = await setup();
    const ids: number[] = [];
    for (let i = 1; i <= 4; i++) ids.push(await post(i, `x${i}@example.org`));
    const cookie = await takeShare(h, b, '2/2');
    const mine = ids.filter(inBand(2, 2));
    const html = await (await get(h, `/messages/${mine[0]}`, b, cookie)).text();
    expect(html).toContain(`name="next" value="/messages/${mine[1]}"`);
  });
});

describe('several moderators', () => {
  it('removes an item decided by another moderator from the next list fragment and signals it', async () => {
    const { h, b, post } = await setup();
    const other = await signedIn(h, 'moderator', 'other');
    const id = await post(1, 'a@example.org');
    pend(h, id);
    const kept = await post(2, 'b@example.org');
    expect(order(await (await get(h, '/queue/list', b)).text())).toEqual([id, kept]);

    const controller = new AbortController();
    const res = await h.app.request('/events', {
      headers: { cookie: b.cookie, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    const reader = res.body!.getReader();
    await reader.read(); // the first ping; the watcher now knows the newest ids
    const decided = await postForm(
      h,
      `/messages/${id}/decision`,
      { _csrf: other.csrfToken, basis: '', verdict: 'approve' },
      { cookie: other.cookie },
    );
    expect(decided.status).toBe(303);
    const started = Date.now();
    let received = '';
    const decoder = new TextDecoder();
    // One read at a time: a read that lost the race to the timeout still gets the next chunk.
    let reading = reader.read();
    while (!received.includes('event: review') && Date.now() - started < 2000) {
      const chunk = await Promise.race([
        reading,
        new Promise<null>((r) => setTimeout(() => r(null), 250)),
      ]);
      if (chunk === null) continue;
      if (chunk.value) received += decoder.decode(chunk.value);
      if (chunk.done) break;
      reading = reader.read();
    }
    const waited = Date.now() - started;
    controller.abort();
    await reader.cancel().catch(() => undefined);
    expect(received).toContain('event: review');
    expect(waited).toBeLessThan(1000);
    const after = await (await get(h, '/queue/list', b)).text();
    expect(order(after)).toEqual([kept]);
    expect(after).not.toContain('pending approval');
  });
});

describe('reject similar and block similar', () => {
  async function pendingLookAlikes() {
    const s = await setup();
    const ids = {
      chosen: await s.post(1, 'Buy cheap pills now'),
      alike: await s.post(2, 'BUY cheap pils now'),
      other: await s.post(3, 'When does the keynote start?'),
      flaggedOnly: await s.post(4, 'buy cheap pills now'),
    };
    for (const id of [ids.chosen, ids.alike, ids.other]) pend(s.h, id);
    report(s.h, ids.flaggedOnly);
    return { ...s, ids };
  }
  const similar = (
    h: Harness,
    b: Browser,
    id: number,
    action: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ) =>
    postForm(
      h,
      `/messages/${id}/${action}`,
      { _csrf: b.csrfToken, ...fields },
      { cookie: b.cookie, ...headers },
    );
  const state = (h: Harness, id: number) =>
    (
      h.db.$client.prepare('SELECT moderation_state AS s FROM messages WHERE id = ?').get(id) as {
        s: string;
      }
    ).s;

  it('rejects the pending look-alikes from a queue row and says how many', async () => {
    const { h, b, ids } = await pendingLookAlikes();
    const res = await similar(
      h,
      b,
      ids.chosen,
      'reject-similar',
      { confirmed: '1' },
      { 'hx-request': 'true' },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    // The notice for the notice area, and both rows leave the list at once.
    expect(html).toContain('Rejected this message and 1 pending look-alike.');
    expect(html).toContain(`<li id="item-${ids.alike}" hx-swap-oob="delete">`);
    expect(state(h, ids.chosen)).toBe('rejected');
    expect(state(h, ids.alike)).toBe('rejected');
    expect(state(h, ids.other)).toBe('unreviewed');
    expect(state(h, ids.flaggedOnly)).toBe('unreviewed');
    expect(h.count('audit_log', "action = 'message.reject_similar'")).toBe(2);
    expect(order(await (await get(h, '/queue/list', b)).text())).toEqual([
      ids.flaggedOnly,
      ids.other,
    ]);
  });

  it('blocks look-alikes from the item view and redirects there with the count', async () => {
    const { h, b, ids } = await pendingLookAlikes();
    const res = await similar(h, b, ids.chosen, 'block-similar', {
      confirmed: '1',
      back: `/messages/${ids.chosen}`,
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/messages/${ids.chosen}\\?done=`));
    expect(h.count('blocked_patterns')).toBe(1);
    expect(h.count('audit_log', "action = 'blocked_pattern.create'")).toBe(1);
    const page = await (await get(h, location, b)).text();
    expect(page).toMatch(
      /Blocked look-alikes in this channel from now on \(pattern #\d+\)\. Rejected this message and 1 pending look-alike\./,
    );
  });

  it('asks first when posted without JavaScript', async () => {
    const { h, b, ids } = await pendingLookAlikes();
    const res = await similar(h, b, ids.chosen, 'reject-similar', { back: '' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Reject similar?');
    expect(html).toContain('name="confirmed" value="1"');
    expect(h.count('decisions')).toBe(0);
  });

  it('refuses auditors and requests without the CSRF token', async () => {
    const { h, b, ids } = await pendingLookAlikes();
    const auditor = await signedIn(h, 'auditor', 'auditor1');
    for (const action of ['reject-similar', 'block-similar']) {
      expect((await similar(h, auditor, ids.chosen, action, { confirmed: '1' })).status).toBe(403);
      const noToken = await postForm(
        h,
        `/messages/${ids.chosen}/${action}`,
        { confirmed: '1' },
        { cookie: b.cookie },
      );
      expect(noToken.status).toBe(403);
    }
    expect(h.count('decisions')).toBe(0);
    expect(h.count('blocked_patterns')).toBe(0);
  });

  it('answers an unknown message with 404', async () => {
    const { h, b } = await setup();
    const res = await similar(h, b, 999, 'reject-similar', { confirmed: '1' });
    expect(res.status).toBe(404);
  });
});

describe('hostile text', () => {
  it('renders pending text, names and language codes escaped', async () => {
    const { h, b, post } = await setup();
    const id = await post(1, '<img src=x onerror=alert(1)>', 'evil');
    h.db.$client.prepare("UPDATE messages SET screen_name = '<b>Eve</b>' WHERE id = ?").run(id);
    await setLanguage(h, id, '<i>');
    pend(h, id);
    const html = await (await get(h, '/', b)).text();
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;b&gt;Eve&lt;/b&gt;');
    expect(html).toContain('&lt;i&gt;');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>Eve');
    const confirm = await (
      await postForm(
        h,
        `/messages/${id}/reject-similar`,
        { _csrf: b.csrfToken },
        { cookie: b.cookie },
      )
    ).text();
    expect(confirm).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(confirm).not.toContain('<img src=x');
  });
});
