import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { parseInput } from '../auth/account-fields.ts';
import { appendAudit } from '../audit/append-audit.ts';
import { channels } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import {
  CHANNEL_MODES,
  SCREEN_NAME_MODES,
  findChannel,
  type ChannelSettings,
} from './list-channels.ts';

/** The settings a change may name; every field optional, each checked against its range. */
export const ChannelChanges = z
  .object({
    label: z
      .string()
      .trim()
      .max(100, 'label must be at most 100 characters')
      .transform((v) => (v === '' ? null : v))
      .nullable(),
    mode: z.enum(CHANNEL_MODES, 'mode must be post or pre'),
    approveTrusted: z.boolean(),
    rejectBlocked: z.boolean(),
    similarDistance: z
      .number('similar distance must be a whole number from 0 to 5')
      .int('similar distance must be a whole number from 0 to 5')
      .min(0, 'similar distance must be a whole number from 0 to 5')
      .max(5, 'similar distance must be a whole number from 0 to 5'),
    emojiRepeatSeconds: z
      .number('emoji repeat must be a whole number of seconds from 0 to 3600')
      .int('emoji repeat must be a whole number of seconds from 0 to 3600')
      .min(0, 'emoji repeat must be a whole number of seconds from 0 to 3600')
      .max(3600, 'emoji repeat must be a whole number of seconds from 0 to 3600'),
    screenNames: z.enum(SCREEN_NAME_MODES, 'screen names must be show, short or hide'),
  })
  .partial();
export type ChannelChanges = z.input<typeof ChannelChanges>;

/**
 * Changes a channel's label and moderation settings, audited in the same transaction as
 * `channel.settings` with each changed field's old and new value; a mode change gets an entry
 * of its own, `channel.mode` (it decides what the display feeds show). Fields left out keep
 * their value; a call that changes nothing writes nothing. Throws `not_found`, `invalid_input`.
 */
export function setChannelSettings(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { channelId: number; actor: string } & ChannelChanges,
): { changed: (keyof ChannelSettings)[] } {
  const { channelId, actor, ...rest } = input;
  const changes = parseInput(ChannelChanges, rest);
  const at = deps.now();
  return deps.db.transaction((tx) => {
    const current = findChannel(tx, channelId);
    if (current === undefined)
      throw new DomainError('not_found', `no channel with id ${channelId}`);
    const diff: Partial<Record<keyof ChannelSettings, { from: unknown; to: unknown }>> = {};
    for (const [key, to] of Object.entries(changes) as [keyof ChannelSettings, unknown][]) {
      if (to !== undefined && current[key] !== to) diff[key] = { from: current[key], to };
    }
    const changed = Object.keys(diff) as (keyof ChannelSettings)[];
    if (changed.length === 0) return { changed };
    const values = Object.fromEntries(changed.map((k) => [k, diff[k]!.to]));
    tx.update(channels).set(values).where(eq(channels.id, channelId)).run();
    const target = { targetType: 'channel', targetId: String(channelId) };
    if (diff.mode !== undefined) {
      appendAudit(tx, { at, actor, action: 'channel.mode', ...target, details: diff.mode });
    }
    const others = changed.filter((k) => k !== 'mode');
    if (others.length > 0) {
      const details = Object.fromEntries(others.map((k) => [k, diff[k]]));
      appendAudit(tx, { at, actor, action: 'channel.settings', ...target, details });
    }
    return { changed };
  });
}
