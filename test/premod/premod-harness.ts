import { expect } from 'vitest';
import { CHANNEL, eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

export type ChannelSettingsRow = {
  mode: 'post' | 'pre';
  approve_trusted: 0 | 1;
  reject_blocked: 0 | 1;
  similar_distance: number;
  emoji_repeat_seconds: number;
};

export type PremodHarness = Harness & {
  sourceId: string;
  channelId: number;
  /** Posts a text message (each from its own sender unless `sender` is given); its id. */
  post: (
    text: string,
    options?: { sender?: string; at?: number; channel?: string; language?: string | null },
  ) => Promise<number>;
  /** Creates a sender with a status before its first message; its external id. */
  senderWith: (status: 'trusted' | 'blocked' | 'watched', externalId?: string) => string;
  message: (id: number) => { state: string; language: string | null; decision_id: number | null };
  flags: (id: number) => { origin: string; status: string; severity: string; actor: string }[];
  audit: (
    action: string,
  ) => { actor: string; target_id: string; details: Record<string, unknown> }[];
  decisions: (id: number) => { verdict: string; actor: string; automatic: number }[];
};

let counter = 0;

/**
 * A harness with an Eventyay source and its channel (CHANNEL) created with the given settings.
 * The channel is written directly: the settings screen is another module's.
 */
export function premodHarness(settings: Partial<ChannelSettingsRow> = {}): PremodHarness {
  const h = createHarness();
  const { id: sourceId } = addFixtureSource(h);
  const sqlite = h.db.$client;
  const channelId = Number(
    sqlite
      .prepare(
        `INSERT INTO channels (source_id, external_id, first_seen_at, last_seen_at)
         VALUES (?, ?, ?, ?)`,
      )
      .run(sourceId, CHANNEL, TEST_NOW, TEST_NOW).lastInsertRowid,
  );
  setChannel(h, channelId, settings);
  let nextMessage = 1;
  const senderId = () => `c0c0c0c0-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
  return {
    ...h,
    sourceId,
    channelId,
    post: async (text, options = {}) => {
      const externalId = nextMessage++;
      const at = options.at ?? TEST_NOW - 60_000;
      const response = await postSigned(
        h,
        sourceId,
        textPayload({
          message_id: externalId,
          message: text,
          sender_id: options.sender ?? senderId(),
          channel: options.channel ?? CHANNEL,
          timestamp: new Date(at).toISOString().replace('Z', '000+00:00'),
          user_language: options.language === undefined ? 'en' : options.language,
        }),
        eventyayFixtures.secret,
      );
      expect(response.status).toBe(200);
      return (
        sqlite
          .prepare('SELECT id FROM messages WHERE source_id = ? AND external_id = ?')
          .get(sourceId, String(externalId)) as { id: number }
      ).id;
    },
    senderWith: (status, externalId = senderId()) => {
      sqlite
        .prepare(
          `INSERT INTO senders (source_id, external_id, screen_name, status, first_seen_at,
             last_seen_at) VALUES (?, ?, 'Someone', ?, ?, ?)`,
        )
        .run(sourceId, externalId, status, TEST_NOW - 3_600_000, TEST_NOW - 3_600_000);
      return externalId;
    },
    message: (id) =>
      sqlite
        .prepare(
          'SELECT moderation_state AS state, language, decision_id FROM messages WHERE id = ?',
        )
        .get(id) as ReturnType<PremodHarness['message']>,
    flags: (id) =>
      sqlite
        .prepare(
          'SELECT origin, status, severity, actor FROM flags WHERE message_id = ? ORDER BY id',
        )
        .all(id) as ReturnType<PremodHarness['flags']>,
    audit: (action) =>
      (
        sqlite
          .prepare(
            'SELECT actor, target_id, details_json FROM audit_log WHERE action = ? ORDER BY id',
          )
          .all(action) as { actor: string; target_id: string; details_json: string }[]
      ).map(({ details_json, ...rest }) => ({ ...rest, details: JSON.parse(details_json) })),
    decisions: (id) =>
      sqlite
        .prepare('SELECT verdict, actor, automatic FROM decisions WHERE message_id = ? ORDER BY id')
        .all(id) as ReturnType<PremodHarness['decisions']>,
  };
}

export function setChannel(
  h: Harness,
  channelId: number,
  settings: Partial<ChannelSettingsRow>,
): void {
  for (const [column, value] of Object.entries(settings)) {
    h.db.$client.prepare(`UPDATE channels SET ${column} = ? WHERE id = ?`).run(value, channelId);
  }
}
