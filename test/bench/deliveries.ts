import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { eventyayJson, eventyaySignature, textPayload } from '../helpers/eventyay.ts';

export const SECRET = 'bench-secret-0123456789abcdef';

export type Delivery = { body: string; signature: string };

const START = Date.UTC(2026, 4, 1, 12);
const at = (ms: number) => new Date(START + ms).toISOString().replace('Z', '+00:00');
const senderId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const sign = (payload: Record<string, unknown>): Delivery => {
  const body = eventyayJson(payload);
  return { body, signature: eventyaySignature(body, SECRET) };
};

const CHAT_TEXTS = [
  'Great talk!',
  'Can you repeat the last slide?',
  'Where is room B?',
  'Thanks 🙏',
  'Is there a recording?',
];

/**
 * Conference chat: 500 attendees, short distinct texts, one delivery every 10 ms of chat time,
 * so each attendee writes every 5 s and no default rule fires on volume or repetition.
 */
export function chatDelivery(i: number): Delivery {
  return sign(
    textPayload({
      message_id: 1_000_000 + i,
      // A random tail keeps texts further apart than the repetition rule's edit distance.
      message: `${CHAT_TEXTS[i % CHAT_TEXTS.length]} ${createHash('sha1').update(String(i)).digest('base64url').slice(0, 12)}`,
      sender_id: senderId(i % 500),
      screen_name: `Attendee ${i % 500}`,
      timestamp: at(i * 10),
    }),
  );
}

const FLOOD_SENDERS = 5_000;

/**
 * Flood: 5,000 senders repeating one text with a changing digit (an edit distance of 1), in
 * bursts: 50 senders at a time post 10 messages each, in turns, within 50 ms of chat time. From
 * a sender's 3rd message the default repetition rule (3 within 60 s, distance ≤ 2) flags it,
 * from the 6th the flood rule (more than 5 within 10 s) too: most messages are flagged whatever
 * the rate, and the deliveries in flight at one time come from different senders.
 */
export function floodDelivery(i: number): Delivery {
  const burst = Math.floor(i / 500);
  const sender = (burst * 50 + (i % 50)) % FLOOD_SENDERS;
  const nth = Math.floor((i % 500) / 50);
  return sign(
    textPayload({
      message_id: 5_000_000 + i,
      message: `FREE tickets for everyone, just reply to claim yours now ${nth}`,
      sender_id: senderId(100_000 + sender),
      screen_name: `Flooder ${sender}`,
      timestamp: at(i * 0.1),
    }),
  );
}

/** `count` unique signed deliveries, as Eventyay serialises and signs them. */
export function makeDeliveries(count: number, make = chatDelivery): Delivery[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

/** Writes `count` deliveries to `path` for wrk: a line per delivery, signature TAB body. */
export async function writeDeliveries(path: string, count: number, make: (i: number) => Delivery) {
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
    const { body, signature } = make(i);
    // JSON escapes every control character, so a body never holds a tab or a newline.
    if (!out.write(`${signature}\t${body}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
