import { ROLES } from '../../src/auth/account-fields.ts';
import { VERDICTS } from '../../src/moderation/decide-message.ts';
import { SENDER_STATUSES } from '../../src/moderation/set-sender-status.ts';
import { DELIVERY_OUTCOMES } from '../../src/sources/list-deliveries.ts';
import { actorName } from './actor-name.ts';

/*
 * What a page says after a change ("Saved as version 3."). A redirect carries it in the URL
 * (`?done=rule-saved.3`), which anyone can link to, so the URL names one of the notices below
 * and its typed values, never text: an unknown key or a value out of its set shows nothing.
 */

type IntParam = { int: readonly [min: number, max: number] };
type EnumParam = { oneOf: readonly string[] };
type Param = IntParam | EnumParam;
type ValueOf<P> = P extends { oneOf: readonly (infer V)[] } ? V : number;
type ValuesOf<S extends readonly Param[]> = { -readonly [I in keyof S]: ValueOf<S[I]> };

const COUNT = { int: [0, 1_000_000_000] } as const;
const ID = { int: [1, Number.MAX_SAFE_INTEGER] } as const;
const HTTP_STATUS = { int: [100, 599] } as const;
/** A decision's id; 0 when none is known. */
const DECISION_ID = { int: [0, Number.MAX_SAFE_INTEGER] } as const;
const oneOf = <const V extends readonly string[]>(values: V) => ({ oneOf: values });

/** Rows of the page a notice is shown on, which a notice may name by id (a decision). */
export type NoticeContext = {
  decisions?: readonly { id: number; verdict: string; actor: string; outcome: string }[];
};

function define<const S extends readonly Param[]>(
  params: S,
  text: (values: ValuesOf<S>, context: NoticeContext) => string,
) {
  return { params, text };
}

const lookAlikes = (n: number) => `${n} pending look-alike${n === 1 ? '' : 's'}`;
const blocked = (pattern: number) =>
  `Blocked look-alikes in this channel from now on (pattern #${pattern}).`;

const NOTICES = {
  'role-changed': define([oneOf(ROLES)], ([role]) => `Role changed to ${role}.`),
  'role-unchanged': define([oneOf(ROLES)], ([role]) => `The role already was ${role}.`),
  'account-disabled': define([], () => 'Account disabled; its sessions have ended.'),
  'account-enabled': define([], () => 'Account enabled.'),
  'account-unchanged': define(
    [oneOf(['enabled', 'disabled'])],
    ([status]) => `The account already was ${status}.`,
  ),
  decided: define([oneOf(VERDICTS)], ([verdict]) => `Done: ${verdict}.`),
  // The decision that stands is named by id and looked up among the message's decisions.
  superseded: define([oneOf(VERDICTS), DECISION_ID], ([verdict, standingId], { decisions }) => {
    const standing = decisions?.find((d) => d.id === standingId && d.outcome !== 'superseded');
    const by = standing
      ? `${standing.verdict} by ${actorName(standing.actor)}`
      : 'a more restrictive decision';
    return `Superseded: ${by} came first and stands. Your ${verdict} is recorded, and changed nothing.`;
  }),
  'similar-rejected': define(
    [COUNT],
    ([others]) => `Rejected this message and ${lookAlikes(others)}.`,
  ),
  'similar-rejected-others': define(
    [COUNT],
    ([others]) => `Rejected ${lookAlikes(others)} (this message was rejected already).`,
  ),
  'similar-blocked': define(
    [ID, COUNT],
    ([pattern, others]) => `${blocked(pattern)} Rejected this message and ${lookAlikes(others)}.`,
  ),
  'similar-blocked-others': define(
    [ID, COUNT],
    ([pattern, others]) =>
      `${blocked(pattern)} Rejected ${lookAlikes(others)} (this message was rejected already).`,
  ),
  'note-added': define([], () => 'Note added.'),
  'sender-status': define([oneOf(SENDER_STATUSES)], ([status]) => `Sender is now ${status}.`),
  'rule-created': define([], () => 'Rule created as version 1.'),
  'rule-saved': define([ID], ([version]) => `Saved as version ${version}.`),
  'rule-unchanged': define([], () => 'Nothing changed: the rule already has this definition.'),
  'rule-switched': define(
    [oneOf(['enabled', 'disabled']), ID],
    ([state, version]) => `Rule ${state} (version ${version}).`,
  ),
  'rule-unswitched': define(
    [oneOf(['enabled', 'disabled'])],
    ([state]) => `The rule was already ${state}.`,
  ),
  'source-disabled': define([], () => 'Source disabled: its sender now gets 404.'),
  'source-enabled': define([], () => 'Source enabled.'),
  // The reason of a refusal stays in the deliveries list: it is the sender's text.
  'test-delivery': define(
    [oneOf([...DELIVERY_OUTCOMES, 'unavailable'] as const), HTTP_STATUS],
    ([outcome, status]) =>
      `Test delivery ${outcome} (HTTP ${status})${
        outcome === 'rejected' || outcome === 'ignored'
          ? ': the reason is in the deliveries below'
          : outcome === 'unavailable'
            ? ': the database was busy (another process held it); try again'
            : ''
      }.`,
  ),
  'channel-saved': define([], () => 'Saved.'),
  'pattern-lifted': define(
    [],
    () => 'Pattern lifted: look-alikes are accepted again within a second.',
  ),
  'display-created': define(
    [],
    () => 'Display created. Copy its overlay URL into your streaming tool.',
  ),
  'display-saved': define([], () => 'Saved.'),
  'display-rotated': define([], () => 'New token made: URLs with the old one stopped working.'),
};

type Notices = typeof NOTICES;
export type NoticeKey = keyof Notices;
export type Notice = {
  [K in NoticeKey]: { key: K; values: ValuesOf<Notices[K]['params']> };
}[NoticeKey];

type Definition = {
  params: readonly Param[];
  text: (values: never, context: NoticeContext) => string;
};
/** A Map, so that a key such as `constructor` or `__proto__` is just unknown. */
const DEFINITIONS = new Map<string, Definition>(Object.entries(NOTICES));

/** The notice `key` with its values. */
export function notice<K extends NoticeKey>(key: K, ...values: ValuesOf<Notices[K]['params']>) {
  return { key, values } as Notice;
}

/** The notice as a URL value: its key and values joined by dots (`rule-saved.3`). */
export function noticeValue(n: Notice): string {
  return [n.key, ...n.values].join('.');
}

/** The notice a URL value names, or undefined for anything that is not exactly one. */
export function parseNotice(raw: string | undefined): Notice | undefined {
  if (raw === undefined || raw.length > 100) return undefined;
  const [key = '', ...parts] = raw.split('.');
  const definition = DEFINITIONS.get(key);
  if (definition === undefined || parts.length !== definition.params.length) return undefined;
  const values: (string | number)[] = [];
  for (const [i, param] of definition.params.entries()) {
    const value = parseValue(param, parts[i]!);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return { key, values } as Notice;
}

function parseValue(param: Param, part: string): string | number | undefined {
  if ('oneOf' in param) return param.oneOf.includes(part) ? part : undefined;
  if (!/^\d{1,16}$/.test(part)) return undefined;
  const n = Number(part);
  return n >= param.int[0] && n <= param.int[1] ? n : undefined;
}

/** The words of a notice. */
export function noticeText(n: Notice, context: NoticeContext = {}): string {
  const definition = DEFINITIONS.get(n.key)!;
  return definition.text(n.values as never, context);
}

/** A notice as a status line; nothing without one. */
export function NoticeLine(props: { notice: Notice | undefined; context?: NoticeContext }) {
  if (props.notice === undefined) return null;
  return (
    <p role="status" class="flash">
      {noticeText(props.notice, props.context)}
    </p>
  );
}
