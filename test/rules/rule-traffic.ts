import type Database from 'better-sqlite3';
import { decideMessage, type Verdict } from '../../src/moderation/decide-message.ts';
import { saveRule } from '../../src/rules/save-rule.ts';
import { eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import type { Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

/** Test traffic for the rules screens: a source, rules, messages posted through the webhook. */
export function trafficOn(h: Harness) {
  const source = addFixtureSource(h).id;
  let next = 1;
  return {
    source,
    /** Adds a rule as `test`; returns its id. */
    rule: (draft: Record<string, unknown>) => saveRule(h.deps, { draft }, 'test').id,
    /** Posts a text message now, signed as Eventyay does; returns the stored message id. */
    async post(text: string, senderId = 'c0c0c0c0-0000-4000-8000-000000000001') {
      const externalId = next++;
      const res = await postSigned(
        h,
        source,
        textPayload({ message_id: externalId, message: text, sender_id: senderId }),
        eventyayFixtures.secret,
      );
      if (res.status !== 200) throw new Error(`delivery refused: ${res.status}`);
      return (
        h.db.$client
          .prepare('SELECT id FROM messages WHERE source_id = ? AND external_id = ?')
          .get(source, String(externalId)) as { id: number }
      ).id;
    },
    decide: (messageId: number, verdict: Verdict, automatic = false) => {
      if (!automatic) {
        return decideMessage(
          h.deps,
          { messageId, verdict, note: '', basisDecisionId: null },
          'account:ana',
        );
      }
      // As a blocked sender's messages are decided: by the system, not a moderator.
      const at = h.deps.now();
      const id = Number(
        h.db.$client
          .prepare(
            `INSERT INTO decisions (message_id, verdict, actor, automatic, created_at)
             VALUES (?, ?, 'system', 1, ?)`,
          )
          .run(messageId, verdict, at).lastInsertRowid,
      );
      const state = { approve: 'approved', highlight: 'highlighted', reject: 'rejected' }[verdict];
      h.db.$client
        .prepare('UPDATE messages SET moderation_state = ?, decision_id = ? WHERE id = ?')
        .run(state, id, messageId);
      return undefined;
    },
    flagsOf: (ruleId: number) =>
      (
        h.db.$client.prepare('SELECT count(*) AS n FROM flags WHERE rule_id = ?').get(ruleId) as {
          n: number;
        }
      ).n,
  };
}

/**
 * Stores a rule as an older modhook would have, without today's checks: by default an enabled
 * regex with a backreference. `sqlite` is a harness's connection or one of the CLI's file.
 */
export function storeOldRule(
  sqlite: Database.Database,
  options: { enabled?: boolean; name?: string; pattern?: string } = {},
): number {
  const { enabled = true, name = 'Repeated letters', pattern = '(\\w)\\1{4}' } = options;
  const settings = JSON.stringify({ patterns: [pattern], caseSensitive: false, on: 'normalized' });
  const scope = '{"sources":[],"channels":[]}';
  const id = Number(
    sqlite
      .prepare(
        `INSERT INTO rules (kind, name, severity, action, settings_json, scope_json, enabled,
           version, created_at, updated_at)
         VALUES ('regex', ?, 'medium', 'flag', ?, ?, ?, 1, 0, 0)`,
      )
      .run(name, settings, scope, enabled ? 1 : 0).lastInsertRowid,
  );
  sqlite
    .prepare(
      `INSERT INTO rule_versions (rule_id, version, kind, name, severity, action, settings_json,
         scope_json, enabled, created_at, actor)
       VALUES (?, 1, 'regex', ?, 'medium', 'flag', ?, ?, ?, 0, 'cli')`,
    )
    .run(id, name, settings, scope, enabled ? 1 : 0);
  return id;
}
