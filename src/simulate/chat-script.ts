import {
  APPLAUSE,
  AUDIENCE,
  CHATTER,
  FLOOD,
  INSULTS,
  LINKS,
  NAME_SUFFIXES,
  PERSONAL_DATA,
  REACTIONS,
  REPORT_EMOJI,
  SHOUTING,
  SPAM,
  SPAMMER,
  type CastMember,
} from './chat-lines.ts';
import { pythonIsoFormat, type EventyayPayload } from '../sources/eventyay-wire.ts';
import { createRandom } from './seeded-random.ts';

/** Why an event is in the script; the ones in TRIPS_DEFAULT_RULES are meant to be flagged. */
export type Purpose =
  | 'chatter'
  | 'reaction'
  | 'applause'
  | 'retry'
  | 'personal_data'
  | 'link'
  | 'shouting'
  | 'insult'
  | 'report_reaction'
  | 'spam'
  | 'flood';

/** Purposes whose events trip a rule that is on by default (migrations/0002_default_rules.sql). */
export const TRIPS_DEFAULT_RULES: ReadonlySet<Purpose> = new Set([
  'personal_data',
  'report_reaction',
  'spam',
  'flood',
]);

export type SimulatedEvent = { purpose: Purpose; payload: EventyayPayload };

/**
 * Plays one chat: each call gives the next step at `now` (wall-clock epoch ms, for the
 * timestamps): one event, or a burst sent together.
 */
export type ChatScript = { next: (now: number) => SimulatedEvent[] };

export type Person = CastMember & { id: string };

// The people and channels stay the same whatever the seed, so runs add to the same senders.
const CAST_SEED = 20260501;

/** The room's channels: Eventyay channel UUIDs, with how often each is written in. */
export const SIMULATED_CHANNELS: readonly { id: string; label: string; weight: number }[] = (() => {
  const random = createRandom(CAST_SEED);
  return [
    { id: random.uuid(), label: 'main hall', weight: 60 },
    { id: random.uuid(), label: 'Q&A', weight: 25 },
    { id: random.uuid(), label: 'help desk', weight: 15 },
  ];
})();

/**
 * Everyone in the room: the named audience first (they write most), then variants of their
 * names for the quieter crowd, then the spammer.
 */
export const SIMULATED_PEOPLE: readonly Person[] = (() => {
  const random = createRandom(CAST_SEED + 1);
  const people: Person[] = [];
  for (const suffix of NAME_SUFFIXES) {
    for (const member of AUDIENCE) {
      const screenName = `${member.screenName}${suffix}`;
      const centralauth = suffix === '' ? member.centralauth : null;
      people.push({ ...member, screenName, centralauth, id: random.uuid() });
    }
  }
  people.push({ ...SPAMMER, id: random.uuid() });
  return people;
})();

const CORE = AUDIENCE.length;
const CROWD = SIMULATED_PEOPLE.slice(0, -1);
const SPAMMER_PERSON = SIMULATED_PEOPLE[SIMULATED_PEOPLE.length - 1]!;

/** The default Flood rule flags more than 5 messages by one sender in 10 s: stay under it. */
const FLOOD_WINDOW_MS = 10_000;
const CALM_MESSAGES_PER_WINDOW = 3;
/** The default Repetition rule looks back 60 s. */
const REPEAT_WINDOW_MS = 60_000;
const RECENT_MESSAGES = 40;

type Sent = { payload: EventyayPayload; reactions: Record<string, string[]> };
type FollowUp = { at: number; make: (now: number) => SimulatedEvent | null };

/**
 * A deterministic live chat for `seed`: chatter from several people (some with non-ASCII
 * names) in three channels, reactions built as Eventyay builds them (the emoji quirk of
 * docs/protocols.md: the target's id, text, time and author, the reactor's name, and the snapshot
 * after the change), an occasional retried delivery, every 12 to 24 events something that
 * should be flagged, and now and then a burst. Message ids count up from `firstMessageId`
 * with small gaps, like Eventyay's global counter. Who says what depends only on the seed and
 * the rate (the script keeps its own clock, event k at k / rate seconds, so a slow or jittery
 * sender plays the same chat); texts are timed by the `now` given to `next`.
 */
export function createChatScript(options: {
  seed: number;
  firstMessageId: number;
  /** Deliveries per second, as the runner paces them. */
  rate: number;
}): ChatScript {
  const random = createRandom(options.seed);
  // The script's clock (ms since its start) and how far the wall clock is ahead of it.
  const scriptTime = (events: number) => (events * 1000) / options.rate;
  let wallOffset = 0;
  let nextId = options.firstMessageId;
  let index = 0;
  const firstTripperAt = random.between(3, 7);
  let nextTripperAt = firstTripperAt;
  let nextBurstAt = random.between(14, 24);
  const recent: Sent[] = [];
  const followUps: FollowUp[] = [];
  const history = new Map<string, { at: number; text: string }[]>();

  const text = (now: number, person: Person, message: string, channel?: string): Sent => {
    const payload: EventyayPayload = {
      centralauth_id: person.centralauth?.id ?? null,
      centralauth_username: person.centralauth?.username ?? null,
      channel: channel ?? random.weighted(SIMULATED_CHANNELS.map((c) => [c.id, c.weight])),
      message,
      message_id: nextId,
      message_type: 'text',
      meta: {},
      profile_img: null,
      screen_name: person.screenName,
      sender_id: person.id,
      timestamp: pythonIsoFormat(now + wallOffset, random.int(1000)),
      user_language: person.language,
    };
    nextId += random.between(1, 4);
    const sent = { payload, reactions: {} };
    recent.push(sent);
    if (recent.length > RECENT_MESSAGES) recent.shift();
    const past = (history.get(person.id) ?? []).filter((h) => now - h.at < REPEAT_WINDOW_MS);
    history.set(person.id, [...past, { at: now, text: message }]);
    return sent;
  };

  const busy = (person: Person, now: number) =>
    (history.get(person.id) ?? []).filter((h) => now - h.at < FLOOD_WINDOW_MS).length >=
    CALM_MESSAGES_PER_WINDOW;
  const said = (person: Person, now: number, line: string) =>
    (history.get(person.id) ?? []).some((h) => h.text === line && now - h.at < REPEAT_WINDOW_MS);

  /** Someone who has not written much in the last seconds; the named audience writes most. */
  const speaker = (now: number, except: ReadonlySet<string> = new Set()): Person => {
    let person = CROWD[0]!;
    for (let attempt = 0; attempt < 8; attempt++) {
      person = random.chance(0.7) ? CROWD[random.int(CORE)]! : random.pick(CROWD);
      if (!except.has(person.id) && !busy(person, now)) break;
    }
    return person;
  };

  const chatter = (now: number, person: Person, lines: readonly string[]): string => {
    let line = random.pick(lines);
    for (let attempt = 0; attempt < 8 && said(person, now, line); attempt++) {
      line = random.pick(lines);
    }
    return line;
  };

  /** An emoji event for `target` as Eventyay serialises it (docs/protocols.md, the emoji quirk). */
  const reaction = (
    target: Sent,
    reactor: Person,
    emoji: string,
    action: 'add' | 'remove',
  ): EventyayPayload => {
    const users = (target.reactions[emoji] ?? []).filter((u) => u !== reactor.id);
    if (action === 'add') users.push(reactor.id);
    if (users.length > 0) target.reactions[emoji] = users;
    else delete target.reactions[emoji];
    return {
      ...target.payload,
      centralauth_id: reactor.centralauth?.id ?? null,
      centralauth_username: reactor.centralauth?.username ?? null,
      message_type: 'emoji',
      meta: {
        action,
        reaction: emoji,
        // A copy: the snapshot as it was after this change, not after later ones.
        reactions: structuredClone(target.reactions),
        target_message_id: target.payload.message_id,
      },
      screen_name: reactor.screenName,
      user_language: reactor.language,
    };
  };

  /** Someone reacts to a recent message, or takes a reaction back. */
  const someReaction = (now: number): SimulatedEvent | null => {
    // Newer messages get most reactions.
    const target = recent[recent.length - 1 - Math.min(random.int(8), random.int(recent.length))];
    if (target === undefined) return null;
    const given = Object.entries(target.reactions).flatMap(([emoji, users]) =>
      users.map((user) => ({ emoji, user })),
    );
    if (given.length > 0 && random.chance(0.15)) {
      const taken = random.pick(given);
      const reactor = SIMULATED_PEOPLE.find((p) => p.id === taken.user)!;
      return { purpose: 'reaction', payload: reaction(target, reactor, taken.emoji, 'remove') };
    }
    const emoji = random.weighted(REACTIONS);
    const already = new Set([target.payload.sender_id ?? '', ...(target.reactions[emoji] ?? [])]);
    const reactor = speaker(now, already);
    if (already.has(reactor.id)) return null;
    return { purpose: 'reaction', payload: reaction(target, reactor, emoji, 'add') };
  };

  const later = (after: number, make: FollowUp['make']) => {
    followUps.push({ at: index + after, make });
    followUps.sort((a, b) => a.at - b.at);
  };

  /**
   * Something a moderator should see, every 12 to 24 events; the first one within the first
   * seconds, and of a kind the default rules flag, so the queue fills at once.
   */
  const tripper = (now: number, first: boolean): SimulatedEvent[] => {
    const kind = random.weighted<
      'personal_data' | 'insult' | 'spam' | 'flood' | 'link' | 'shouting'
    >([
      ['personal_data', 3],
      ['insult', 2],
      ['spam', 2],
      ['flood', 2],
      ['link', first ? 0 : 1],
      ['shouting', first ? 0 : 1],
    ]);
    const lines = { personal_data: PERSONAL_DATA, link: LINKS, shouting: SHOUTING };
    switch (kind) {
      case 'insult': {
        const insult = text(now, speaker(now), random.pick(INSULTS));
        const reporters = new Set([insult.payload.sender_id ?? '']);
        for (const after of [2, 4, 6]) {
          later(after, (at) => {
            const reporter = speaker(at, reporters);
            reporters.add(reporter.id);
            const payload = reaction(insult, reporter, REPORT_EMOJI, 'add');
            return { purpose: 'report_reaction', payload };
          });
        }
        return [{ purpose: 'insult', payload: insult.payload }];
      }
      case 'spam': {
        const line = random.pick(SPAM);
        const channel = random.pick(SIMULATED_CHANNELS).id;
        const post = (at: number): SimulatedEvent => ({
          purpose: 'spam',
          payload: text(at, SPAMMER_PERSON, line, channel).payload,
        });
        later(3, post);
        later(6, post);
        return [post(now)];
      }
      case 'flood': {
        const person = speaker(now);
        const channel = random.pick(SIMULATED_CHANNELS).id;
        return FLOOD.slice(0, random.between(6, FLOOD.length)).map((line, i) => ({
          purpose: 'flood' as const,
          payload: text(now + i * random.between(5, 60), person, line, channel).payload,
        }));
      }
      default:
        return [
          { purpose: kind, payload: text(now, speaker(now), random.pick(lines[kind])).payload },
        ];
    }
  };

  /** Applause when a talk ends: many people at once, some writing, some clapping. */
  const applause = (now: number): SimulatedEvent[] => {
    const events: SimulatedEvent[] = [];
    const clapped = recent[recent.length - 1];
    const involved = new Set<string>([clapped?.payload.sender_id ?? '']);
    for (let i = random.between(5, 9); i > 0; i--) {
      const at = now + events.length * random.between(2, 40);
      const person = speaker(at, involved);
      involved.add(person.id);
      if (clapped !== undefined && random.chance(0.4)) {
        events.push({ purpose: 'applause', payload: reaction(clapped, person, '👏', 'add') });
      } else {
        const line = chatter(at, person, APPLAUSE);
        events.push({ purpose: 'applause', payload: text(at, person, line).payload });
      }
    }
    return events;
  };

  const step = (now: number): SimulatedEvent[] => {
    const due = followUps[0];
    if (due !== undefined && due.at <= index) {
      followUps.shift();
      const event = due.make(now);
      if (event !== null) return [event];
    }
    if (index >= nextBurstAt) {
      nextBurstAt = index + random.between(30, 60);
      return applause(now);
    }
    if (index >= nextTripperAt) {
      const first = nextTripperAt === firstTripperAt;
      nextTripperAt = index + random.between(12, 24);
      return tripper(now, first);
    }
    // An occasional duplicate delivery (docs/protocols.md: late acknowledgement), byte for byte.
    const older = recent[recent.length - 1 - random.between(3, 10)];
    if (older !== undefined && random.chance(0.015)) {
      return [{ purpose: 'retry', payload: older.payload }];
    }
    if (random.chance(0.3)) {
      const event = someReaction(now);
      if (event !== null) return [event];
    }
    const person = speaker(now);
    return [
      { purpose: 'chatter', payload: text(now, person, chatter(now, person, CHATTER)).payload },
    ];
  };

  return {
    next: (now) => {
      const at = scriptTime(index);
      wallOffset = now - at;
      const events = step(at);
      index += events.length;
      return events;
    },
  };
}
