// What the simulated audience says. Plain data; chat-script.ts decides who says what, and when.

/** People in the room: screen name, locale, and a CentralAuth account for some. */
export type CastMember = {
  screenName: string;
  language: string | null;
  centralauth: { id: number; username: string } | null;
};

export const AUDIENCE: readonly CastMember[] = [
  { screenName: 'Amélie', language: 'fr', centralauth: { id: 40213, username: 'Amélie Dubois' } },
  { screenName: 'Jonas', language: 'de', centralauth: null },
  { screenName: 'Zoë', language: 'nl', centralauth: null },
  { screenName: 'Łukasz', language: 'pl', centralauth: { id: 771902, username: 'Łukasz K.' } },
  { screenName: 'Priya', language: 'en', centralauth: { id: 1290455, username: 'PriyaR' } },
  { screenName: '田中さくら', language: 'ja', centralauth: null },
  { screenName: 'Олег', language: 'ru', centralauth: null },
  { screenName: 'Kwame', language: 'en', centralauth: null },
  { screenName: 'María José', language: 'es', centralauth: { id: 55310, username: 'MJ García' } },
  { screenName: 'sam_k', language: 'en', centralauth: null },
  {
    screenName: 'Fatima (WMDE)',
    language: 'de',
    centralauth: { id: 902, username: 'Fatima (WMDE)' },
  },
  { screenName: 'Søren', language: 'da', centralauth: null },
  { screenName: 'Chidi', language: 'en', centralauth: null },
  { screenName: 'Ana Luísa', language: 'pt-BR', centralauth: null },
  { screenName: 'Mehmet', language: 'tr', centralauth: null },
  { screenName: 'Nguyễn Linh', language: 'vi', centralauth: null },
  { screenName: 'Ingrid', language: 'nb', centralauth: { id: 310077, username: 'Ingrid H' } },
  { screenName: 'Rahul', language: 'hi', centralauth: null },
  { screenName: 'Chloé', language: 'fr', centralauth: null },
  { screenName: 'Tomás', language: 'es', centralauth: null },
  { screenName: 'Yusuf', language: 'ar', centralauth: null },
  { screenName: 'Emma', language: 'en', centralauth: null },
  { screenName: 'Ji-woo', language: 'ko', centralauth: null },
  { screenName: 'Olusegun', language: 'yo', centralauth: null },
];

/** Added to a name to make more people (`Emma 2`, `jonas.m`...): a busy room has hundreds. */
export const NAME_SUFFIXES = ['', ' 2', '_', '.m', ' K.', '88', ' (guest)', '_eu'] as const;

/** The one who posts spam and links. */
export const SPAMMER: CastMember = {
  screenName: 'FreeTix4U',
  language: 'en',
  centralauth: null,
};

/** Ordinary chatter: none of it trips a default rule on its own. */
export const CHATTER: readonly string[] = [
  'Hello everyone!',
  'Hi all, joining from the train 🚆',
  'Can you hear the speaker? My audio keeps cutting out',
  'Audio is fine here',
  'Great talk so far',
  'Where can I find the slides?',
  'The slides will be shared after the session, I think',
  'Is this session being recorded?',
  'Yes, recordings go up next week',
  'Question: how do you handle vandalism at scale?',
  'Good question!',
  'Thanks for organising this 🙏',
  'First time at this conference, so exciting',
  'The Q&A is in the other channel',
  'Could you zoom in on the diagram please?',
  'That chart is really interesting',
  'Does this work offline too?',
  'We tried something similar in our chapter last year',
  'Agreed, documentation is the hard part',
  'Is there a link to the project page?',
  'Merci pour la présentation !',
  'Danke für den Vortrag 👏',
  '¡Hola a todos desde Madrid!',
  'Pozdrowienia z Krakowa',
  'とても面白いです',
  'Очень интересно, спасибо',
  'Olá! Alguém mais de Lisboa?',
  'Cảm ơn bạn rất nhiều',
  'مرحبا بالجميع',
  'Lol the cat on camera 😂',
  'brb coffee ☕',
  'back',
  'Next speaker is starting soon',
  'What time is the break?',
  'Lunch in 20 minutes according to the schedule',
  'How do I join the workshop tomorrow?',
  'The registration desk can help with that',
  'This is my favourite session of the day',
  'Can someone repeat the name of the tool?',
  'It was called Toolforge I believe',
  'Nice demo!',
  'Stream froze for a second, all good now',
  'Is the speaker on Mastodon?',
  '+1 to that question',
  'So many good ideas today ✨',
  'Thank you! 😊',
];

/** Applause: what many people post at once when a talk ends. */
export const APPLAUSE: readonly string[] = [
  '👏👏👏',
  'Bravo!',
  'Great talk, thank you!',
  '👏',
  'Thank you so much 🎉',
  'Brilliant 👏👏',
  'Merci !',
  'Danke!',
  'Amazing work',
  '🎉🎉',
];

/** Personal data, caught by the default "Personal data" rule (an open flag). */
export const PERSONAL_DATA: readonly string[] = [
  'you can reach me at amelie.dubois@example.org for the slides',
  'call me on +49 30 9018 2217 if the stream drops again',
  'my card 4111 1111 1111 1111 was charged twice for the ticket??',
  'please send the refund to DE89 3704 0044 0532 0130 00, thanks',
  'text me: (555) 013-2987',
  'mail the organisers at help@conference-example.org',
];

/** Links: the default "Links from new senders" rule is off, but a link rule would catch these. */
export const LINKS: readonly string[] = [
  'free tickets here: https://bit.ly/3xFreeTix',
  'slides are at https://commons.wikimedia.org/wiki/File:Talk.pdf',
  'check out www.cheap-followers.shop for more viewers',
];

/** Shouting (the default "Shouting" rule only logs, and is off until enabled). */
export const SHOUTING: readonly string[] = [
  'THE AUDIO IS GONE AGAIN, CAN ANYONE FIX IT???',
  'WHY IS NOBODY ANSWERING MY QUESTION',
];

/**
 * Insults and words a keyword list would hold (there is none by default: none is right for
 * every language); three people then report one with 🚩, which trips "Flagged by reactions".
 */
export const INSULTS: readonly string[] = [
  'this speaker is an idiot, total waste of time',
  'shut up already, nobody cares about your stupid question',
  'what a moron, get off the stage',
];

/** Spam: posted three times by one sender, which trips the default "Repetition" rule. */
export const SPAM: readonly string[] = [
  'Get 1000 followers FAST, DM me for free tickets!!!',
  'Earn $500 a day from home, ask me how',
];

/** A flood: one sender posting many short lines at once, which trips the default "Flood" rule. */
export const FLOOD: readonly string[] = [
  'hello??',
  'anyone?',
  'HELLO',
  'can anyone hear me',
  'hellooooo',
  'answer pls',
  '???',
  'hey',
];

/** Reactions: emoji with weights. `❤️` carries its variation selector, as sent. */
export const REACTIONS: readonly (readonly [string, number])[] = [
  ['👍', 30],
  ['👏', 20],
  ['❤️', 15],
  ['😂', 15],
  ['🎉', 10],
  ['🤔', 5],
];

/** The emoji the default "Flagged by reactions" rule counts. */
export const REPORT_EMOJI = '🚩';
