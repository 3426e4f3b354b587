import { describe, expect, it } from 'vitest';
import { inferReactor } from '../../src/ingest/infer-reactor.ts';
import { parseEventyayDelivery } from '../../src/ingest/senders/eventyay.ts';
import { createTextView, compileTextCheck } from '../../src/rules/match-text.ts';
import { TextCheck } from '../../src/rules/rule-kinds.ts';
import {
  CHATTER,
  FLOOD,
  INSULTS,
  LINKS,
  PERSONAL_DATA,
  SHOUTING,
  SPAM,
} from '../../src/simulate/chat-lines.ts';
import {
  createChatScript,
  SIMULATED_CHANNELS,
  SIMULATED_PEOPLE,
  TRIPS_DEFAULT_RULES,
  type SimulatedEvent,
} from '../../src/simulate/chat-script.ts';
import { eventyayBody, type EventyayEmojiMeta } from '../../src/sources/eventyay-wire.ts';

const START = Date.UTC(2026, 4, 1, 12, 0, 0);

/**
 * Plays `count` events of a script at `rate` per second, each step when the runner would send
 * it (event k at k / rate s, plus `lateMs` of wall-clock delay); each with its step and time.
 */
function play(seed: number, count: number, firstMessageId = 5000, lateMs = () => 0) {
  const rate = 5;
  const script = createChatScript({ seed, firstMessageId, rate });
  const events: (SimulatedEvent & { step: number; at: number })[] = [];
  for (let step = 0; events.length < count; step++) {
    const at = START + (events.length * 1000) / rate;
    for (const event of script.next(at + lateMs())) events.push({ ...event, step, at });
  }
  return events;
}

const texts = <T extends SimulatedEvent>(events: T[]) =>
  events.filter((e) => e.payload.message_type === 'text' && e.purpose !== 'retry');
const emoji = <T extends SimulatedEvent>(events: T[]) =>
  events.filter((e) => e.payload.message_type === 'emoji');
const matcher = (kind: 'personal_data' | 'link' | 'shouting') => {
  const match = compileTextCheck(TextCheck.parse({ kind, settings: {} }));
  return (text: string) => match(createTextView(text)) !== null;
};

describe('createChatScript', () => {
  it('plays the same chat for the same seed, byte for byte, and another for another seed', () => {
    const bodies = (seed: number) => play(seed, 300).map((e) => eventyayBody(e.payload));
    expect(bodies(42)).toEqual(bodies(42));
    expect(bodies(43)).not.toEqual(bodies(42));
  });

  it('plays the same chat for the same seed however late each step is sent; only times move', () => {
    let late = 0;
    const onTime = play(12, 300);
    const jittery = play(12, 300, 5000, () => (late += 37));
    const withoutTime = (e: SimulatedEvent) => eventyayBody({ ...e.payload, timestamp: '' });
    expect(jittery.map(withoutTime)).toEqual(onTime.map(withoutTime));
    expect(jittery.map((e) => e.payload.timestamp)).not.toEqual(
      onTime.map((e) => e.payload.timestamp),
    );
  });

  it('gives every text message its own id, counting up from the first id with small gaps', () => {
    const ids = texts(play(1, 500, 70_000)).map((e) => e.payload.message_id);
    expect(ids[0]).toBe(70_000);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) {
      expect(ids[i]! - ids[i - 1]!).toBeGreaterThanOrEqual(1);
      expect(ids[i]! - ids[i - 1]!).toBeLessThanOrEqual(4);
    }
  });

  it('has several senders, some with non-ASCII names, in two or three channels', () => {
    const events = texts(play(3, 300));
    const names = new Set(events.map((e) => e.payload.screen_name));
    expect(names.size).toBeGreaterThanOrEqual(20);
    expect([...names].filter((n) => /[^\x20-\x7e]/.test(n)).length).toBeGreaterThanOrEqual(3);
    const channels = new Set(events.map((e) => e.payload.channel));
    expect(channels).toEqual(new Set(SIMULATED_CHANNELS.map((c) => c.id)));
    expect(SIMULATED_CHANNELS.length).toBeGreaterThanOrEqual(2);
    expect(SIMULATED_CHANNELS.length).toBeLessThanOrEqual(3);
  });

  it('writes identities consistently: one id per screen name, CentralAuth only on some', () => {
    const events = texts(play(4, 400));
    const byId = new Map<string, string>();
    for (const { payload } of events) {
      const known = byId.get(payload.sender_id!);
      if (known !== undefined) expect(payload.screen_name).toBe(known);
      byId.set(payload.sender_id!, payload.screen_name);
      expect(payload.sender_id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    expect(events.some((e) => e.payload.centralauth_id !== null)).toBe(true);
    expect(events.some((e) => e.payload.centralauth_id === null)).toBe(true);
    expect(new Set(SIMULATED_PEOPLE.map((p) => p.id)).size).toBe(SIMULATED_PEOPLE.length);
  });

  it('builds reactions as Eventyay does: from the target message, with the reactor only in the identity fields', () => {
    const events = play(5, 600);
    const targets = new Map(texts(events).map((e) => [e.payload.message_id, e.payload]));
    const reactions = emoji(events);
    expect(reactions.length).toBeGreaterThan(100);
    for (const { payload } of reactions) {
      const meta = payload.meta as EventyayEmojiMeta;
      const target = targets.get(meta.target_message_id)!;
      expect(payload.message_id).toBe(meta.target_message_id);
      expect(payload.message).toBe(target.message);
      expect(payload.timestamp).toBe(target.timestamp);
      expect(payload.sender_id).toBe(target.sender_id);
      expect(payload.channel).toBe(target.channel);
      const reactor = SIMULATED_PEOPLE.find((p) => p.screenName === payload.screen_name)!;
      expect(payload.user_language).toBe(reactor.language);
      expect(payload.centralauth_id).toBe(reactor.centralauth?.id ?? null);
    }
    expect(reactions.some((e) => (e.payload.meta as EventyayEmojiMeta).action === 'remove')).toBe(
      true,
    );
    expect(
      new Set(reactions.map((e) => (e.payload.meta as EventyayEmojiMeta).reaction)).size,
    ).toBeGreaterThanOrEqual(5);
  });

  it('sends snapshots from which the server infers every reactor, in the order sent', () => {
    const latest = new Map<number, Record<string, string[]>>();
    for (const { payload } of emoji(play(6, 800))) {
      const meta = payload.meta as EventyayEmojiMeta;
      const reactor = SIMULATED_PEOPLE.find((p) => p.screenName === payload.screen_name)!;
      const before = latest.get(meta.target_message_id) ?? null;
      expect(inferReactor(before, meta.reactions, meta.reaction, meta.action)).toBe(reactor.id);
      latest.set(meta.target_message_id, meta.reactions);
    }
  });

  it('sends only bodies the Eventyay adapter accepts', () => {
    for (const { payload } of play(7, 400)) {
      const parsed = parseEventyayDelivery(new TextEncoder().encode(eventyayBody(payload)));
      expect(parsed.ok, JSON.stringify(payload)).toBe(true);
    }
  });

  it.each(Array.from({ length: 20 }, (_, seed) => [seed]))(
    'with seed %i, trips a default rule within the first 40 events and bursts within 60',
    (seed) => {
      const events = play(seed, 60);
      expect(events.slice(0, 40).some((e) => TRIPS_DEFAULT_RULES.has(e.purpose))).toBe(true);
      const ordinary = new Set(['chatter', 'reaction', 'applause', 'retry']);
      const first = events.findIndex((e) => !ordinary.has(e.purpose));
      expect(first).toBeLessThan(8);
      expect(['personal_data', 'insult', 'spam', 'flood']).toContain(events[first]!.purpose);
      const perStep = new Map<number, number>();
      for (const e of events) perStep.set(e.step, (perStep.get(e.step) ?? 0) + 1);
      expect(Math.max(...perStep.values())).toBeGreaterThanOrEqual(5);
    },
  );

  it('reports an insult with 🚩 from three different people, none of them its author', () => {
    const events = play(8, 2000);
    const insult = events.find((e) => e.purpose === 'insult')!;
    const reports = events.filter(
      (e) => e.purpose === 'report_reaction' && e.payload.message_id === insult.payload.message_id,
    );
    expect(reports).toHaveLength(3);
    const last = (reports[2]!.payload.meta as EventyayEmojiMeta).reactions['🚩']!;
    expect(new Set(last).size).toBe(3);
    expect(last).not.toContain(insult.payload.sender_id);
  });

  it('posts spam three times in one minute by one sender, and floods with more than 5 in 10 s', () => {
    const events = play(9, 3000);
    const spam = events.filter((e) => e.purpose === 'spam');
    const first = spam[0]!;
    const same = spam.filter(
      (e) => e.payload.message === first.payload.message && e.at - first.at < 60_000,
    );
    expect(same.length).toBeGreaterThanOrEqual(3);
    expect(new Set(same.map((e) => e.payload.sender_id)).size).toBe(1);
    const flood = events.filter(
      (e) => e.purpose === 'flood' && e.step === events.find((f) => f.purpose === 'flood')!.step,
    );
    expect(flood.length).toBeGreaterThan(5);
    expect(new Set(flood.map((e) => e.payload.sender_id)).size).toBe(1);
  });

  it('keeps ordinary chatter under the flood rule: at most 3 messages per person in 10 s', () => {
    const events = texts(play(10, 1500)).filter((e) => e.purpose === 'chatter');
    for (const e of events) {
      const recent = events.filter(
        (o) => o.payload.sender_id === e.payload.sender_id && o.at <= e.at && e.at - o.at < 10_000,
      );
      expect(recent.length).toBeLessThanOrEqual(3);
    }
  });

  it('now and then retries a delivery byte for byte, as a late acknowledgement does', () => {
    const events = play(11, 2000);
    const retries = events.filter((e) => e.purpose === 'retry');
    expect(retries.length).toBeGreaterThan(5);
    const bodies = new Set(texts(events).map((e) => eventyayBody(e.payload)));
    for (const retry of retries) expect(bodies.has(eventyayBody(retry.payload))).toBe(true);
  });

  describe('lines', () => {
    const personalData = matcher('personal_data');
    const link = matcher('link');
    const shouting = matcher('shouting');

    it.each(PERSONAL_DATA.map((l) => [l]))('%j trips the Personal data rule', (line) => {
      expect(personalData(line)).toBe(true);
    });
    it.each(LINKS.map((l) => [l]))('%j is found by a link rule', (line) => {
      expect(link(line)).toBe(true);
    });
    it.each(SHOUTING.map((l) => [l]))('%j is found by the Shouting rule', (line) => {
      expect(shouting(line)).toBe(true);
    });
    it.each([...CHATTER, ...INSULTS, ...SPAM, ...FLOOD].map((l) => [l]))(
      '%j has no personal data and no link',
      (line) => {
        expect(personalData(line)).toBe(false);
        expect(link(line)).toBe(false);
      },
    );
  });
});
