import { actorName } from './actor-name.ts';
import type { DecisionOutcome } from '../../src/moderation/decision-outcomes.ts';
import type { UndoRefusal } from '../../src/moderation/undo-decision.ts';
import { CsrfField } from './csrf-field.tsx';
import { noticeText, type Notice, type NoticeContext } from './notice.tsx';
import { UserText } from './user-text.tsx';

/*
 * The notice area of the queue and the item view: results of decisions stay here, outside the
 * live-refreshed list, until dismissed or pushed out by newer ones (views/assets/app.js keeps a
 * few). A decision's notice asks the server again on every live event, so its moderator learns
 * when a stricter decision overruled theirs, and offers Undo while it can be undone.
 */

/** The notice area; `children` are the notices to show on arrival. */
export function NoticeArea(props: { children?: unknown }) {
  return (
    <ul id="notices" class="notices" aria-live="polite" aria-label="Results">
      {props.children as never}
    </ul>
  );
}

function DismissButton() {
  return (
    <button type="button" class="dismiss" aria-label="Dismiss" title="Dismiss">
      ×
    </button>
  );
}

/** A fixed notice (a look-alike rejection, a saved note) in the notice area. */
export function NoticeItem(props: { notice: Notice; context?: NoticeContext }) {
  return (
    <li class="notice-item">
      <p role="status">{noticeText(props.notice, props.context)}</p>
      <DismissButton />
    </li>
  );
}

/** What the key of a notice's state is: the server answers 204 while it is unchanged. */
export function outcomesKey(outcomes: readonly DecisionOutcome[]): string {
  return outcomes.map((o) => `${o.standing[0]}${o.current?.id ?? 0}`).join('.');
}

/** The query naming these decisions (`d=1&d=2`). */
export function decisionsQuery(ids: readonly number[]): string {
  return ids.map((id) => `d=${id}`).join('&');
}

const EXCERPT = 80;
/** The start of a chat text, by code points (never half a surrogate pair). */
function excerpt(text: string): string {
  const chars = Array.from(text);
  return chars.length <= EXCERPT ? text : `${chars.slice(0, EXCERPT).join('')}…`;
}

/** "approve by ben" */
function standingText(current: DecisionOutcome['current']): string {
  return current
    ? `${current.verdict} by ${actorName(current.actor)}`
    : 'a more restrictive decision';
}

/** One decision's outcome in words. */
export function outcomeText(o: DecisionOutcome): string {
  if (o.outcome === 'superseded') {
    return `Superseded: ${standingText(o.current)} came first and stands. Your ${o.verdict} is recorded, and changed nothing.`;
  }
  switch (o.standing) {
    case 'mine':
      return `Done: ${o.verdict}.`;
    case 'undone':
      return `Undone by ${actorName(o.undoneBy ?? 'someone')}: your ${o.verdict} no longer stands; the message is ${o.state}.`;
    case 'other':
      return `Overruled: ${standingText(o.current)} now stands. Your ${o.verdict} applied first.`;
    case 'none':
      return `Your ${o.verdict} no longer stands: the message is ${o.state} again.`;
  }
}

const REFUSALS: Record<UndoRefusal, string> = {
  not_applied: 'it changed nothing',
  changed_since: 'someone decided since',
  expired: 'the undo window has passed',
  unknown_previous: 'the state before it is not known',
};

/** A batch's outcome in words: how many stand, were superseded, overruled or undone. */
function batchText(outcomes: readonly DecisionOutcome[]): string {
  const count = (p: (o: DecisionOutcome) => boolean) => outcomes.filter(p).length;
  const verdicts = [...new Set(outcomes.map((o) => o.verdict))].join(', ');
  const parts = [
    [count((o) => o.outcome === 'applied' && o.standing === 'mine'), 'done'],
    [count((o) => o.outcome === 'superseded'), 'superseded (a stricter decision came first)'],
    [count((o) => o.outcome === 'applied' && o.standing === 'other'), 'overruled since'],
    [count((o) => o.standing === 'undone'), 'undone'],
    [count((o) => o.outcome === 'applied' && o.standing === 'none'), 'no longer standing'],
  ] as const;
  const said = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return `${verdicts} on ${outcomes.length} messages: ${said.join(', ')}.`;
}

/**
 * The outcome of one decision or one batch, with Undo while it can be undone. Refreshes itself
 * on live events (hx-get … seen=key: 204 while nothing changed).
 */
export function DecisionNotice(props: {
  outcomes: readonly DecisionOutcome[];
  csrfToken: string;
  canDecide: boolean;
  /** Where a form posted without JavaScript returns to. */
  back: string;
  /** Undo was asked and refused for some: why. */
  refused?: readonly UndoRefusal[];
}) {
  const { outcomes } = props;
  if (outcomes.length === 0) return null;
  const ids = outcomes.map((o) => o.decisionId);
  const key = outcomesKey(outcomes);
  const undoable = outcomes.filter((o) => o.undoUntil !== null);
  const undoUntil = Math.min(...undoable.map((o) => o.undoUntil!));
  const single = outcomes.length === 1 ? outcomes[0]! : undefined;
  const changed = outcomes.some((o) => o.standing !== 'mine' || o.outcome === 'superseded');
  const refused = [...new Set(props.refused ?? [])];
  return (
    <li
      class={`notice-item decision-notice${changed ? ' changed' : ''}`}
      data-decisions={ids.join(',')}
      data-state={key}
      hx-get={`/decisions/notice?${decisionsQuery(ids)}&seen=${key}`}
      hx-trigger="sse:review, every 15s"
      hx-swap="outerHTML"
    >
      <p role="status">
        {single ? outcomeText(single) : `${batchText(outcomes)}`}{' '}
        {single ? (
          <span class="about">
            <a href={`/messages/${single.messageId}`}>
              <UserText class="screen-name" text={single.screenName || '(no name)'} />
            </a>
            : <UserText class="chat-text" text={excerpt(single.text)} />
          </span>
        ) : null}
      </p>
      {single ? null : (
        <details class="batch">
          <summary>Which messages</summary>
          <ul>
            {outcomes.map((o) => (
              <li>
                <a href={`/messages/${o.messageId}`}>
                  <UserText class="screen-name" text={o.screenName || '(no name)'} />
                </a>
                : <UserText class="chat-text" text={excerpt(o.text)} /> — {outcomeText(o)}
              </li>
            ))}
          </ul>
        </details>
      )}
      {refused.length > 0 ? (
        <p class="refused">Not undone where {refused.map((r) => REFUSALS[r]).join('; ')}.</p>
      ) : null}
      {props.canDecide && undoable.length > 0 ? (
        <form
          class="undo"
          method="post"
          action="/decisions/undo"
          hx-post="/decisions/undo"
          hx-target="closest .notice-item"
          hx-swap="outerHTML"
          data-undo-until={String(undoUntil)}
        >
          <CsrfField token={props.csrfToken} />
          <input type="hidden" name="back" value={props.back} />
          {undoable.map((o) => (
            <input type="hidden" name="d" value={String(o.decisionId)} />
          ))}
          <button type="submit" class="undo">
            Undo{undoable.length > 1 ? ` all ${undoable.length}` : ''}
          </button>{' '}
          <span class="muted undo-until">
            until <time datetime={new Date(undoUntil).toISOString()}>{clock(undoUntil)}</time>
          </span>
        </form>
      ) : null}
      <DismissButton />
    </li>
  );
}

/** HH:MM:SS UTC, the time the undo window closes. */
function clock(at: number): string {
  return `${new Date(at).toISOString().slice(11, 19)} UTC`;
}
