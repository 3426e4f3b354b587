import { describe, expect, it } from 'vitest';
import { addSource } from '../../src/sources/add-source.ts';
import { BROWSER, signedIn, type Browser } from '../helpers/dashboard.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

const ROOM_A = '1cb5a93b-3075-4c1e-9d2a-5b7f0e6c8a11';
const ROOM_B = '7d0e44aa-1b2c-4d3e-8f90-a1b2c3d4e5f6';

async function setup() {
  const h = createHarness();
  const { id } = addFixtureSource(h);
  const b = await signedIn(h, 'moderator');
  const post = (overrides: Record<string, unknown>) =>
    postSigned(h, id, textPayload(overrides), eventyayFixtures.secret);
  await post({
    message_id: 1,
    message: 'hello world',
    channel: ROOM_A,
    timestamp: '2026-04-28T12:00:00+00:00',
  });
  await post({
    message_id: 2,
    message: 'goodbye world',
    channel: ROOM_B,
    timestamp: '2026-04-30T12:00:00+00:00',
  });
  await post({
    message_id: 3,
    message: 'mail jane@example.org and bob@example.org',
    channel: ROOM_B,
    timestamp: '2026-04-30T13:00:00+00:00',
  });
  h.db.$client
    .prepare('UPDATE channels SET label = ? WHERE external_id = ?')
    .run('Main <hall>', ROOM_A);
  return { h, b, sourceId: id };
}

const page = async (h: Harness, b: Browser, path: string) => {
  const res = await h.app.request(path, { headers: { ...BROWSER, cookie: b.cookie } });
  expect(res.status).toBe(200);
  return res.text();
};

describe('/messages', () => {
  it('names channels by label or short id, never the bare UUID as the name', async () => {
    const { h, b } = await setup();
    const html = await page(h, b, '/messages');
    expect(html).toContain('<bdi>Main &lt;hall&gt;</bdi></a>');
    expect(html).toContain(`<bdi>Channel ${ROOM_B.slice(0, 8)}</bdi></a>`);
    expect(html).not.toMatch(new RegExp(`<bdi>${ROOM_A}</bdi>`));
    // The pickers list names, with the id as the value the URL carries.
    expect(html).toMatch(new RegExp(`<option value="${ROOM_A}">Main &lt;hall&gt;</option>`));
    expect(html).toContain('1 open flag');
    expect(html).not.toContain('1 open flags');
  });

  it('filters by a picked channel, dates and state, keeping them in the URL', async () => {
    const { h, b } = await setup();
    const timeline = await page(h, b, `/messages?channel=${ROOM_A}`);
    expect(timeline).toContain('Channel timeline: <bdi>Main &lt;hall&gt;</bdi>');
    expect(timeline).toContain('hello world');
    expect(timeline).not.toContain('goodbye world');
    expect(timeline).toContain(`<option value="${ROOM_A}" selected="">`);
    const dated = await page(h, b, '/messages?since=2026-04-29&until=2026-04-30');
    expect(dated).not.toContain('hello world');
    expect(dated).toContain('goodbye world');
    expect(dated).toContain('name="since" value="2026-04-29"');
    expect(dated).toContain('name="until" value="2026-04-30"');
    expect(dated).toContain('href="/export/messages.csv?since=2026-04-29&amp;until=2026-04-30"');
    const early = await page(h, b, '/messages?until=2026-04-29');
    expect(early).toContain('hello world');
    expect(early).not.toContain('goodbye world');
    const state = await page(h, b, '/messages?state=approved');
    expect(state).toContain('No messages match.');
  });

  it('offers a source picker once there are several sources, and filters by it', async () => {
    const { h, b } = await setup();
    addSource(h.deps, { kind: 'eventyay', name: 'Second hall' }, 'test');
    const html = await page(h, b, '/messages');
    expect(html).toContain('>Second hall</option>');
    const second = h.db.$client
      .prepare("SELECT id FROM sources WHERE name = 'Second hall'")
      .get() as {
      id: string;
    };
    expect(await page(h, b, `/messages?source=${second.id}`)).toContain('No messages match.');
  });

  it('labels every filter field', async () => {
    const { h, b } = await setup();
    const html = await page(h, b, '/messages');
    for (const label of ['Text', 'Sender', 'Channel', 'State', 'Sent from', 'to']) {
      expect(html).toMatch(new RegExp(`<label>${label}\\s?<(input|select)`));
    }
  });

  it('answers 422 to a malformed date', async () => {
    const { h, b } = await setup();
    const res = await h.app.request('/messages?since=May', {
      headers: { ...BROWSER, cookie: b.cookie },
    });
    expect(res.status).toBe(422);
  });
});
