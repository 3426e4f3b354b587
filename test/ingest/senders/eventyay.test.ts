import { describe, expect, it } from 'vitest';
import type { KeyedSecret } from '../../../src/ingest/hmac.ts';
import type { IncomingEvent } from '../../../src/ingest/incoming-event.ts';
import {
  parseEventyayDelivery,
  verifyEventyaySignature,
} from '../../../src/ingest/senders/eventyay.ts';
import {
  CHANNEL,
  emojiPayload,
  eventyayFixtures,
  eventyayJson,
  eventyaySignature,
  fixture,
  textPayload,
} from '../../helpers/eventyay.ts';

const SECRET = eventyayFixtures.secret;
const SOURCE_SECRETS: KeyedSecret[] = [{ id: 7, secret: SECRET }];
const OTHER = 'another-secret-0123456789';

const bytes = (text: string) => new TextEncoder().encode(text);
const parseText = (text: string) => parseEventyayDelivery(bytes(text));
const parsePayload = (payload: unknown) => parseText(eventyayJson(payload));

const ALICE = '0d5e8f0a-1b2c-4d3e-8f9a-0b1c2d3e4f50';
const BOB = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const BOB_AS_AUTHOR = {
  screenName: 'Bob',
  centralauthId: null,
  centralauthUsername: null,
  language: 'fr',
};
const THUMBS_UP_BY_BOB: IncomingEvent = {
  kind: 'reaction',
  channelExternalId: CHANNEL,
  targetExternalId: '4711',
  emoji: '👍',
  action: 'add',
  reactorExternalId: null,
  reactor: BOB_AS_AUTHOR,
  snapshot: { '👍': [BOB] },
};

/** What each shared fixture must parse to. */
const EXPECTED: Record<string, IncomingEvent> = {
  'text-basic': {
    kind: 'message',
    channelExternalId: CHANNEL,
    externalId: '4711',
    senderExternalId: ALICE,
    author: {
      screenName: 'Alice',
      centralauthId: 123456,
      centralauthUsername: 'Alice (WMF)',
      language: 'en',
    },
    text: 'Hello everyone, welcome to the session!',
    sentAt: Date.UTC(2026, 4, 1, 12, 34, 56, 123),
  },
  'text-unicode': {
    kind: 'message',
    channelExternalId: CHANNEL,
    externalId: '4712',
    senderExternalId: BOB,
    author: BOB_AS_AUTHOR,
    text: 'Café crème ☕ — ça marche 👍',
    sentAt: Date.UTC(2026, 4, 1, 12, 35, 1, 0),
  },
  'text-hostile': {
    kind: 'message',
    channelExternalId: CHANNEL,
    externalId: '4713',
    senderExternalId: BOB,
    author: {
      screenName: '<b>Bob</b>',
      centralauthId: null,
      centralauthUsername: null,
      language: null,
    },
    text: '<script>alert(1)</script><img src=x onerror=alert(2)> =HYPERLINK("http://evil")',
    sentAt: Date.UTC(2026, 4, 1, 12, 35, 9, 500),
  },
  'text-empty-anonymous': {
    kind: 'message',
    channelExternalId: CHANNEL,
    externalId: '4714',
    senderExternalId: '00000000-0000-0000-0000-000000000002',
    author: { screenName: '', centralauthId: null, centralauthUsername: null, language: null },
    text: '',
    sentAt: Date.UTC(2026, 4, 1, 12, 36, 0),
  },
  'emoji-add': THUMBS_UP_BY_BOB,
  'emoji-remove': { ...THUMBS_UP_BY_BOB, action: 'remove', snapshot: {} },
  'emoji-add-again': THUMBS_UP_BY_BOB,
};

const fixtureRows = eventyayFixtures.deliveries.map((d) => [d.name, d] as const);

describe('verifyEventyaySignature', () => {
  it('has fixtures to check', () => {
    expect(fixtureRows.length).toBeGreaterThanOrEqual(7);
  });

  it.each(fixtureRows)('verifies the %s fixture with the fixture secret', (_, f) => {
    expect(verifyEventyaySignature(f.signature, bytes(f.body), SOURCE_SECRETS)).toEqual({
      ok: true,
      secretId: 7,
    });
  });

  it.each(fixtureRows)('rejects the %s fixture under another secret', (_, f) => {
    const check = verifyEventyaySignature(f.signature, bytes(f.body), [{ id: 1, secret: OTHER }]);
    expect(check).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  it('accepts the hex digest in upper case', () => {
    const f = fixture('text-unicode');
    const upper = `sha256=${f.signature.slice('sha256='.length).toUpperCase()}`;
    expect(upper).not.toBe(f.signature);
    expect(verifyEventyaySignature(upper, bytes(f.body), SOURCE_SECRETS)).toEqual({
      ok: true,
      secretId: 7,
    });
  });

  it.each([
    [
      'first',
      [
        { id: 3, secret: SECRET },
        { id: 4, secret: OTHER },
      ],
      3,
    ],
    [
      'second',
      [
        { id: 3, secret: OTHER },
        { id: 4, secret: SECRET },
      ],
      4,
    ],
  ])('returns the id of the matching secret when it is the %s of two', (_, secrets, id) => {
    const f = fixture('text-basic');
    expect(verifyEventyaySignature(f.signature, bytes(f.body), secrets)).toEqual({
      ok: true,
      secretId: id,
    });
  });

  it('returns signature_mismatch when the source has no active secret', () => {
    const f = fixture('text-basic');
    expect(verifyEventyaySignature(f.signature, bytes(f.body), [])).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
  });

  const good = fixture('text-basic').signature;
  const hex = good.slice('sha256='.length);
  it.each([
    ['the header is missing', undefined, 'signature_missing'],
    ['the header is empty', '', 'signature_missing'],
    ['the hex has 63 characters', `sha256=${hex.slice(0, 63)}`, 'signature_malformed'],
    ['the hex has 65 characters', `${good}0`, 'signature_malformed'],
    ['the hex has a non-hex character', `sha256=${hex.slice(0, 63)}g`, 'signature_malformed'],
    ['the prefix is upper case', `SHA256=${hex}`, 'signature_malformed'],
    ['the prefix is another algorithm', `sha1=${hex}`, 'signature_malformed'],
    ['the prefix is missing', hex, 'signature_malformed'],
    ['two values are joined by ", "', `${good}, ${good}`, 'signature_malformed'],
    ['the value has a leading space', ` ${good}`, 'signature_malformed'],
    ['the value has a trailing newline', `${good}\n`, 'signature_malformed'],
    [
      'the signature is of another secret',
      eventyaySignature(fixture('text-basic').body, OTHER),
      'signature_mismatch',
    ],
    ['the signature is of another body', fixture('text-unicode').signature, 'signature_mismatch'],
  ])('rejects when %s', (_, header, reason) => {
    const check = verifyEventyaySignature(
      header,
      bytes(fixture('text-basic').body),
      SOURCE_SECRETS,
    );
    expect(check.ok).toBe(false);
    expect(check).toMatchObject({ reason });
    expect(check).toHaveProperty('message', expect.stringContaining('X-Eventyay-Signature'));
  });

  const body = bytes(fixture('text-basic').body);
  it.each([
    ['the first', 0],
    ['a middle', Math.floor(body.length / 2)],
    ['the last', body.length - 1],
  ])('fails when %s byte of the body changes by one bit', (_, index) => {
    const changed = Uint8Array.from(body);
    changed[index]! ^= 0x01;
    const check = verifyEventyaySignature(fixture('text-basic').signature, changed, SOURCE_SECRETS);
    expect(check).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  it('fails when a byte is appended to the body', () => {
    const longer = bytes(`${fixture('text-basic').body}\n`);
    const check = verifyEventyaySignature(fixture('text-basic').signature, longer, SOURCE_SECRETS);
    expect(check).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  it('verifies bytes that are not JSON without parsing them', () => {
    const raw = Uint8Array.from([0xff, 0x00, 0x7b]);
    const check = verifyEventyaySignature(eventyaySignature(raw, SECRET), raw, SOURCE_SECRETS);
    expect(check).toEqual({ ok: true, secretId: 7 });
  });
});

describe('parseEventyayDelivery', () => {
  it('has an expectation for every fixture', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(fixtureRows.map(([name]) => name).sort());
  });

  it.each(fixtureRows)('parses the %s fixture to the expected common event', (name, f) => {
    expect(parseText(f.body)).toEqual({ ok: true, event: EXPECTED[name] });
  });

  it('decodes \\u escapes and surrogate pairs from the wire', () => {
    const f = fixture('text-unicode');
    expect(f.body).toContain(
      'Caf\\u00e9 cr\\u00e8me \\u2615 \\u2014 \\u00e7a marche \\ud83d\\udc4d',
    );
    const result = parseText(f.body);
    expect(result).toMatchObject({ ok: true, event: { text: 'Café crème ☕ — ça marche 👍' } });
  });

  it("gives an emoji event the reactor's identity and never the target author's sender_id", () => {
    const payload = {
      ...emojiPayload({ targetId: 4711, emoji: '🚩', action: 'add', reactions: { '🚩': ['u9'] } }),
      screen_name: 'Dana',
      centralauth_id: 99,
      centralauth_username: 'Dana (WMDE)',
      user_language: 'de',
      sender_id: 'author-of-the-target',
      message: 'the target text',
    };
    const result = parsePayload(payload);
    expect(result).toEqual({
      ok: true,
      event: {
        kind: 'reaction',
        channelExternalId: CHANNEL,
        targetExternalId: '4711',
        emoji: '🚩',
        action: 'add',
        reactorExternalId: null,
        reactor: {
          screenName: 'Dana',
          centralauthId: 99,
          centralauthUsername: 'Dana (WMDE)',
          language: 'de',
        },
        snapshot: { '🚩': ['u9'] },
      },
    });
    expect(JSON.stringify(result)).not.toContain('author-of-the-target');
    expect(JSON.stringify(result)).not.toContain('the target text');
  });

  it('takes the target from meta.target_message_id, not from message_id', () => {
    const payload = {
      ...emojiPayload({ targetId: 5000, emoji: '👍', action: 'add', reactions: {} }),
      message_id: 4711,
    };
    expect(parsePayload(payload)).toMatchObject({ ok: true, event: { targetExternalId: '5000' } });
  });

  it.each([
    ['a lone high surrogate', 'ok \ud83d', 'ok \ufffd'],
    ['a lone low surrogate', 'ok \udc4d!', 'ok \ufffd!'],
    ['a reversed pair', '\udc4d\ud83d', '\ufffd\ufffd'],
  ])('makes a message with %s well-formed (U+FFFD)', (_, message, expected) => {
    const body = eventyayJson(textPayload({ message }));
    expect(body).toContain('\\ud');
    const result = parseText(body);
    expect(result).toMatchObject({ ok: true, event: { kind: 'message', text: expected } });
    expect(result.ok && result.event.kind === 'message' && result.event.text.isWellFormed()).toBe(
      true,
    );
  });

  it('makes a screen name with a lone surrogate well-formed', () => {
    const result = parsePayload(textPayload({ screen_name: 'Eve\ud83d' }));
    expect(result).toMatchObject({ ok: true, event: { author: { screenName: 'Eve\ufffd' } } });
  });

  it.each([
    'screen_name',
    'sender_id',
    'centralauth_id',
    'centralauth_username',
    'user_language',
    'profile_img',
    'meta',
  ])('accepts a text message without %s', (field) => {
    const payload = textPayload();
    delete payload[field];
    expect(parsePayload(payload)).toMatchObject({ ok: true, event: { kind: 'message' } });
  });

  it('parses missing nullable identity fields as null (screen name as empty)', () => {
    const payload = textPayload();
    for (const field of [
      'screen_name',
      'sender_id',
      'centralauth_id',
      'centralauth_username',
      'user_language',
    ]) {
      delete payload[field];
    }
    expect(parsePayload(payload)).toMatchObject({
      ok: true,
      event: {
        senderExternalId: null,
        author: { screenName: '', centralauthId: null, centralauthUsername: null, language: null },
      },
    });
  });

  it('parses missing reactor identity fields of an emoji event as null', () => {
    const payload = emojiPayload({ targetId: 1, emoji: '👍', action: 'remove', reactions: {} });
    for (const field of [
      'screen_name',
      'centralauth_id',
      'centralauth_username',
      'user_language',
    ]) {
      delete payload[field];
    }
    expect(parsePayload(payload)).toMatchObject({
      ok: true,
      event: {
        reactor: { screenName: '', centralauthId: null, centralauthUsername: null, language: null },
      },
    });
  });

  it.each([
    ['sender_id', { sender_id: '' }, { senderExternalId: null }],
    ['user_language', { user_language: '' }, { author: { language: null } }],
  ])('reads an empty %s as null', (_, overrides, expected) => {
    expect(parsePayload(textPayload(overrides))).toMatchObject({ ok: true, event: expected });
  });

  it('allows extra fields at the top level and in meta', () => {
    const plain = parsePayload(textPayload());
    const extended = parsePayload(
      textPayload({ new_field: { nested: [1] }, meta: { thread: 3 }, profile_img: 'x.png' }),
    );
    expect(plain.ok).toBe(true);
    expect(extended).toEqual(plain);

    const reaction = emojiPayload({ targetId: 1, emoji: '👍', action: 'add', reactions: {} });
    const withExtraMeta = {
      ...reaction,
      meta: { ...(reaction.meta as object), source: 'stage' },
      extra: true,
    };
    expect(parsePayload(withExtraMeta)).toEqual(parsePayload(reaction));
    expect(parsePayload(reaction).ok).toBe(true);
  });

  it.each(['file', 'call', 'deleted'])(
    'answers a message_type of %j as ignored, naming the type',
    (type) => {
      const result = parsePayload(textPayload({ message_type: type }));
      expect(result).toEqual({
        ok: true,
        event: { kind: 'ignored', reason: expect.stringContaining(type) },
      });
    },
  );

  describe('bodies that are not JSON', () => {
    it.each([
      ['an empty body', ''],
      ['a truncated body', '{"message_id":'],
      ['trailing garbage', '{} x'],
      ['single quotes', "{'message_id':1}"],
      ['a bare word', 'hello'],
    ])('returns invalid_json for %s', (_, body) => {
      const result = parseText(body);
      expect(result).toMatchObject({ ok: false, reason: 'invalid_json' });
      expect(result).not.toHaveProperty('field');
    });

    it.each([
      ['an invalid byte', [0x7b, 0x22, 0xff, 0x22, 0x7d]],
      ['an overlong encoding', [0x22, 0xc0, 0xaf, 0x22]],
      ['a UTF-8 encoded surrogate', [0x22, 0xed, 0xa0, 0xbd, 0x22]],
      ['a truncated sequence', [0x22, 0xe2, 0x98, 0x22]],
    ])('returns invalid_json naming UTF-8 for %s', (_, raw) => {
      const result = parseEventyayDelivery(Uint8Array.from(raw));
      expect(result).toMatchObject({ ok: false, reason: 'invalid_json' });
      expect(result).toHaveProperty('message', expect.stringContaining('UTF-8'));
    });

    it.each([
      ['a JSON syntax error', '{"APIKey":"topsecret", oops}'],
      ['an unterminated string', '{"APIKey":"topsecret'],
      ['an unexpected token after a value', '{"APIKey":"topsecret"} topsecret'],
    ])('does not echo body text in the message for %s', (_, body) => {
      const result = parseText(body);
      expect(result).toMatchObject({ ok: false, reason: 'invalid_json' });
      const text = JSON.stringify(result);
      expect(text).not.toContain('topsecret');
      expect(text).not.toContain('APIKey');
      expect(text).not.toContain('oops');
    });

    it('does not echo body text when the body is not UTF-8', () => {
      const raw = Uint8Array.from([...bytes('{"APIKey":"topsecret"'), 0xff, 0x7d]);
      const text = JSON.stringify(parseEventyayDelivery(raw));
      expect(text).toContain('invalid_json');
      expect(text).not.toContain('topsecret');
    });
  });

  describe('JSON of the wrong shape', () => {
    it.each([
      ['an array', '[]'],
      ['null', 'null'],
      ['a number', '42'],
      ['a string', '"text"'],
      ['a boolean', 'true'],
    ])('returns invalid_payload for %s', (_, body) => {
      const result = parseText(body);
      expect(result).toMatchObject({ ok: false, reason: 'invalid_payload' });
      expect(result).toHaveProperty('message', expect.stringMatching(/^payload: /));
    });

    const wrong: [string, Record<string, unknown>, string][] = [
      ['message_id is a string', { message_id: '4711' }, 'message_id'],
      ['message_id is negative', { message_id: -1 }, 'message_id'],
      ['message_id is a fraction', { message_id: 1.5 }, 'message_id'],
      ['channel is a number', { channel: 42 }, 'channel'],
      ['channel is empty', { channel: '' }, 'channel'],
      ['message is null', { message: null }, 'message'],
      ['message_type is a number', { message_type: 3 }, 'message_type'],
      [
        'meta.action is unknown',
        {
          message_type: 'emoji',
          meta: { action: 'zap', reaction: '👍', reactions: {}, target_message_id: 1 },
        },
        'meta.action',
      ],
      [
        'meta.target_message_id is a string',
        {
          message_type: 'emoji',
          meta: { action: 'add', reaction: '👍', reactions: {}, target_message_id: '1' },
        },
        'meta.target_message_id',
      ],
      [
        'meta.reaction is empty',
        {
          message_type: 'emoji',
          meta: { action: 'add', reaction: '', reactions: {}, target_message_id: 1 },
        },
        'meta.reaction',
      ],
      [
        'a user id in meta.reactions is a number',
        {
          message_type: 'emoji',
          meta: { action: 'add', reaction: '👍', reactions: { '👍': [1] }, target_message_id: 1 },
        },
        'meta.reactions.👍.0',
      ],
      ['an emoji event has no meta', { message_type: 'emoji', meta: undefined }, 'meta'],
    ];
    it.each(wrong)('returns invalid_payload naming the field when %s', (_, overrides, field) => {
      const result = parsePayload(textPayload(overrides));
      expect(result).toMatchObject({ ok: false, reason: 'invalid_payload', field });
      expect(result).toHaveProperty('message', expect.stringMatching(new RegExp(`^${field}: `)));
    });

    it.each(['message_type', 'message_id', 'channel', 'message'])(
      'says a missing %s is required',
      (field) => {
        const payload = textPayload();
        delete payload[field];
        expect(parsePayload(payload)).toMatchObject({
          ok: false,
          reason: 'invalid_payload',
          field,
          message: expect.stringContaining(`${field}: is required`),
        });
      },
    );
  });

  // Issue 16: what a message can be stored without is dropped with a schema warning, never
  // failing the delivery (Eventyay does not retry).
  it.each([
    ['timestamp is not a date', { timestamp: 'yesterday' }, 'timestamp'],
    ['timestamp is a number', { timestamp: 1777639200 }, 'timestamp'],
    ['centralauth_id is a string', { centralauth_id: 'x' }, 'centralauth_id'],
    ['centralauth_username is a number', { centralauth_username: 5 }, 'centralauth_username'],
    ['screen_name is an object', { screen_name: { a: 1 } }, 'screen_name'],
    ['user_language is a number', { user_language: 5 }, 'user_language'],
    ['meta of a text is a string', { meta: 'x' }, 'meta'],
  ])('keeps the message when %s, with a warning naming it', (_, overrides, field) => {
    const result = parsePayload(textPayload(overrides));
    expect(result).toMatchObject({ ok: true, event: { kind: 'message', text: 'Hello' } });
    expect(result).toHaveProperty('warnings', [expect.stringMatching(new RegExp(`^${field}: `))]);
  });

  it('drops a missing timestamp without a warning: the receive time is used', () => {
    const payload = textPayload();
    delete payload.timestamp;
    const result = parsePayload(payload);
    expect(result).toMatchObject({ ok: true, event: { kind: 'message' } });
    expect(result).not.toHaveProperty('warnings');
    expect(result.ok && result.event.kind === 'message' && result.event.sentAt).toBeNaN();
  });

  // V8's Date.parse also takes legacy formats; only ISO 8601 is read, anything else dropped.
  it.each([
    ['a bare number', '1'],
    ['an English date', 'May 1, 2026'],
  ])('drops a timestamp that is %s, not ISO 8601', (_, timestamp) => {
    const result = parsePayload(textPayload({ timestamp }));
    expect(result).toMatchObject({ ok: true, warnings: [expect.stringMatching(/^timestamp: /)] });
  });

  it.each([
    ['with an offset', '2026-05-01T14:34:56.123456+02:00', Date.UTC(2026, 4, 1, 12, 34, 56, 123)],
    ['in UTC with Z', '2026-05-01T12:34:56Z', Date.UTC(2026, 4, 1, 12, 34, 56)],
    ['naive (read as UTC)', '2026-05-01T12:34:56', Date.UTC(2026, 4, 1, 12, 34, 56)],
  ])('reads a timestamp %s', (_, timestamp, sentAt) => {
    expect(parsePayload(textPayload({ timestamp }))).toMatchObject({
      ok: true,
      event: { sentAt },
    });
  });
});
