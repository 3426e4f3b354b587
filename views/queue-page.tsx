import type { QueuePickers } from '../src/moderation/queue-pickers.ts';
import {
  FLAG_ORIGINS,
  type QueueFilters,
  type QueueItem,
  type QueuePage,
  type QueueShare,
} from '../src/moderation/review-queue.ts';
import { ChannelName } from './components/channel-name.tsx';
import { CsrfField } from './components/csrf-field.tsx';
import { DecisionForm } from './components/decision-form.tsx';
import { linkWith } from './components/list-controls.tsx';
import { isoTime } from './components/when.tsx';
import { HighlightedText } from './components/highlighted-text.tsx';
import { languageName } from './components/language-name.ts';
import { NoticeArea } from './components/decision-notice.tsx';
import { SimilarActions } from './components/similar-actions.tsx';
import { UserText } from './components/user-text.tsx';
import { ago } from './components/when.tsx';

export type QueueView = {
  queue: QueuePage;
  filters: QueueFilters;
  /** The filters as a query string, for refreshing the same list live. */
  query: string;
  now: number;
  csrfToken: string;
  canDecide: boolean;
  /** Admins are pointed to Sources and Accounts while the queue is empty. */
  isAdmin?: boolean;
  /** For the hint on connecting a chat, shown while the queue is empty. */
  publicUrl: string;
  /** The moderator's share of the queue (remembered in a cookie, so live refreshes keep it). */
  share: QueueShare;
  /** Shown in the notice area on arrival (the outcome of a decision posted without JS). */
  decided?: unknown;
  /** What the filters offer by name (the page only; live refreshes do not need them). */
  pickers?: QueuePickers;
};

/** The bands a moderator can take: 1 of 2 … 4 of 4. */
const BANDS = [2, 3, 4].flatMap((of) => Array.from({ length: of }, (_, i) => `${i + 1}/${of}`));

/** "1 of 2 · German", or "the whole queue". */
export function shareLabel(share: QueueShare): string {
  const parts = [
    ...(share.band ? [`${share.band.index} of ${share.band.of}`] : []),
    ...(share.language ? [languageName(share.language)] : []),
  ];
  return parts.length === 0 ? 'the whole queue' : parts.join(' · ');
}

/** The languages to offer: those present (with counts), and the chosen one even when absent. */
function languageOptions(queue: QueuePage, chosen: (string | undefined)[]) {
  const options = queue.languages.map((l) => ({ ...l }));
  for (const language of chosen) {
    if (language !== undefined && !options.some((o) => o.language === language))
      options.push({ language, count: 0 });
  }
  return options;
}

/** A date field's value; `until` is exclusive, so its field shows the day before. */
const dayOf = (ms: number | undefined, until = false) =>
  ms === undefined ? '' : (isoTime(until ? ms - 1 : ms)?.slice(0, 10) ?? '');

/** Channels by label (or a short id) and source; a chosen channel not listed stays offered. */
function ChannelPicker(props: { chosen: string | undefined; pickers: QueuePickers | undefined }) {
  const channels = props.pickers?.channels ?? [];
  const listed = channels.some((c) => c.externalId === props.chosen);
  return (
    <select name="channel" aria-label="Channel">
      <option value="" selected={props.chosen === undefined}>
        Any channel
      </option>
      {props.chosen !== undefined && !listed ? (
        <option value={props.chosen} selected>
          {props.chosen}
        </option>
      ) : null}
      {channels.map((c) => (
        <option value={c.externalId} selected={c.externalId === props.chosen}>
          {channelOptionText(c)}
        </option>
      ))}
    </select>
  );
}

/** "Main hall (Eventyay)", or "channel 6f1c2b1e… (Eventyay)" without a label. */
function channelOptionText(c: QueuePickers['channels'][number]): string {
  const id = Array.from(c.externalId);
  const name =
    c.label ?? `channel ${id.length > 12 ? `${id.slice(0, 8).join('')}…` : c.externalId}`;
  return `${name} (${c.sourceName})`;
}

function RulePicker(props: { chosen: number | undefined; pickers: QueuePickers | undefined }) {
  const rules = props.pickers?.rules ?? [];
  return (
    <select name="rule" aria-label="Rule">
      <option value="" selected={props.chosen === undefined}>
        Any rule
      </option>
      {props.chosen !== undefined && !rules.some((r) => r.id === props.chosen) ? (
        <option value={String(props.chosen)} selected>
          rule #{props.chosen}
        </option>
      ) : null}
      {rules.map((r) => (
        <option value={String(r.id)} selected={r.id === props.chosen}>
          {r.name} ({r.open})
        </option>
      ))}
    </select>
  );
}

function SourcePicker(props: { chosen: string | undefined; pickers: QueuePickers | undefined }) {
  const sources = props.pickers?.sources ?? [];
  return (
    <select name="source" aria-label="Source">
      <option value="" selected={props.chosen === undefined}>
        Any source
      </option>
      {props.chosen !== undefined && !sources.some((s) => s.id === props.chosen) ? (
        <option value={props.chosen} selected>
          {props.chosen}
        </option>
      ) : null}
      {sources.map((s) => (
        <option value={s.id} selected={s.id === props.chosen}>
          {s.name}
        </option>
      ))}
    </select>
  );
}

/** The review queue: filters, open-item counts, and the live list of flagged messages. */
export function QueuePageView(props: QueueView) {
  const f = props.filters;
  return (
    <section class="queue-page" data-page="queue" hx-ext="sse" sse-connect="/events">
      <h1>Review queue</h1>
      <p class="notice">
        Decisions are kept in modhook and shape its display feed; they delete nothing on the chat
        platform.
      </p>
      <form class="filters" method="get" action="/">
        <input
          type="search"
          name="q"
          value={f.q ?? ''}
          placeholder="Search text (/)"
          aria-label="Search text"
        />
        <input
          type="text"
          name="sender"
          value={f.sender ?? ''}
          placeholder="Sender"
          aria-label="Sender"
        />
        <ChannelPicker chosen={f.channel} pickers={props.pickers} />
        <select name="severity" aria-label="Severity">
          {['', 'high', 'medium', 'low'].map((s) => (
            <option value={s} selected={(f.severity ?? '') === s}>
              {s === '' ? 'Any severity' : s}
            </option>
          ))}
        </select>
        <select name="origin" aria-label="Origin">
          {['', ...FLAG_ORIGINS].map((o) => (
            <option value={o} selected={(f.origin ?? '') === o}>
              {o === '' ? 'Any origin' : o}
            </option>
          ))}
        </select>
        <select name="lang" aria-label="Language">
          <option value="" selected={f.language === undefined}>
            Any language
          </option>
          {languageOptions(props.queue, [f.language]).map((l) => (
            <option value={l.language} selected={f.language === l.language}>
              {languageName(l.language)} ({l.count})
            </option>
          ))}
        </select>
        <RulePicker chosen={f.ruleId} pickers={props.pickers} />
        <SourcePicker chosen={f.sourceId} pickers={props.pickers} />
        <label class="date">
          From <input type="date" name="since" value={dayOf(f.since)} />
        </label>
        <label class="date">
          To <input type="date" name="until" value={dayOf(f.until, true)} />
        </label>
        <button type="submit">Filter</button>
        <a href="/">Clear</a>
        <a
          class="export"
          href={linkWith('/export/messages.csv', props.query, { open: '1' })}
          download
        >
          Export CSV
        </a>
      </form>
      <ShareForm {...props} />
      <NoticeArea>{props.decided}</NoticeArea>
      {props.canDecide ? <BulkForm csrfToken={props.csrfToken} /> : null}
      <div
        id="queue"
        hx-get={`/queue/list${props.query}`}
        hx-trigger="sse:review, every 15s"
        hx-swap="innerHTML"
      >
        <QueueList {...props} />
      </div>
      <HelpDialog />
    </section>
  );
}

/**
 * Which part of the queue this moderator reads: a band (message id modulo N) and/or a
 * language, so that moderators working together do not read the same messages.
 */
function ShareForm(props: QueueView) {
  const { share } = props;
  const band = share.band ? `${share.band.index}/${share.band.of}` : '';
  return (
    <details class="share-form">
      <summary>Take a share of the queue</summary>
      <form method="post" action="/queue/share">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="back" value={`/${props.query}`} />
        <select name="band" aria-label="Band">
          <option value="" selected={band === ''}>
            Every message
          </option>
          {BANDS.map((b) => (
            <option value={b} selected={band === b}>
              {b.replace('/', ' of ')}
            </option>
          ))}
        </select>
        <select name="language" aria-label="Share language">
          <option value="" selected={share.language === undefined}>
            Every language
          </option>
          {languageOptions(props.queue, [share.language]).map((l) => (
            <option value={l.language} selected={share.language === l.language}>
              {languageName(l.language)}
            </option>
          ))}
        </select>
        <button type="submit">Take this share</button>
      </form>
      <p class="muted">
        Bands split the messages by their id: two moderators who take 1 of 2 and 2 of 2 never see
        the same message. Remembered on this browser, and kept by the live list.
      </p>
    </details>
  );
}

/** The counts and rows; swapped in place when the queue changes. */
export function QueueList(props: QueueView) {
  const { queue } = props;
  const pages = Math.max(1, Math.ceil(queue.total / queue.pageSize));
  return (
    <>
      <p class="share" data-share={shareLabel(props.share)}>
        Your share: <strong>{shareLabel(props.share)}</strong>
      </p>
      <p class="counts" aria-live="polite">
        <strong data-total={queue.total}>{queue.total}</strong> open: {queue.bySeverity.high} high,{' '}
        {queue.bySeverity.medium} medium, {queue.bySeverity.low} low
        {queue.pending > 0 ? (
          <>
            {' · '}
            <span class="pending-count" data-pending={queue.pending}>
              {queue.pending} pending approval
            </span>
            {queue.pendingFlagged > 0 ? ` (${queue.pendingFlagged} of them flagged)` : ''}
          </>
        ) : null}
      </p>
      {queue.languages.length > 1 || props.filters.language !== undefined ? (
        <p class="languages">
          {props.filters.language !== undefined ? (
            <a href={linkWith('/', props.query, { lang: '' })}>Any language</a>
          ) : (
            'Languages:'
          )}
          {queue.languages.map((l, i) => (
            <>
              {/* "Languages: English · German", and "Any language · English" */}
              {i === 0 && props.filters.language === undefined ? ' ' : ' · '}
              <a
                href={linkWith('/', props.query, { lang: l.language })}
                class={props.filters.language === l.language ? 'current' : undefined}
                data-language={l.language}
              >
                {languageName(l.language)} {l.count}
              </a>
            </>
          ))}
        </p>
      ) : null}
      {queue.items.length === 0 ? (
        <div class="empty">
          <p>Nothing waits for review.</p>
          {props.isAdmin ? (
            <ul class="muted">
              <li>
                Connect a chat room under <a href="/sources">Sources</a>: New source gives the
                webhook URL and secret to paste into the room's chat settings.
              </li>
              <li>
                To see the queue at work, open a source there and use <b>Send test delivery</b>.
              </li>
              <li>
                Invite more moderators under <a href="/accounts">Accounts</a>.
              </li>
            </ul>
          ) : (
            <p class="muted">
              Flagged chat messages appear here as they arrive. An admin connects chat rooms under
              Sources.
            </p>
          )}
          <p class="muted">
            Chat arrives at <code>{`${props.publicUrl}/hooks/<source id>`}</code> (from the shell:{' '}
            <code>npx modhook source add --kind eventyay --name "Main hall"</code>).
          </p>
        </div>
      ) : (
        <ol class="queue-list">
          {queue.items.map((item) => (
            <QueueRow
              item={item}
              now={props.now}
              csrfToken={props.csrfToken}
              canDecide={props.canDecide}
            />
          ))}
        </ol>
      )}
      {pages > 1 ? (
        <nav class="pager">
          {queue.page > 1 ? (
            <a href={linkWith('/', props.query, { page: String(queue.page - 1) })}>Previous</a>
          ) : null}
          <span>
            Page {queue.page} of {pages}
          </span>
          {queue.page < pages ? (
            <a href={linkWith('/', props.query, { page: String(queue.page + 1) })}>Next</a>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}

/** One flagged message: text with matches marked, who, where, why, how long it waited. */
export function QueueRow(props: {
  item: QueueItem;
  now: number;
  csrfToken: string;
  canDecide: boolean;
}) {
  const { item } = props;
  const spans = item.flags.flatMap((f) =>
    f.spanStart !== null && f.spanEnd !== null ? [{ start: f.spanStart, end: f.spanEnd }] : [],
  );
  return (
    <li
      class={`queue-row ${item.pendingOnly ? 'pending-only' : `severity-${item.severity}`}`}
      id={`item-${item.messageId}`}
      data-message-id={item.messageId}
      data-pending={item.pending ? (item.pendingOnly ? 'only' : 'flagged') : undefined}
      tabindex={-1}
    >
      {props.canDecide ? (
        <input
          type="checkbox"
          class="pick"
          form="bulk"
          name="m"
          value={`${item.messageId}:${item.decisionId ?? ''}`}
          aria-label="Tick for a batch decision (x)"
        />
      ) : null}
      <div class="row-head">
        <span class="who">
          {item.pendingOnly ? null : <span class={`badge ${item.severity}`}>{item.severity}</span>}
          {item.pending ? <span class="badge pending">pending</span> : null}
          <a class="open-item" href={`/messages/${item.messageId}`}>
            <strong class="screen-name">
              <UserText text={item.screenName || '(no name)'} />
            </strong>
          </a>
          {item.senderStatus !== null && item.senderStatus !== 'normal' ? (
            <span class={`badge sender-${item.senderStatus}`}>{item.senderStatus}</span>
          ) : null}
        </span>
        <span class="where">
          <span class="waiting">waiting {ago(item.waitingSince, props.now)}</span> · in{' '}
          <ChannelName label={item.channelLabel} externalId={item.channelExternalId} /> ·{' '}
          {item.sourceName}
          {item.language ? (
            <>
              {' · '}
              <span class="language" title={languageName(item.language)}>
                {item.language}
              </span>
            </>
          ) : null}
        </span>
      </div>
      <div class="row-body">
        <p class="text">
          <HighlightedText text={item.text} spans={spans} />
        </p>
        <ul class="flag-reasons">
          {item.flags.map((f) => (
            <li>
              <span class={`badge ${f.severity}`}>{f.origin}</span> <UserText text={f.reason} />
            </li>
          ))}
        </ul>
      </div>
      {props.canDecide ? (
        <div class="row-actions">
          <DecisionForm
            messageId={item.messageId}
            basis={item.decisionId}
            csrfToken={props.csrfToken}
            target="#notices"
            swap="afterbegin"
            noteHidden
          />
          {item.pending ? (
            <SimilarActions
              messageId={item.messageId}
              csrfToken={props.csrfToken}
              target="#notices"
              swap="afterbegin"
            />
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

/** A decided row leaving the list at once (htmx out-of-band), before the live refresh. */
export function RowGone(props: { messageId: number }) {
  return <li id={`item-${props.messageId}`} hx-swap-oob="delete"></li>;
}

/**
 * Deciding several rows at once: each row's tick box belongs to this form (`form="bulk"`), so
 * it works without JavaScript too; x ticks the selected row and a, h or r then decide them all.
 */
function BulkForm(props: { csrfToken: string }) {
  return (
    <form
      id="bulk"
      class="bulk"
      method="post"
      action="/queue/decide"
      hx-post="/queue/decide"
      hx-target="#notices"
      hx-swap="afterbegin"
    >
      <CsrfField token={props.csrfToken} />
      <span class="bulk-count" aria-live="polite">
        Ticked: <strong>0</strong>
      </span>
      {(['approve', 'highlight', 'reject'] as const).map((verdict) => (
        <button type="submit" name="verdict" value={verdict} class={`verdict ${verdict}`}>
          {verdict[0]!.toUpperCase() + verdict.slice(1)} ticked
        </button>
      ))}
      <button type="button" class="bulk-clear">
        Clear
      </button>
    </form>
  );
}

/** Keyboard shortcuts, opened with ? (views/assets/app.js). */
export function HelpDialog() {
  return (
    <dialog id="help" class="help">
      <h2>Keyboard</h2>
      <dl>
        <dt>
          <kbd>j</kbd> / <kbd>k</kbd>
        </dt>
        <dd>next / previous item</dd>
        <dt>
          <kbd>a</kbd> <kbd>h</kbd> <kbd>r</kbd>
        </dt>
        <dd>approve, highlight, reject the selected item</dd>
        <dt>
          <kbd>s</kbd> / <kbd>b</kbd>
        </dt>
        <dd>
          reject similar / block look-alikes (a text pattern, not the sender): the selected pending
          item and its look-alikes (asks first)
        </dd>
        <dt>
          <kbd>n</kbd>
        </dt>
        <dd>
          write a note for the selected item; Enter never decides: Esc returns to the list, then a,
          h or r decides with it
        </dd>
        <dt>
          <kbd>x</kbd>
        </dt>
        <dd>tick the selected item; a, h or r then decide every ticked item at once</dd>
        <dt>
          <kbd>Enter</kbd>
        </dt>
        <dd>open the selected item in context</dd>
        <dt>
          <kbd>/</kbd>
        </dt>
        <dd>search</dd>
        <dt>
          <kbd>?</kbd>
        </dt>
        <dd>this help</dd>
      </dl>
      <form method="dialog">
        <button>Close</button>
      </form>
    </dialog>
  );
}
