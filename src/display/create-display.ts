import { inArray } from 'drizzle-orm';
import { parseInput } from '../auth/account-fields.ts';
import { generateToken } from '../auth/auth-token.ts';
import { appendAudit } from '../audit/append-audit.ts';
import type { Db } from '../db/client.ts';
import { channels, displayChannels, displays } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { DisplayFields } from './display-fields.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Fails with `invalid_input` (field channelIds) unless every id names a channel. */
export function checkChannelsExist(tx: Tx, ids: number[]): void {
  const found = tx
    .select({ id: channels.id })
    .from(channels)
    .where(inArray(channels.id, ids))
    .all();
  if (found.length !== new Set(ids).size) {
    throw new DomainError('invalid_input', 'a chosen channel does not exist', 'channelIds');
  }
}

/** Replaces the set of channels a display shows. */
export function linkChannels(tx: Tx, displayId: number, ids: number[]): void {
  tx.delete(displayChannels)
    .where(inArray(displayChannels.displayId, [displayId]))
    .run();
  tx.insert(displayChannels)
    .values([...new Set(ids)].map((channelId) => ({ displayId, channelId })))
    .run();
}

/**
 * Creates a display feed of the given channels with a fresh unguessable token (the token is
 * returned, never audited). Audited as `display.create`. Throws `invalid_input`.
 */
export function createDisplay(
  deps: Pick<Deps, 'db' | 'now'>,
  input: DisplayFields,
  actor: string,
): { id: number; token: string } {
  const fields = parseInput(DisplayFields, input);
  const at = deps.now();
  const token = generateToken();
  return deps.db.transaction((tx) => {
    checkChannelsExist(tx, fields.channelIds);
    const { id } = tx
      .insert(displays)
      .values({ name: fields.name, token, isPublic: fields.isPublic, createdAt: at })
      .returning({ id: displays.id })
      .get();
    linkChannels(tx, id, fields.channelIds);
    appendAudit(tx, {
      at,
      actor,
      action: 'display.create',
      targetType: 'display',
      targetId: String(id),
      details: { name: fields.name, channelIds: fields.channelIds, isPublic: fields.isPublic },
    });
    return { id, token };
  });
}
