import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { accountActor, ROLES } from '../auth/account-fields.ts';
import { addNote } from '../moderation/add-note.ts';
import { decideMessage, VERDICTS, type Verdict } from '../moderation/decide-message.ts';
import { readDecisionOutcomes, standingDecisionIds } from '../moderation/decision-outcomes.ts';
import { getMessageInContext } from '../moderation/message-in-context.ts';
import { listQueuePickers } from '../moderation/queue-pickers.ts';
import { MAX_UNDO, undoDecisions, type UndoRefusal } from '../moderation/undo-decision.ts';
import { FLAG_ORIGINS, listReviewQueue, type QueueFilters } from '../moderation/review-queue.ts';
import {
  getSenderName,
  SENDER_STATUSES,
  setSenderStatus,
} from '../moderation/set-sender-status.ts';
import { blockSimilar } from '../premod/block-similar.ts';
import { rejectSimilar } from '../premod/reject-similar.ts';
import { DomainError } from '../errors.ts';
import { notice, type Notice } from '../../views/components/notice.tsx';
import type { SimilarAction } from '../../views/components/similar-actions.tsx';
import {
  DecisionNotice,
  NoticeItem,
  outcomesKey,
} from '../../views/components/decision-notice.tsx';
import {
  MessagePageView,
  SenderBlockConfirmPage,
  SimilarConfirmPage,
} from '../../views/message-page.tsx';
import { QueueList, QueuePageView, RowGone, type QueueView } from '../../views/queue-page.tsx';
import type { AppEnv } from './app-env.ts';
import { localPath, textField } from './form-fields.ts';
import { readShareCookie, shareOfFields, writeShareCookie } from './queue-share-cookie.ts';
import { reviewEvents } from './review-events.ts';
import { doneNotice, goTo, isHtmx, withDone } from './request-info.ts';
import { dayParam, idParam, optionalParam, parseQuery } from './query-params.ts';
import { requireRole } from './require-role.ts';

const DECIDERS = ['admin', 'moderator'] as const;
/** The queue's filters from the query string; an unusable value is a 422 naming it. */
const QueueQuery = z.object({
  q: optionalParam(z.string().max(200)),
  sender: optionalParam(z.string().max(200)),
  channel: optionalParam(z.string().max(200)),
  source: optionalParam(z.string().max(100)),
  severity: optionalParam(z.enum(['low', 'medium', 'high'])),
  origin: optionalParam(z.enum(FLAG_ORIGINS)),
  rule: optionalParam(z.coerce.number().int().positive()),
  /** A language code, or `und` for messages whose language is unknown. */
  lang: optionalParam(z.string().regex(/^[a-z]{2,3}$/)),
  since: dayParam('start'),
  until: dayParam('end'),
  page: optionalParam(z.coerce.number().int().min(1).max(10_000)),
});

/** Decision ids from repeated or comma-separated fields (`d=1&d=2`, `decided=1,2`). */
function decisionIds(values: readonly string[]): number[] {
  const ids = values
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '')
    .map(Number);
  if (ids.length > MAX_UNDO || ids.some((id) => !Number.isSafeInteger(id) || id <= 0)) {
    throw new DomainError('invalid_input', `up to ${MAX_UNDO} decision ids`, 'd');
  }
  return ids;
}

/** The decisions a page was sent to after (`?decided=…`), to show with their outcome now. */
function decidedNotice(c: Context<AppEnv>, back: string) {
  const ids = decisionIds(c.req.queries('decided') ?? []);
  if (ids.length === 0) return undefined;
  const { deps, session, csrfToken } = c.var;
  return (
    <DecisionNotice
      outcomes={readDecisionOutcomes(deps.db, ids, deps.now())}
      csrfToken={csrfToken}
      canDecide={session!.account.role !== 'auditor'}
      back={back}
    />
  );
}

/** The URL without what only the first view shows (`decided`, `done`). */
function withoutNotices(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('decided');
  u.searchParams.delete('done');
  return u.search;
}

/** `path` with `?decided=ids` in place of any notice it carries (unless `keepDone`). */
function withDecided(path: string, ids: readonly number[], keepDone = false): string {
  const url = new URL(path, 'http://local');
  if (!keepDone) url.searchParams.delete('done');
  url.searchParams.set('decided', ids.join(','));
  return `${url.pathname}${url.search}${url.hash}`;
}

function queueView(c: Context<AppEnv>): QueueView {
  const query = parseQuery(QueueQuery, c);
  const filters: QueueFilters = {
    q: query.q,
    sender: query.sender,
    channel: query.channel,
    sourceId: query.source,
    severity: query.severity,
    origin: query.origin,
    ruleId: query.rule,
    since: query.since,
    until: query.until,
    language: query.lang,
    share: readShareCookie(c),
  };
  const { deps, session, csrfToken } = c.var;
  const search = withoutNotices(c.req.url);
  return {
    queue: listReviewQueue(deps.db, filters, query.page ?? 1),
    filters,
    query: search,
    now: deps.now(),
    csrfToken,
    canDecide: session!.account.role !== 'auditor',
    isAdmin: session!.account.role === 'admin',
    publicUrl: deps.config.publicUrl,
    share: filters.share ?? {},
  };
}

const itemIdOf = (c: Context<AppEnv>) => idParam(c, 'item');

function describeSimilar(
  messageId: number,
  rejected: number[],
  patternId: number | undefined,
): Notice {
  const others = rejected.filter((id) => id !== messageId).length;
  const self = rejected.includes(messageId);
  if (patternId === undefined) {
    return self ? notice('similar-rejected', others) : notice('similar-rejected-others', others);
  }
  return self
    ? notice('similar-blocked', patternId, others)
    : notice('similar-blocked-others', patternId, others);
}

/**
 * POST /messages/:id/reject-similar and /block-similar. Without `confirmed` (a form posted
 * without JavaScript, where htmx could not ask) the answer is a page that asks first.
 */
function similarRoute(action: SimilarAction) {
  return async (c: Context<AppEnv>) => {
    const form = await c.req.parseBody();
    const messageId = itemIdOf(c);
    const back = textField(form, 'back');
    if (textField(form, 'confirmed') !== '1') {
      const item = getMessageInContext(c.var.deps.db, messageId);
      return c.render(
        <SimilarConfirmPage
          action={action}
          message={item.message}
          csrfToken={c.var.csrfToken}
          back={back}
        />,
        { title: 'Confirm' },
      );
    }
    const input = { messageId, actor: accountActor(c.var.session!.account) };
    const { rejected, patternId } =
      action === 'block-similar'
        ? blockSimilar(c.var.deps, input)
        : { ...rejectSimilar(c.var.deps, input), patternId: undefined };
    const done = describeSimilar(messageId, rejected, patternId);
    // The rejections are decisions like any other: one notice with one Undo for them all
    // (a blocked pattern stays until lifted on its channel's page).
    const decided = standingDecisionIds(c.var.deps.db, rejected);
    if (isHtmx(c) && back === '') {
      const { deps, csrfToken } = c.var;
      return c.html(
        <>
          <NoticeItem notice={done} />
          <DecisionNotice
            outcomes={readDecisionOutcomes(deps.db, decided, deps.now())}
            csrfToken={csrfToken}
            canDecide
            back="/"
          />
          {rejected.map((id) => (
            <RowGone messageId={id} />
          ))}
        </>,
      );
    }
    const target = withDone(localPath(back || `/messages/${messageId}`), done);
    return goTo(c, decided.length === 0 ? target : withDecided(target, decided, true));
  };
}

/** The form's verdict; anything else is a 422 naming the field. */
function verdictField(form: Record<string, unknown>): Verdict {
  const value = form['verdict'];
  const verdict = typeof value === 'string' ? value : Array.isArray(value) ? value[0] : '';
  if (!(VERDICTS as readonly unknown[]).includes(verdict)) {
    throw new DomainError(
      'invalid_input',
      `verdict must be one of: ${VERDICTS.join(', ')}`,
      'verdict',
    );
  }
  return verdict as Verdict;
}

/** Every text value of a field parsed with `{ all: true }`. */
function allFields(form: Record<string, unknown>, name: string): string[] {
  const value = form[name];
  const values = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

/** The answer to a decision from the queue: its notice, and its rows gone from the list. */
function decidedAnswer(c: Context<AppEnv>, decisionIds: number[], messageIds: number[]) {
  const { deps, csrfToken } = c.var;
  return c.html(
    <>
      <DecisionNotice
        outcomes={readDecisionOutcomes(deps.db, decisionIds, deps.now())}
        csrfToken={csrfToken}
        canDecide
        back="/"
      />
      {messageIds.map((id) => (
        <RowGone messageId={id} />
      ))}
    </>,
  );
}

/** The moderators' screens: queue, item in context, decisions, notes, all messages, live events. */
export const reviewRoutes = new Hono<AppEnv>()
  .get('/', requireRole(...ROLES), (c) =>
    c.render(
      <QueuePageView
        {...queueView(c)}
        decided={decidedNotice(c, '/')}
        pickers={listQueuePickers(c.var.deps.db)}
      />,
      { title: 'Queue' },
    ),
  )
  .get('/queue/list', requireRole(...ROLES), (c) => c.html(<QueueList {...queueView(c)} />))
  .post('/queue/share', requireRole(...ROLES), async (c) => {
    // A preference of this moderator's, not a change to the data: a cookie, not audited.
    const form = await c.req.parseBody();
    const share = shareOfFields(textField(form, 'band'), textField(form, 'language'));
    if (share === null) throw new DomainError('invalid_input', 'no such share', 'band');
    writeShareCookie(c, share);
    return c.redirect(localPath(textField(form, 'back') || '/'), 303);
  })
  .get('/events', requireRole(...ROLES), reviewEvents)
  .get('/messages/:id', requireRole(...ROLES), (c) => {
    const { deps, session, csrfToken } = c.var;
    const item = getMessageInContext(deps.db, itemIdOf(c));
    const next = listReviewQueue(deps.db, { share: readShareCookie(c) }, 1, 2).items.find(
      (i) => i.messageId !== item.message.id,
    );
    const done = doneNotice(c);
    return c.render(
      <MessagePageView
        item={item}
        csrfToken={csrfToken}
        canDecide={session!.account.role !== 'auditor'}
        next={next ? `/messages/${next.messageId}` : '/'}
        {...(done ? { notice: done } : {})}
        decided={decidedNotice(c, `/messages/${item.message.id}`)}
      />,
      { title: `Message ${item.message.id}` },
    );
  })
  .post('/messages/:id/decision', requireRole(...DECIDERS), async (c) => {
    const form = await c.req.parseBody();
    const verdict = verdictField(form);
    const basis = textField(form, 'basis');
    const messageId = itemIdOf(c);
    const result = decideMessage(
      c.var.deps,
      {
        messageId,
        verdict,
        note: textField(form, 'note'),
        basisDecisionId: basis === '' ? null : Number(basis),
      },
      accountActor(c.var.session!.account),
    );
    const next = textField(form, 'next');
    // From the queue: the notice for the notice area, and the row leaves the list at once.
    if (isHtmx(c) && next === '') return decidedAnswer(c, [result.decisionId], [messageId]);
    // From the item view: on to the next item ("decide and next") saying what was done, with
    // Undo, or back to this one, told which stricter decision stands.
    if (result.outcome === 'applied') {
      return goTo(c, withDecided(localPath(next || '/'), [result.decisionId]));
    }
    const standing = getMessageInContext(c.var.deps.db, messageId).message.decisionId ?? 0;
    return goTo(c, withDone(`/messages/${messageId}`, notice('superseded', verdict, standing)));
  })
  .post('/queue/decide', requireRole(...DECIDERS), async (c) => {
    // The selected rows at once (x in the queue): one notice and one Undo for the batch.
    const form = await c.req.parseBody({ all: true });
    const verdict = verdictField(form);
    const items = allFields(form, 'm').map((v) => {
      const [id = '', basis = ''] = v.split(':');
      return { messageId: Number(id), basis: basis === '' ? null : Number(basis) };
    });
    if (
      items.length === 0 ||
      items.length > MAX_UNDO ||
      items.some(
        (i) =>
          !Number.isSafeInteger(i.messageId) ||
          i.messageId <= 0 ||
          (i.basis !== null && !Number.isSafeInteger(i.basis)),
      )
    ) {
      throw new DomainError('invalid_input', `choose 1 to ${MAX_UNDO} messages`, 'm');
    }
    const actor = accountActor(c.var.session!.account);
    const { deps } = c.var;
    const results = deps.db.$client.transaction(() =>
      items.map((i) =>
        decideMessage(deps, { messageId: i.messageId, verdict, basisDecisionId: i.basis }, actor),
      ),
    )();
    const ids = results.map((r) => r.decisionId);
    if (isHtmx(c))
      return decidedAnswer(
        c,
        ids,
        items.map((i) => i.messageId),
      );
    return goTo(c, withDecided('/', ids));
  })
  .get('/decisions/notice', requireRole(...ROLES), (c) => {
    // A notice asking whether its decisions' outcome changed (a live event): 204 if not.
    const ids = decisionIds(c.req.queries('d') ?? []);
    const { deps, session, csrfToken } = c.var;
    const outcomes = readDecisionOutcomes(deps.db, ids, deps.now());
    if (outcomes.length === 0 || outcomesKey(outcomes) === c.req.query('seen')) {
      return c.body(null, 204);
    }
    return c.html(
      <DecisionNotice
        outcomes={outcomes}
        csrfToken={csrfToken}
        canDecide={session!.account.role !== 'auditor'}
        back="/"
      />,
    );
  })
  .post('/decisions/undo', requireRole(...DECIDERS), async (c) => {
    const form = await c.req.parseBody({ all: true });
    const ids = decisionIds(allFields(form, 'd'));
    const { deps, csrfToken } = c.var;
    const results = undoDecisions(deps, ids, accountActor(c.var.session!.account));
    const refused = results.flatMap((r) => (r.outcome.undone ? [] : [r.outcome.reason]));
    const back = localPath(allFields(form, 'back')[0] || '/');
    if (!isHtmx(c)) return goTo(c, withDecided(back, ids));
    return c.html(
      <DecisionNotice
        outcomes={readDecisionOutcomes(deps.db, ids, deps.now())}
        csrfToken={csrfToken}
        canDecide
        back={back}
        refused={refused as UndoRefusal[]}
      />,
    );
  })
  .post('/messages/:id/reject-similar', requireRole(...DECIDERS), similarRoute('reject-similar'))
  .post('/messages/:id/block-similar', requireRole(...DECIDERS), similarRoute('block-similar'))
  .post('/messages/:id/notes', requireRole(...DECIDERS), async (c) => {
    const form = await c.req.parseBody();
    const messageId = itemIdOf(c);
    addNote(
      c.var.deps,
      { messageId, text: textField(form, 'text') },
      accountActor(c.var.session!.account),
    );
    return c.redirect(withDone(`/messages/${messageId}`, notice('note-added')), 303);
  })
  .post('/senders/:id/status', requireRole(...DECIDERS), async (c) => {
    const form = await c.req.parseBody();
    const status = textField(form, 'status');
    if (!(SENDER_STATUSES as readonly string[]).includes(status)) {
      throw new DomainError(
        'invalid_input',
        `status must be one of: ${SENDER_STATUSES.join(', ')}`,
        'status',
      );
    }
    const known = status as (typeof SENDER_STATUSES)[number];
    const back = localPath(textField(form, 'back') || '/');
    const senderId = itemIdOf(c);
    if (known === 'blocked' && textField(form, 'confirmed') !== '1') {
      // Posted without JavaScript, where htmx could not ask: ask on a page first.
      return c.render(
        <SenderBlockConfirmPage
          senderId={senderId}
          screenName={getSenderName(c.var.deps, senderId)}
          csrfToken={c.var.csrfToken}
          back={back}
        />,
        { title: 'Confirm' },
      );
    }
    setSenderStatus(c.var.deps, { senderId, status: known }, accountActor(c.var.session!.account));
    return goTo(c, withDone(back, notice('sender-status', known)));
  });
