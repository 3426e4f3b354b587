import { describe, expect, it } from 'vitest';
import { BROWSER, signedIn, type Browser } from '../helpers/dashboard.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

// Issue 13: one stored time outside what a JavaScript Date holds (±8.64e15 ms) made every page
// that shows it answer 500. Views must show any stored value.
const ODD_TIMES = [1.7e18, 8.64e15 + 1, -8.64e15 - 1, -1, 1.5, 'soon'] as const;

const get = (h: Harness, path: string, b: Browser) =>
  h.app.request(path, { headers: { ...BROWSER, cookie: b.cookie } });

async function setup(at: number | string) {
  const h = createHarness();
  const { id: sourceId } = addFixtureSource(h);
  await postSigned(
    h,
    sourceId,
    textPayload({ message_id: 1, message: 'mail jane@example.org' }),
    eventyayFixtures.secret,
  );
  const sql = h.db.$client;
  const { id } = sql.prepare('SELECT id FROM messages').get() as { id: number };
  // Every stored time those pages show, set to the odd value.
  sql.prepare('UPDATE messages SET sent_at = ?, received_at = ?').run(at, at);
  sql.prepare('UPDATE flags SET created_at = ?').run(at);
  sql.prepare('UPDATE deliveries SET received_at = ?').run(at);
  sql.prepare('UPDATE audit_log SET at = ?').run(at);
  sql.prepare('UPDATE senders SET first_seen_at = ?, last_seen_at = ?').run(at, at);
  sql.prepare('UPDATE channels SET last_seen_at = ?').run(at);
  sql.prepare('UPDATE source_secrets SET created_at = ?').run(at);
  return { h, messageId: id, sourceId };
}

describe('pages with an out-of-range stored time', () => {
  it.each(ODD_TIMES)('answer 200 and show the time as invalid (%s)', async (at) => {
    const { h, messageId, sourceId } = await setup(at);
    const b = await signedIn(h, 'admin');
    for (const path of [
      '/',
      '/messages',
      `/messages/${messageId}`,
      '/audit',
      `/sources/${sourceId}`,
      '/sources',
      '/channels',
    ]) {
      const res = await get(h, path, b);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      if (typeof at === 'string' || Math.abs(at) > 8.64e15) {
        expect(html, path).toContain('invalid time');
      }
    }
  });
});
