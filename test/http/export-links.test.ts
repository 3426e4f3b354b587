import { describe, expect, it } from 'vitest';
import { CHANNEL, eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
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
  return Object.assign(h, { sourceId: id });
}

const hrefs = (html: string) =>
  [...html.matchAll(/href="(\/export\/[^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

describe('export links on the list screens', () => {
  it('/messages links its messages, flags and decisions, each with the filters it takes', async () => {
    const h = await setup();
    const b = await signedIn(h, 'moderator');
    const html = await (
      await h.app.request(`/messages?q=mail&channel=${CHANNEL}`, {
        headers: { ...BROWSER, cookie: b.cookie },
      })
    ).text();
    expect(hrefs(html)).toEqual([
      `/export/messages.csv?q=mail&channel=${CHANNEL}`,
      `/export/flags.csv?channel=${CHANNEL}`,
      `/export/decisions.csv?channel=${CHANNEL}`,
    ]);
    // The flags link answers with the flag the message raised.
    const csv = await (
      await h.app.request(hrefs(html)[1]!, { headers: { cookie: b.cookie } })
    ).text();
    expect(csv.trim().split('\r\n')).toHaveLength(2);
    expect(csv).toContain('a@example.org');
  });

  it("a source's page links the exports of that source", async () => {
    const h = await setup();
    const b = await signedIn(h, 'admin');
    const html = await (
      await h.app.request(`/sources/${h.sourceId}`, { headers: { ...BROWSER, cookie: b.cookie } })
    ).text();
    expect(hrefs(html)).toEqual(
      ['messages', 'flags', 'decisions'].map((k) => `/export/${k}.csv?source=${h.sourceId}`),
    );
  });

  it('/activity links the exports of its 30 days', async () => {
    const h = await setup();
    const b = await signedIn(h, 'auditor');
    const html = await (
      await h.app.request('/activity', { headers: { ...BROWSER, cookie: b.cookie } })
    ).text();
    const links = hrefs(html);
    expect(links).toHaveLength(3);
    for (const link of links) expect(link).toMatch(/\?since=\d{4}-\d{2}-\d{2}$/);
    const res = await h.app.request(links[2]!, { headers: { cookie: b.cookie } });
    expect(res.status).toBe(200);
  });
});
