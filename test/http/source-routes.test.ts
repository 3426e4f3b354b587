import { describe, expect, it } from 'vitest';
import { eventyayFixtures, fixture } from '../helpers/eventyay.ts';
import { BROWSER, signedIn } from '../helpers/dashboard.ts';
import { createHarness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postHook } from '../helpers/webhook-request.ts';

async function setup() {
  const h = createHarness({ publicUrl: 'https://mod.example.org' });
  const { id } = addFixtureSource(h);
  const f = fixture('text-hostile');
  await postHook(h, id, f.body, f.signature);
  await postHook(h, id, f.body, 'sha256=' + '0'.repeat(64));
  return { h, id };
}

describe('the sources screens', () => {
  it('lists sources with their URL and counts, never a secret', async () => {
    const { h, id } = await setup();
    const b = await signedIn(h, 'admin');
    const html = await (
      await h.app.request('/sources', { headers: { ...BROWSER, cookie: b.cookie } })
    ).text();
    expect(html).toContain(`https://mod.example.org/hooks/${id}`);
    expect(html).not.toContain(eventyayFixtures.secret);
  });

  it("shows a source's deliveries with reasons, and an accepted body escaped", async () => {
    const { h, id } = await setup();
    const b = await signedIn(h, 'admin');
    const list = await (
      await h.app.request(`/sources/${id}?outcome=rejected`, {
        headers: { ...BROWSER, cookie: b.cookie },
      })
    ).text();
    expect(list).toContain('signature_mismatch');
    expect(list).not.toContain('class="delivery accepted"');
    expect(list).toContain('class="delivery rejected"');
    const deliveryId = (
      h.db.$client.prepare("SELECT id FROM deliveries WHERE outcome = 'accepted'").get() as {
        id: number;
      }
    ).id;
    const body = await (
      await h.app.request(`/sources/${id}?body=${deliveryId}`, {
        headers: { ...BROWSER, cookie: b.cookie },
      })
    ).text();
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(body).not.toContain('<script>alert(1)');
  });

  it('is for admins only', async () => {
    const { h } = await setup();
    const b = await signedIn(h, 'moderator');
    expect(
      (await h.app.request('/sources', { headers: { ...BROWSER, cookie: b.cookie } })).status,
    ).toBe(403);
  });
});
