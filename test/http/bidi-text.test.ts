import { describe, expect, it } from 'vitest';
import { UserText } from '../../views/components/user-text.tsx';
import { BROWSER, postForm, signedIn, type Browser } from '../helpers/dashboard.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

// Issue 13: a right-to-left override made "\u202Enimda\u202C" read as "admin" and
// "\u202Egnp.exe" as "exe.png" in the moderators' screens. Names and texts are isolated, and the
// controls are shown as markers.

const RLO = '\u202E';
const PDF = '\u202C';
const NAME = `${RLO}nimda${PDF}`;
const TEXT = `mail jane@example.org, open ${RLO}gnp.exe${PDF}`;
const EVERY_CONTROL = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C';
const ANY_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/;

const marker = (name: string) => `<span class="bidi-control"[^>]*>⟨${name}⟩</span>`;
const NAME_SHOWN = new RegExp(`<bdi[^>]*>${marker('RLO')}nimda${marker('PDF')}</bdi>`);
const TEXT_SHOWN = new RegExp(`${marker('RLO')}gnp\\.exe${marker('PDF')}`);

async function setup() {
  const h = createHarness();
  const { id: sourceId } = addFixtureSource(h);
  await postSigned(
    h,
    sourceId,
    textPayload({ message_id: 1, message: TEXT, screen_name: NAME }),
    eventyayFixtures.secret,
  );
  const { id } = h.db.$client.prepare('SELECT id FROM messages').get() as { id: number };
  return { h, messageId: id, b: await signedIn(h, 'moderator') };
}

const html = async (h: Harness, path: string, b: Browser, headers: Record<string, string> = {}) => {
  const res = await h.app.request(path, { headers: { ...BROWSER, cookie: b.cookie, ...headers } });
  expect(res.status, path).toBe(200);
  return res.text();
};

describe('direction controls in names and texts', () => {
  it('are isolated and shown as markers in the queue, the item view and the messages list', async () => {
    const { h, messageId, b } = await setup();
    for (const path of ['/', '/queue/list', `/messages/${messageId}`, '/messages']) {
      const page = await html(h, path, b);
      expect(page, path).toMatch(NAME_SHOWN);
      expect(page, path).toMatch(TEXT_SHOWN);
      // The text sits inside an isolating element.
      expect(page, path).toMatch(/<bdi[^>]*>(?:(?!<\/bdi>).)*gnp\.exe/);
      expect(page, path).not.toMatch(ANY_CONTROL);
    }
  });

  it('are shown in the row that replaces a decided queue item', async () => {
    const { h, messageId, b } = await setup();
    const res = await postForm(
      h,
      `/messages/${messageId}/decision`,
      { _csrf: b.csrfToken, basis: '', verdict: 'reject' },
      { cookie: b.cookie, 'hx-request': 'true' },
    );
    const row = await res.text();
    expect(row).toMatch(TEXT_SHOWN);
    expect(row).not.toMatch(ANY_CONTROL);
  });

  it('leave no control character, and keep the text escaped', async () => {
    const shown = String(UserText({ text: `${EVERY_CONTROL}<b>x</b>` }));
    expect(shown).not.toMatch(ANY_CONTROL);
    for (const name of ['LRE', 'RLE', 'PDF', 'LRO', 'RLO', 'LRI', 'RLI', 'FSI', 'PDI']) {
      expect(shown).toContain(`⟨${name}⟩`);
    }
    expect(shown).toContain('⟨LRM⟩');
    expect(shown).toContain('⟨RLM⟩');
    expect(shown).toContain('⟨ALM⟩');
    expect(shown).toContain('&lt;b&gt;x&lt;/b&gt;</bdi>');
    expect(String(UserText({ text: 'plain', class: 'screen-name' }))).toBe(
      '<bdi class="screen-name">plain</bdi>',
    );
  });
});
