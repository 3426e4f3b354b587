import { describe, expect, it } from 'vitest';
import { setChannelSettings } from '../../src/channels/set-channel-settings.ts';
import { createDisplay } from '../../src/display/create-display.ts';
import { displayChanges, type DisplayEvent } from '../../src/display/display-changes.ts';
import type { DisplayRow } from '../../src/display/list-displays.ts';
import { decideMessage } from '../../src/moderation/decide-message.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

const settle = () => new Promise((r) => setTimeout(r, 800));

async function setup() {
  const h = createHarness();
  const { id: sourceId } = addFixtureSource(h);
  let next = 1;
  const post = async (message: string) => {
    const externalId = next++;
    await postSigned(
      h,
      sourceId,
      textPayload({ message_id: externalId, message }),
      eventyayFixtures.secret,
    );
    return (
      h.db.$client
        .prepare('SELECT id FROM messages WHERE external_id = ?')
        .get(String(externalId)) as {
        id: number;
      }
    ).id;
  };
  const first = await post('first');
  const channelId = (h.db.$client.prepare('SELECT id FROM channels').get() as { id: number }).id;
  setChannelSettings(h.deps, { channelId, actor: 'test', mode: 'pre' });
  const display = createDisplay(
    h.deps,
    { name: 'd', channelIds: [channelId], isPublic: false },
    'test',
  );
  return { h, post, first, channelId, display };
}

function recorder(valid: (d: DisplayRow | undefined) => boolean = () => true) {
  const events: DisplayEvent[] = [];
  return { events, watcher: { listener: (e: DisplayEvent) => events.push(e), stillValid: valid } };
}

describe('display changes', () => {
  it('tells every watcher the same differences, computed once per display', async () => {
    const { h, first, display } = await setup();
    const changes = displayChanges(h.deps);
    const a = recorder();
    const b = recorder();
    const wa = changes.watch(display.id, a.watcher);
    const wb = changes.watch(display.id, b.watcher);
    try {
      expect(wa.snapshot).toEqual([]);
      decideMessage(h.deps, { messageId: first, verdict: 'approve', basisDecisionId: null }, 't');
      await settle();
      expect(a.events).toHaveLength(1);
      expect(a.events[0]).toMatchObject({ type: 'upsert', item: { id: first, text: 'first' } });
      // The very same event objects: one feed read served both watchers.
      expect(b.events[0]).toBe(a.events[0]);
      const basis = (
        h.db.$client.prepare('SELECT decision_id AS d FROM messages WHERE id = ?').get(first) as {
          d: number;
        }
      ).d;
      decideMessage(h.deps, { messageId: first, verdict: 'reject', basisDecisionId: basis }, 't');
      await settle();
      expect(a.events.slice(1)).toEqual([{ type: 'remove', id: first }]);
      // Nothing changed since: nothing more is sent.
      await settle();
      expect(a.events).toHaveLength(2);
    } finally {
      wa.stop();
      wb.stop();
    }
  });

  it('follows a channel switched to post mode, and ends a stream whose credential lapsed', async () => {
    const { h, channelId, display } = await setup();
    const changes = displayChanges(h.deps);
    const kept = recorder();
    const lapsing = recorder((d) => d?.isPublic === true);
    const wk = changes.watch(display.id, kept.watcher);
    const wl = changes.watch(display.id, lapsing.watcher);
    try {
      setChannelSettings(h.deps, { channelId, actor: 'test', mode: 'post' });
      await settle();
      expect(kept.events).toMatchObject([{ type: 'upsert', item: { text: 'first' } }]);
      expect(lapsing.events).toEqual([{ type: 'gone' }]);
    } finally {
      wk.stop();
      wl.stop();
    }
  });
});
