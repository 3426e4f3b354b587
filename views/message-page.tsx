import { actorName } from './components/actor-name.ts';
import type { MessageInContext } from '../src/moderation/message-in-context.ts';
import { ChannelName } from './components/channel-name.tsx';
import { CsrfField } from './components/csrf-field.tsx';
import { DecisionForm } from './components/decision-form.tsx';
import { HighlightedText } from './components/highlighted-text.tsx';
import { languageName } from './components/language-name.ts';
import type { Notice } from './components/notice.tsx';
import { NoticeArea, NoticeItem } from './components/decision-notice.tsx';
import {
  SIMILAR_ACTIONS,
  SimilarActions,
  type SimilarAction,
} from './components/similar-actions.tsx';
import { When } from './components/when.tsx';
import { UserText } from './components/user-text.tsx';
import { HelpDialog } from './queue-page.tsx';

export type MessageView = {
  item: MessageInContext;
  csrfToken: string;
  canDecide: boolean;
  /** Where "decide and next" goes: the next item of the queue, or the queue. */
  next: string;
  /** Shown after a change: what happened. */
  notice?: Notice;
  /** The outcome of the decision that led here (the previous item's, with Undo). */
  decided?: unknown;
};

/** One message for review, in its context. Every text on it is chat text: escaped. */
export function MessagePageView(props: MessageView) {
  const { item } = props;
  const m = item.message;
  const spans = item.flags.flatMap((f) =>
    f.status === 'open' && !f.inOriginal && f.spanStart !== null && f.spanEnd !== null
      ? [{ start: f.spanStart, end: f.spanEnd }]
      : [],
  );
  // What the rules scrubbed, marked in the original whatever the flags' status.
  const originalSpans = item.flags.flatMap((f) =>
    f.inOriginal && f.spanStart !== null && f.spanEnd !== null
      ? [{ start: f.spanStart, end: f.spanEnd }]
      : [],
  );
  const pending = item.flags.some((f) => f.status === 'open' && f.origin === 'pending');
  return (
    <section
      class="message-page"
      data-page="message"
      data-message-id={m.id}
      hx-ext="sse"
      sse-connect="/events"
    >
      <p>
        <a href="/">← Queue</a> ·{' '}
        <a href={`/messages?channel=${encodeURIComponent(m.channelExternalId)}`}>
          Channel timeline
        </a>
      </p>
      <NoticeArea>
        {props.decided}
        {props.notice ? (
          <NoticeItem notice={props.notice} context={{ decisions: item.decisions }} />
        ) : null}
      </NoticeArea>
      <div class="item-layout">
        <div class="item-main">
          <h1>
            Message by <UserText class="screen-name" text={m.screenName || '(no name)'} />
          </h1>
          <p class="meta">
            <When at={m.sentAt} /> ·{' '}
            <ChannelName label={m.channelLabel} externalId={m.channelExternalId} /> · {m.sourceName}{' '}
            · state <strong class={`state ${m.state}`}>{m.state}</strong>
            {pending ? (
              <>
                {' '}
                <span class="badge pending">pending approval</span>
              </>
            ) : null}
            {m.language ? ` · ${languageName(m.language)} (${m.language})` : ''}
          </p>
          <div class="current-message">
            <p class="text">
              <HighlightedText text={m.text} spans={spans} />
            </p>
            {m.originalText !== null ? (
              <div class="original-text">
                <strong>
                  {m.text === ''
                    ? 'Original text, blocked before delivery'
                    : 'Original text, before the rule scrubbed it'}
                </strong>{' '}
                (shown only here: the chat, displays and exports have the text above):{' '}
                <HighlightedText text={m.originalText} spans={originalSpans} />
              </div>
            ) : null}
          </div>
          {props.canDecide ? (
            <div id="decide" class="queue-row selected" data-message-id={m.id}>
              <DecisionForm
                messageId={m.id}
                basis={m.decisionId}
                csrfToken={props.csrfToken}
                target="#decide"
                next={props.next}
              />
              {pending ? (
                <SimilarActions
                  messageId={m.id}
                  csrfToken={props.csrfToken}
                  target="#decide"
                  back={`/messages/${m.id}`}
                />
              ) : null}
            </div>
          ) : null}
          <h2>Flags</h2>
          {item.flags.length === 0 ? <p>No flags.</p> : null}
          <ul class="flags">
            {item.flags.map((f) => (
              <li class={`flag ${f.status}`}>
                <span class={`badge ${f.severity}`}>{f.severity}</span> <strong>{f.origin}</strong>
                {f.ruleName
                  ? ` · rule ${f.ruleName} (#${f.ruleId}, version ${f.ruleVersion})`
                  : ''}{' '}
                · {f.status}
                <div>
                  <UserText text={f.reason} />
                </div>
                {f.matchedText !== null ? (
                  <div class="why">
                    matched{' '}
                    <q>
                      <UserText text={f.matchedText} />
                    </q>{' '}
                    at {f.spanStart}–{f.spanEnd}
                    {f.inOriginal ? ' of the original text' : ''}, read as{' '}
                    <q>
                      <UserText text={f.normalizedText ?? ''} />
                    </q>
                    {f.transformations.length > 0 ? ` after ${f.transformations.join(', ')}` : ''}
                  </div>
                ) : null}
                <div class="muted">
                  raised by {actorName(f.actor)}, <When at={f.createdAt} />
                </div>
              </li>
            ))}
          </ul>
          <h2>In the channel</h2>
          <ol class="context">
            {item.before.map((c) => (
              <ContextRow message={c} />
            ))}
            <li class="current context-row" aria-current="true">
              <When at={m.sentAt} short />{' '}
              <UserText class="screen-name" text={m.screenName || '(no name)'} />{' '}
              <UserText class="chat-text" text={m.text} /> <span class="muted">(this message)</span>
            </li>
            {item.after.map((c) => (
              <ContextRow message={c} />
            ))}
          </ol>
          <h2>Decisions</h2>
          {item.decisions.length === 0 ? <p>None yet.</p> : null}
          <ul class="decisions">
            {item.decisions.map((d) => (
              <li>
                {d.verdict} by {actorName(d.actor)}
                {d.automatic ? ' (automatic)' : ''}, <When at={d.createdAt} />
                {d.outcome === 'superseded' ? ' — superseded by a more restrictive decision' : ''}
                {d.undoneBy !== null ? (
                  <strong class="undone"> — undone by {actorName(d.undoneBy)}</strong>
                ) : (
                  ''
                )}
                {d.note ? <UserText class="note-text" text={d.note} /> : null}
              </li>
            ))}
          </ul>
          <h2>Reactions</h2>
          {Object.keys(m.reactions).length === 0 ? <p>None.</p> : null}
          <ul class="reactions">
            {Object.entries(m.reactions).map(([emoji, users]) => (
              <li>
                <UserText text={emoji} /> × {users.length}
              </li>
            ))}
          </ul>
        </div>
        {item.sender ? (
          <SenderPanel
            sender={item.sender}
            messageId={m.id}
            csrfToken={props.csrfToken}
            canDecide={props.canDecide}
          />
        ) : null}
      </div>
      <HelpDialog />
    </section>
  );
}

function ContextRow(props: {
  message: { id: number; text: string; screenName: string; state: string; sentAt: number };
}) {
  const c = props.message;
  return (
    <li class={`context-row ${c.state}`}>
      <When at={c.sentAt} short />{' '}
      <a href={`/messages/${c.id}`} class="screen-name">
        <UserText text={c.screenName || '(no name)'} />
      </a>{' '}
      <UserText class="chat-text" text={c.text} />
    </li>
  );
}

function SenderPanel(props: {
  sender: NonNullable<MessageInContext['sender']>;
  messageId: number;
  csrfToken: string;
  canDecide: boolean;
}) {
  const s = props.sender;
  return (
    <aside class="sender-panel">
      <h2>
        Sender <UserText class="screen-name" text={s.screenName || '(no name)'} />
      </h2>
      <p>
        {s.centralauthUsername ? (
          <>
            CentralAuth <UserText text={s.centralauthUsername} /> ·{' '}
          </>
        ) : null}
        first seen <When at={s.firstSeenAt} /> · {s.messageCount} messages · {s.rejectedCount}{' '}
        rejected · status <strong class={`sender-${s.status}`}>{s.status}</strong>
      </p>
      {props.canDecide ? (
        <div class="sender-actions">
          <form class="sender-status" method="post" action={`/senders/${s.id}/status`}>
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="back" value={`/messages/${props.messageId}`} />
            {(['watched', 'trusted', 'normal'] as const).map((status) => (
              <button type="submit" name="status" value={status} disabled={s.status === status}>
                {status === 'watched'
                  ? 'Watch sender'
                  : status === 'trusted'
                    ? 'Trust sender'
                    : 'Reset sender to normal'}
              </button>
            ))}
          </form>
          {/* Blocking asks first: htmx confirms, without JavaScript the server asks. */}
          <form
            class="sender-block"
            method="post"
            action={`/senders/${s.id}/status`}
            hx-post={`/senders/${s.id}/status`}
            hx-confirm={SENDER_BLOCK_CONFIRM}
            hx-vals={JSON.stringify({ confirmed: '1' })}
          >
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="back" value={`/messages/${props.messageId}`} />
            <button type="submit" name="status" value="blocked" disabled={s.status === 'blocked'}>
              Block sender
            </button>
          </form>
        </div>
      ) : null}
      <h3>Previous flags</h3>
      <ul>
        {s.previousFlags
          .filter((f) => f.messageId !== props.messageId)
          .map((f) => (
            <li>
              <span class={`badge ${f.severity}`}>{f.severity}</span> <UserText text={f.reason} /> (
              {f.status}) <When at={f.createdAt} />
            </li>
          ))}
      </ul>
      <h3>Previous decisions</h3>
      <ul class="previous-decisions">
        {s.previousDecisions.map((d) => (
          <li>
            <a href={`/messages/${d.messageId}`}>{d.verdict}</a> by {actorName(d.actor)}
            {d.outcome === 'superseded' ? ' (superseded)' : ''}, <When at={d.createdAt} />
          </li>
        ))}
      </ul>
      <h3>Notes</h3>
      <ul class="notes">
        {s.notes.map((n) => (
          <li>
            <UserText class="note-text" text={n.text} /> — {actorName(n.actor)},{' '}
            <When at={n.createdAt} />
          </li>
        ))}
      </ul>
      {props.canDecide ? (
        <form method="post" action={`/messages/${props.messageId}/notes`}>
          <CsrfField token={props.csrfToken} />
          <input
            type="text"
            name="text"
            maxlength={2000}
            required
            aria-label="Note about this sender"
            placeholder="Note about this sender"
          />
          <button type="submit">Add note</button>
        </form>
      ) : null}
    </aside>
  );
}

export const SENDER_BLOCK_CONFIRM =
  'Block this sender? Their messages are then rejected on arrival in channels with the blocked-sender fast lane.';

/** Asks before blocking a sender, for a form posted without JavaScript. */
export function SenderBlockConfirmPage(props: {
  senderId: number;
  screenName: string;
  csrfToken: string;
  back: string;
}) {
  return (
    <section class="confirm-page">
      <h1>Block sender?</h1>
      <p>
        <UserText class="screen-name" text={props.screenName || '(no name)'} />
      </p>
      <p>{SENDER_BLOCK_CONFIRM}</p>
      <form method="post" action={`/senders/${props.senderId}/status`}>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="status" value="blocked" />
        <input type="hidden" name="confirmed" value="1" />
        <input type="hidden" name="back" value={props.back} />
        <button type="submit">Block sender</button> <a href={props.back}>Cancel</a>
      </form>
    </section>
  );
}

/** Asks before rejecting look-alikes, for a form posted without JavaScript. */
export function SimilarConfirmPage(props: {
  action: SimilarAction;
  message: { id: number; text: string; screenName: string };
  csrfToken: string;
  back: string;
}) {
  const a = SIMILAR_ACTIONS.find((x) => x.action === props.action)!;
  const { message } = props;
  return (
    <section class="confirm-page">
      <h1>{a.label}?</h1>
      <p>
        <UserText class="screen-name" text={message.screenName || '(no name)'} />:{' '}
        <UserText class="chat-text" text={message.text} />
      </p>
      <p>{a.confirm}</p>
      <form method="post" action={`/messages/${message.id}/${a.action}`}>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="confirmed" value="1" />
        <input type="hidden" name="back" value={props.back} />
        <button type="submit">{a.label}</button> <a href={`/messages/${message.id}`}>Cancel</a>
      </form>
    </section>
  );
}
