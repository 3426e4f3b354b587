import type { Db } from '../../src/db/client.ts';
import { createDisplay } from '../../src/display/create-display.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { CHANNEL } from './eventyay.ts';

/**
 * An eventyay source with one pre-moderated channel ("Main hall", at CHANNEL) and a private
 * display of it: what the overlay browser tests run against.
 */
export function seedPremodDisplay(
  db: Db,
  options: { secret: string; screenNames: 'show' | 'short' | 'hide' },
): { sourceId: string; channelId: number; token: string } {
  const deps = { db, now: Date.now };
  const sourceId = addSource(
    deps,
    { kind: 'eventyay', name: 'Main hall', secret: options.secret },
    'test',
  ).id;
  const now = Date.now();
  const { id: channelId } = db.$client
    .prepare(
      "INSERT INTO channels (source_id, external_id, label, first_seen_at, last_seen_at, mode, screen_names) VALUES (?, ?, 'Main hall', ?, ?, 'pre', ?) RETURNING id",
    )
    .get(sourceId, CHANNEL, now, now, options.screenNames) as { id: number };
  const { token } = createDisplay(
    deps,
    { name: 'Stream', channelIds: [channelId], isPublic: false },
    'test',
  );
  return { sourceId, channelId, token };
}
