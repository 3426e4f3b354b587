import type { ReactionSnapshot } from './incoming-event.ts';

/**
 * Infers who reacted from the target's snapshot before and after one reaction event (Eventyay
 * does not send the reactor's id: docs/protocols.md, emoji quirk). For an add, the one user who is
 * new under the emoji; for a remove, the one user who left it. With no earlier snapshot, an add
 * whose emoji has exactly one user names that user. Returns null whenever it is not certain.
 */
export function inferReactor(
  before: ReactionSnapshot | null,
  after: ReactionSnapshot,
  emoji: string,
  action: 'add' | 'remove',
): string | null {
  const prior = new Set(usersOf(before, emoji));
  const now = new Set(usersOf(after, emoji));
  if (action === 'add') {
    if (before === null) return now.size === 1 ? only(now) : null;
    return only(difference(now, prior));
  }
  if (before === null) return null;
  return only(difference(prior, now));
}

/** Own keys only: an emoji named `constructor` or `__proto__` must not reach Object.prototype. */
function usersOf(snapshot: ReactionSnapshot | null, emoji: string): string[] {
  return snapshot !== null && Object.hasOwn(snapshot, emoji) ? (snapshot[emoji] ?? []) : [];
}

function difference(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => !b.has(x)));
}

function only(set: Set<string>): string | null {
  if (set.size !== 1) return null;
  const [value] = set;
  return value ?? null;
}
