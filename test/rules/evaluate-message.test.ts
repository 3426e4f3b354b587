import { describe, expect, it } from 'vitest';
import { flagMessage } from '../../src/moderation/flag-message.ts';
import { setSenderStatus } from '../../src/moderation/set-sender-status.ts';
import { listRuleVersions } from '../../src/rules/list-rules.ts';
import { saveRule } from '../../src/rules/save-rule.ts';
import { addSource } from '../../src/sources/add-source.ts';
import { setRuleEnabled } from '../../src/rules/set-rule-enabled.ts';
import { emojiPayload, eventyayFixtures, textPayload } from '../helpers/eventyay.ts';
import { createHarness, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';
import { postSigned } from '../helpers/webhook-request.ts';

const SECRET = eventyayFixtures.secret;

type FlagRow = {
  message_id: number | null;
  sender_id: number | null;
  origin: string;
  rule_id: number | null;
  rule_version: number | null;
  severity: string;
  status: string;
  reason: string;
  span_start: number | null;
  span_end: number | null;
  matched_text: string | null;
  normalized_text: string | null;
  transformations_json: string;
};

function setup() {
  const h = createHarness();
  const { id } = addFixtureSource(h);
  let next = 1;
  const post = (overrides: Record<string, unknown> = {}) =>
    postSigned(h, id, textPayload({ message_id: next++, ...overrides }), SECRET);
  return { h, sourceId: id, post };
}

function flags(h: Harness, where = '1'): FlagRow[] {
  return h.db.$client.prepare(`SELECT * FROM flags WHERE ${where} ORDER BY id`).all() as FlagRow[];
}

function ruleId(h: Harness, name: string): number {
  const row = h.db.$client.prepare('SELECT id FROM rules WHERE name = ?').get(name) as {
    id: number;
  };
  return row.id;
}

/** Only the rule under test is enabled, so the defaults do not interfere. */
function onlyRule(h: Harness, draft: Record<string, unknown>) {
  h.db.$client.prepare('UPDATE rules SET enabled = 0').run();
  return saveRule(h.deps, { draft }, 'test');
}

describe('flags raised on ingest', () => {
  it('stores a keyword flag with the original span, normalized text and transformations', async () => {
    const { h, post } = setup();
    const rule = onlyRule(h, {
      kind: 'keyword',
      name: 'Spam words',
      settings: { words: ['spam'] },
    });
    const text = 'Best offer: ѕ\u200Bрам here';
    expect((await post({ message: text })).status).toBe(200);
    const [flag] = flags(h);
    expect(flag).toMatchObject({
      origin: 'rule',
      rule_id: rule.id,
      rule_version: 1,
      severity: 'medium',
      status: 'open',
      matched_text: 'ѕ\u200Bрам',
      normalized_text: 'spam',
      span_start: text.indexOf('ѕ'),
      span_end: text.indexOf(' here'),
    });
    expect(JSON.parse(flag!.transformations_json)).toEqual([
      'invisible_removed',
      'confusable_fold',
    ]);
    expect(flag!.reason).toContain('Spam words');
  });

  it('writes the message and its flags in one transaction: a failing flag stores nothing', async () => {
    const { h, post } = setup();
    onlyRule(h, { kind: 'keyword', name: 'k', settings: { words: ['boom'] } });
    h.db.$client.exec(
      "CREATE TRIGGER no_flags BEFORE INSERT ON flags BEGIN SELECT RAISE(ABORT, 'flag refused'); END",
    );
    const res = await post({ message: 'boom' });
    expect(res.status).toBe(500);
    expect(h.count('messages')).toBe(0);
    expect(h.count('deliveries', "outcome = 'accepted'")).toBe(0);
    expect((await post({ message: 'harmless' })).status).toBe(200);
  });

  it('records a rule in trial (action log) as logged, not open', async () => {
    const { h, post } = setup();
    onlyRule(h, { kind: 'keyword', name: 'trial', action: 'log', settings: { words: ['maybe'] } });
    await post({ message: 'maybe this' });
    expect(flags(h).map((f) => f.status)).toEqual(['logged']);
  });

  it('applies a rule only to the sources and channels in its scope', async () => {
    const { h, post, sourceId } = setup();
    onlyRule(h, {
      kind: 'keyword',
      name: 'scoped',
      settings: { words: ['spam'] },
      scope: { sources: [sourceId], channels: ['other-channel'] },
    });
    await post({ message: 'spam' });
    await post({ message: 'spam', channel: 'other-channel' });
    expect(h.count('flags')).toBe(1);
    const another = addSource(h.deps, { kind: 'eventyay', name: 'Other room' }, 'test');
    const otherSource = onlyRule(h, {
      kind: 'keyword',
      name: 'elsewhere',
      settings: { words: ['eggs'] },
      scope: { sources: [another.id] },
    });
    await post({ message: 'eggs' });
    expect(h.count('flags', `rule_id = ${otherSource.id}`)).toBe(0);
  });

  it('flags personal data with the default rule', async () => {
    const { h, post } = setup();
    await post({ message: 'write me: jane.doe+events@example.org' });
    const [flag] = flags(h);
    expect(flag).toMatchObject({
      rule_id: ruleId(h, 'Personal data'),
      matched_text: 'jane.doe+events@example.org',
    });
  });

  it('flags the message that makes a flood (default: more than 5 in 10 s)', async () => {
    const { h, post } = setup();
    for (let i = 0; i < 6; i++) await post({ message: `message number ${i}` });
    const flood = flags(h, `rule_id = ${ruleId(h, 'Flood')}`);
    expect(flood).toHaveLength(1);
    expect(flood[0]!.reason).toContain('6 messages');
  });

  it('does not count messages outside the flood window', async () => {
    const { h, post } = setup();
    for (let i = 0; i < 6; i++) {
      const second = String(i * 3).padStart(2, '0');
      await post({ message: `message ${i}`, timestamp: `2026-05-01T12:38:${second}+00:00` });
    }
    expect(h.count('flags', `rule_id = ${ruleId(h, 'Flood')}`)).toBe(0);
  });

  it('flags repetition by one sender, near-duplicates included (default: 3 within 60 s)', async () => {
    const { h, post } = setup();
    await post({ message: 'join my channel now' });
    await post({ message: 'JOIN my channel now!' });
    expect(h.count('flags', `rule_id = ${ruleId(h, 'Repetition')}`)).toBe(0);
    await post({ message: 'join my channel n0w' });
    expect(flags(h, `rule_id = ${ruleId(h, 'Repetition')}`)[0]!.reason).toContain('3 times');
  });

  it('flags coordinated spam across senders when the rule is enabled', async () => {
    const { h, post } = setup();
    setRuleEnabled(h.deps, { ruleId: ruleId(h, 'Coordinated spam'), enabled: true }, 'test');
    for (let i = 0; i < 5; i++) {
      await post({ message: `visit the best crypto offer ${i}`, sender_id: `sender-${i}` });
    }
    expect(h.count('flags', `rule_id = ${ruleId(h, 'Coordinated spam')}`)).toBe(1);
  });

  it('checks new senders more strictly only in their first minutes', async () => {
    const { h, post } = setup();
    const rule = ruleId(h, 'Links from new senders');
    setRuleEnabled(h.deps, { ruleId: rule, enabled: true }, 'test');
    await post({ message: 'see example.com', sender_id: 'newcomer' });
    expect(flags(h, `rule_id = ${rule}`)[0]!.reason).toContain('new sender');
    h.advance(11 * 60_000);
    await post({ message: 'see example.com again', sender_id: 'newcomer' });
    expect(h.count('flags', `rule_id = ${rule}`)).toBe(1);
  });
});

describe('reaction signals', () => {
  const flagEmoji = (targetId: number, users: string[]) =>
    emojiPayload({ targetId, emoji: '🚩', action: 'add', reactions: { '🚩': users } });

  it('flags the target once when 3 distinct users add 🚩 (default rule)', async () => {
    const { h, sourceId, post } = setup();
    await post({ message_id: 500, message: 'a questionable message' });
    await postSigned(h, sourceId, flagEmoji(500, ['u1']), SECRET);
    await postSigned(h, sourceId, flagEmoji(500, ['u1', 'u2']), SECRET);
    expect(h.count('flags', "origin = 'reaction'")).toBe(0);
    await postSigned(h, sourceId, flagEmoji(500, ['u1', 'u2', 'u3']), SECRET);
    await postSigned(h, sourceId, flagEmoji(500, ['u1', 'u2', 'u3', 'u4']), SECRET);
    const reaction = flags(h, "origin = 'reaction'");
    expect(reaction).toHaveLength(1);
    expect(reaction[0]!.reason).toContain('3 users');
    const message = h.db.$client.prepare("SELECT id FROM messages WHERE external_id = '500'").get();
    expect(reaction[0]!.message_id).toBe((message as { id: number }).id);
  });

  it('flags a message on arrival when its reactions came first', async () => {
    const { h, sourceId, post } = setup();
    await postSigned(h, sourceId, flagEmoji(600, ['u1', 'u2', 'u3']), SECRET);
    expect(h.count('flags')).toBe(0);
    await post({ message_id: 600, message: 'late message' });
    expect(flags(h, "origin = 'reaction'")).toHaveLength(1);
  });

  it('flags the reactor, once, for a reaction flood (default: more than 20 in 10 s)', async () => {
    const { h, sourceId } = setup();
    for (let i = 0; i < 23; i++) {
      const payload = emojiPayload({
        targetId: 700 + i,
        emoji: '👍',
        action: 'add',
        reactions: { '👍': ['spammer'] },
      });
      await postSigned(h, sourceId, payload, SECRET);
    }
    const flood = flags(h, `rule_id = ${ruleId(h, 'Reaction flood')}`);
    expect(flood).toHaveLength(1);
    expect(flood[0]!.message_id).toBeNull();
    const spammer = h.db.$client
      .prepare("SELECT id FROM senders WHERE external_id = 'spammer'")
      .get();
    expect(flood[0]!.sender_id).toBe((spammer as { id: number }).id);
  });
});

describe('sender status', () => {
  async function senderOf(h: Harness, post: ReturnType<typeof setup>['post'], externalId: string) {
    await post({ message: 'hello', sender_id: externalId });
    return (
      h.db.$client.prepare('SELECT id FROM senders WHERE external_id = ?').get(externalId) as {
        id: number;
      }
    ).id;
  }

  it('exempts a trusted sender from rules', async () => {
    const { h, post } = setup();
    const id = await senderOf(h, post, 'trusty');
    setSenderStatus(h.deps, { senderId: id, status: 'trusted' }, 'mod');
    await post({ message: 'mail me at a@example.org', sender_id: 'trusty' });
    expect(h.count('flags')).toBe(0);
  });

  it('flags every message of a watched sender as low', async () => {
    const { h, post } = setup();
    const id = await senderOf(h, post, 'watchme');
    setSenderStatus(h.deps, { senderId: id, status: 'watched' }, 'mod');
    await post({ message: 'perfectly fine', sender_id: 'watchme' });
    expect(flags(h)).toMatchObject([
      { origin: 'sender', severity: 'low', status: 'open', reason: 'sender is watched' },
    ]);
  });

  it("flags a blocked sender's message high and rejects it automatically, audited", async () => {
    const { h, post } = setup();
    const id = await senderOf(h, post, 'troll');
    setSenderStatus(h.deps, { senderId: id, status: 'blocked' }, 'mod');
    await post({ message: 'still here', sender_id: 'troll' });
    expect(flags(h)).toMatchObject([{ origin: 'sender', severity: 'high', status: 'closed' }]);
    const message = h.db.$client
      .prepare("SELECT id, moderation_state FROM messages WHERE text = 'still here'")
      .get() as { id: number; moderation_state: string };
    expect(message.moderation_state).toBe('rejected');
    expect(h.db.$client.prepare('SELECT verdict, actor, automatic FROM decisions').all()).toEqual([
      { verdict: 'reject', actor: 'system', automatic: 1 },
    ]);
    expect(
      h.count('audit_log', `action = 'decision.auto_reject' AND target_id = '${message.id}'`),
    ).toBe(1);
  });

  it('audits status changes and ignores a repeated one', async () => {
    const { h, post } = setup();
    const id = await senderOf(h, post, 'someone');
    expect(setSenderStatus(h.deps, { senderId: id, status: 'watched' }, 'mod').changed).toBe(true);
    expect(setSenderStatus(h.deps, { senderId: id, status: 'watched' }, 'mod').changed).toBe(false);
    const audit = h.db.$client
      .prepare("SELECT actor, details_json FROM audit_log WHERE action = 'sender.set_status'")
      .all();
    expect(audit).toEqual([
      { actor: 'mod', details_json: JSON.stringify({ from: 'normal', to: 'watched' }) },
    ]);
  });

  it('throws not_found for an unknown sender', () => {
    const { h } = setup();
    expect(() => setSenderStatus(h.deps, { senderId: 999, status: 'blocked' }, 'mod')).toThrow(
      /no sender/,
    );
  });
});

describe('rule versions', () => {
  it('flags name the version that raised them; old versions stay readable', async () => {
    const { h, post } = setup();
    const rule = onlyRule(h, { kind: 'keyword', name: 'v', settings: { words: ['alpha'] } });
    await post({ message: 'alpha' });
    saveRule(
      h.deps,
      { ruleId: rule.id, draft: { kind: 'keyword', name: 'v', settings: { words: ['beta'] } } },
      'test',
    );
    await post({ message: 'alpha' });
    await post({ message: 'beta' });
    expect(flags(h).map((f) => [f.rule_id, f.rule_version, f.matched_text])).toEqual([
      [rule.id, 1, 'alpha'],
      [rule.id, 2, 'beta'],
    ]);
    const versions = listRuleVersions(h.db, rule.id);
    expect(versions.map((v) => [v.version, (v.settings as { words: string[] }).words])).toEqual([
      [1, ['alpha']],
      [2, ['beta']],
    ]);
  });

  it('stops flagging when a rule is disabled, as a new version', async () => {
    const { h, post } = setup();
    const rule = onlyRule(h, { kind: 'keyword', name: 'off', settings: { words: ['gamma'] } });
    setRuleEnabled(h.deps, { ruleId: rule.id, enabled: false }, 'test');
    await post({ message: 'gamma' });
    expect(h.count('flags')).toBe(0);
    expect(listRuleVersions(h.db, rule.id).map((v) => v.enabled)).toEqual([true, false]);
  });
});

describe('saving rules', () => {
  it('makes no new version when nothing changed', () => {
    const { h } = setup();
    const draft = { kind: 'keyword', name: 'same', settings: { words: ['x'] } };
    const first = saveRule(h.deps, { draft }, 'test');
    const again = saveRule(h.deps, { ruleId: first.id, draft }, 'test');
    expect(again.version).toBe(1);
    expect(listRuleVersions(h.db, first.id)).toHaveLength(1);
  });

  it('refuses a scope naming a source that does not exist, writing nothing', () => {
    const { h } = setup();
    const before = h.count('rules');
    const draft = {
      kind: 'keyword',
      name: 'typo',
      settings: { words: ['x'] },
      scope: { sources: ['nope'] },
    };
    expect(() => saveRule(h.deps, { draft }, 'test')).toThrow(
      /scope.sources: no source with id nope/,
    );
    expect(h.count('rules')).toBe(before);
  });

  it('refuses a change of kind', () => {
    const { h } = setup();
    const rule = saveRule(
      h.deps,
      { draft: { kind: 'keyword', name: 'k', settings: { words: ['x'] } } },
      'test',
    );
    const draft = { kind: 'shouting', name: 'k', settings: {} };
    expect(() => saveRule(h.deps, { ruleId: rule.id, draft }, 'test')).toThrow(
      /kind cannot change/,
    );
  });
});

describe('manual flags', () => {
  it('lets a moderator flag a message, audited', async () => {
    const { h, post } = setup();
    await post({ message: 'subtle problem' });
    const messageId = (h.db.$client.prepare('SELECT id FROM messages').get() as { id: number }).id;
    flagMessage(h.deps, { messageId, reason: 'off-topic harassment', severity: 'high' }, 'mod');
    expect(flags(h)).toMatchObject([
      { origin: 'moderator', severity: 'high', status: 'open', reason: 'off-topic harassment' },
    ]);
    expect(h.count('audit_log', "action = 'flag.add' AND actor = 'mod'")).toBe(1);
  });

  it('refuses an empty reason and an unknown message', () => {
    const { h } = setup();
    expect(() => flagMessage(h.deps, { messageId: 1, reason: '  ' }, 'mod')).toThrow(/reason/);
    expect(() => flagMessage(h.deps, { messageId: 42, reason: 'x' }, 'mod')).toThrow(/no message/);
  });
});
