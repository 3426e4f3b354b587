import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

export const CHANNEL_MODES = ['post', 'pre'] as const;
export const SCREEN_NAME_MODES = ['show', 'short', 'hide'] as const;
export type ChannelMode = (typeof CHANNEL_MODES)[number];
export type ScreenNameMode = (typeof SCREEN_NAME_MODES)[number];

/** A channel's moderation settings as the settings form edits them. */
export type ChannelSettings = {
  label: string | null;
  mode: ChannelMode;
  approveTrusted: boolean;
  rejectBlocked: boolean;
  similarDistance: number;
  emojiRepeatSeconds: number;
  screenNames: ScreenNameMode;
};

export type ChannelSummary = ChannelSettings & {
  id: number;
  sourceId: string;
  sourceName: string;
  externalId: string;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Messages waiting for approval (open pending flags): a count over open flags only, cheap. */
  pending: number;
};

type Row = Omit<ChannelSummary, 'approveTrusted' | 'rejectBlocked'> & {
  approveTrusted: number;
  rejectBlocked: number;
};

/** Every channel with its source's name and settings, by source then label/external id. */
export function listChannels(db: Db): ChannelSummary[] {
  return selectChannels(db, sql`1`);
}

/** One channel's summary; undefined when there is no such channel. */
export function findChannel(db: Pick<Db, 'all'>, channelId: number): ChannelSummary | undefined {
  return selectChannels(db, sql`c.id = ${channelId}`)[0];
}

function selectChannels(db: Pick<Db, 'all'>, where: SQL): ChannelSummary[] {
  const rows = db.all<Row>(sql`
    SELECT c.id, c.source_id AS sourceId, s.name AS sourceName, c.external_id AS externalId,
      c.label, c.mode, c.approve_trusted AS approveTrusted, c.reject_blocked AS rejectBlocked,
      c.similar_distance AS similarDistance, c.emoji_repeat_seconds AS emojiRepeatSeconds,
      c.screen_names AS screenNames, c.first_seen_at AS firstSeenAt, c.last_seen_at AS lastSeenAt,
      coalesce(p.n, 0) AS pending
    FROM channels c
    JOIN sources s ON s.id = c.source_id
    LEFT JOIN (
      SELECT m.channel_id, count(*) AS n FROM flags f JOIN messages m ON m.id = f.message_id
      WHERE f.status = 'open' AND f.origin = 'pending' GROUP BY m.channel_id
    ) p ON p.channel_id = c.id
    WHERE ${where}
    ORDER BY s.name, s.id, coalesce(c.label, c.external_id), c.id`);
  return rows.map((r) => ({
    ...r,
    approveTrusted: r.approveTrusted === 1,
    rejectBlocked: r.rejectBlocked === 1,
  }));
}
