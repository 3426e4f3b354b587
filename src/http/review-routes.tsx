import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { accountActor, ROLES } from '../auth/account-fields.ts';
import { addNote } from '../moderation/add-note.ts';
import { browseMessages } from '../moderation/browse-messages.ts';
import {
  decideMessage,
  VERDICTS,
  type DecisionResult,
  type Verdict,
} from '../moderation/decide-message.ts';
import { getMessageInContext } from '../moderation/message-in-context.ts';
import { FLAG_ORIGINS, listReviewQueue, type QueueFilters } from '../moderation/review-queue.ts';
import { SENDER_STATUSES, setSenderStatus } from '../moderation/set-sender-status.ts';
import { blockSimilar } from '../premod/block-similar.ts';
import { rejectSimilar } from '../premod/reject-similar.ts';
import { DomainError } from '../errors.ts';
import { notice, type Notice } from '../../views/components/notice.tsx';
import type { SimilarAction } from '../../views/components/similar-actions.tsx';
import { MessagePageView, SimilarConfirmPage } from '../../views/message-page.tsx';
import { MessagesPageView } from '../../views/messages-page.tsx';
import { DecidedRow, QueueList, QueuePageView, type QueueView } from '../../views/queue-page.tsx';
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
  const search = new URL(c.req.url).search;
  return {
    queue: listReviewQueue(deps.db, filters, query.page ?? 1),
    filters,
    query: search,
    now: deps.now(),
    csrfToken,
    canDecide: session!.account.role !== 'auditor',
    publicUrl: deps.config.publicUrl,
    share: filters.share ?? {},
  };
}

const itemIdOf = (c: Context<AppEnv>) => idParam(c, 'item');

/** What a decision did; a superseded one names the decision that stands (the message's). */
function describe(result: DecisionResult, verdict: Verdict, standingId: number | null): Notice {
  if (result.outcome === 'applied') return notice('decided', verdict);
  return notice('superseded', verdict, standingId ?? 0);
}

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
    if (isHtmx(c) && back === '') {
      const text = getMessageInContext(c.var.deps.db, messageId).message.text;
      return c.html(
        <DecidedRow messageId={messageId} text={text} notice={done} superseded={false} />,
      );
    }
    const target = localPath(back || `/messages/${messageId}`);
    return goTo(c, withDone(target, done));
  };
}

/** The moderators' screens: queue, item in context, decisions, notes, all messages, live events. */
export const reviewRoutes = new Hono<AppEnv>()
  .get('/', requireRole(...ROLES), (c) =>
    c.render(<QueuePageView {...queueView(c)} />, { title: 'Queue' }),
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
  .get('/messages', requireRole(...ROLES), (c) => {
    const MessagesQuery = z.object({
      q: optionalParam(z.string().max(200)),
      sender: optionalParam(z.string().max(200)),
      channel: optionalParam(z.string().max(200)),
      source: optionalParam(z.string().max(100)),
      state: optionalParam(z.enum(['unreviewed', 'approved', 'highlighted', 'rejected'])),
      page: optionalParam(z.coerce.number().int().min(1).max(10_000)),
    });
    const { source, page, ...rest } = parseQuery(MessagesQuery, c);
    const filters = { ...rest, sourceId: source };
    const result = browseMessages(c.var.deps.db, filters, page ?? 1);
    const query = new URL(c.req.url).search;
    return c.render(<MessagesPageView {...result} filters={filters} query={query} />, {
      title: 'Messages',
    });
  })
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
      />,
      { title: `Message ${item.message.id}` },
    );
  })
  .post('/messages/:id/decision', requireRole(...DECIDERS), async (c) => {
    const form = await c.req.parseBody();
    const verdict = textField(form, 'verdict');
    if (!(VERDICTS as readonly string[]).includes(verdict)) {
      throw new DomainError(
        'invalid_input',
        `verdict must be one of: ${VERDICTS.join(', ')}`,
        'verdict',
      );
    }
    const basis = textField(form, 'basis');
    const messageId = itemIdOf(c);
    const chosen = verdict as Verdict;
    const result = decideMessage(
      c.var.deps,
      {
        messageId,
        verdict: chosen,
        note: textField(form, 'note'),
        basisDecisionId: basis === '' ? null : Number(basis),
      },
      accountActor(c.var.session!.account),
    );
    const next = textField(form, 'next');
    const asRow = isHtmx(c) && next === '';
    // From the item view: on to the next item ("decide and next"), or back with the answer.
    if (result.outcome === 'applied' && !asRow) return goTo(c, localPath(next || '/'));
    const after = getMessageInContext(c.var.deps.db, messageId);
    const done = describe(result, chosen, after.message.decisionId);
    if (!asRow) return goTo(c, withDone(`/messages/${messageId}`, done));
    return c.html(
      <DecidedRow
        messageId={messageId}
        text={after.message.text}
        notice={done}
        context={{ decisions: after.decisions }}
        superseded={result.outcome === 'superseded'}
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
    setSenderStatus(
      c.var.deps,
      { senderId: itemIdOf(c), status: known },
      accountActor(c.var.session!.account),
    );
    const back = localPath(textField(form, 'back') || '/');
    return c.redirect(withDone(back, notice('sender-status', known)), 303);
  });
