import { Hono, type Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { z } from 'zod';
import { accountActor } from '../auth/account-fields.ts';
import { listChannels } from '../channels/list-channels.ts';
import { createDisplay } from '../display/create-display.ts';
import { deleteDisplay } from '../display/delete-display.ts';
import { displayChanges, type DisplayEvent } from '../display/display-changes.ts';
import { FEED_LIMIT, readDisplayFeed } from '../display/display-feed.ts';
import type { DisplayFields } from '../display/display-fields.ts';
import { feedRss } from '../display/feed-rss.ts';
import {
  findDisplayByToken,
  findPublicDisplay,
  listDisplays,
  type DisplayRow,
} from '../display/list-displays.ts';
import { rotateDisplayToken } from '../display/rotate-display-token.ts';
import {
  createStreamSlots,
  type StreamRefusal,
  type StreamSlots,
} from '../display/stream-slots.ts';
import { updateDisplay } from '../display/update-display.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import {
  DisplayForm,
  DisplayPageView,
  DisplaysPageView,
  displayUrls,
  type DisplayFormValues,
} from '../../views/displays-page.tsx';
import { notice } from '../../views/components/notice.tsx';
import { OverlayPage } from '../../views/overlay-page.tsx';
import type { AppEnv } from './app-env.ts';
import { errorBody, errorStatus } from './error-response.ts';
import { textField } from './form-fields.ts';
import { idParam, optionalParam, parseQuery } from './query-params.ts';
import { doneNotice, goTo, isHtmx, withDone } from './request-info.ts';
import { requireRole } from './require-role.ts';

/** A display as a feed URL opened it, and what keeps an open stream of it valid. */
type Opened = {
  display: DisplayRow;
  /** The URL prefix of this display's feeds, with the same credential. */
  base: string;
  stillValid: (current: DisplayRow | undefined) => boolean;
};

const NOT_FOUND = () => new DomainError('not_found', 'no such display');

function byToken(c: Context<AppEnv>): Opened {
  const token = c.req.param('token') ?? '';
  const display = findDisplayByToken(c.var.deps.db, token);
  if (display === undefined) throw NOT_FOUND();
  return {
    display,
    base: `/display/${token}`,
    // A rotated token closes the streams opened with the old one.
    stillValid: (current) => current?.token === token,
  };
}

function byPublicId(c: Context<AppEnv>): Opened {
  const id = c.req.param('id') ?? '';
  const display = /^\d{1,12}$/.test(id) ? findPublicDisplay(c.var.deps.db, Number(id)) : undefined;
  if (display === undefined) throw NOT_FOUND();
  return {
    display,
    base: `/display/public/${display.id}`,
    stillValid: (current) => current?.isPublic === true,
  };
}

const OverlayQuery = z.object({
  transparent: optionalParam(z.enum(['0', '1'])),
  limit: optionalParam(z.coerce.number().int().min(1).max(FEED_LIMIT)),
});

/** Feeds are live and may carry a token in their URL: never kept by a cache. */
function noStore(c: Context<AppEnv>) {
  c.header('Cache-Control', 'no-store');
}

const SSE_PING_MS = 20_000;

/** What a refused stream is told to wait; the overlay reads feed.json meanwhile. */
const STREAMS_RETRY_AFTER_S = 30;

/** At most one warning a minute about refused streams: a flood must not flood the log too. */
const REFUSAL_WARN_MS = 60_000;

type StreamGate = { slots: StreamSlots; warnedAt: number; refused: number };
const gates = new WeakMap<Deps, StreamGate>();

/** The open-stream count of one server (its deps), with the limits of its settings. */
function streamGate(deps: Deps): StreamGate {
  let gate = gates.get(deps);
  if (gate === undefined) {
    gate = {
      slots: createStreamSlots(() => ({
        perDisplay: deps.config.displayStreamsPerDisplay,
        total: deps.config.displayStreamsTotal,
      })),
      warnedAt: -Infinity,
      refused: 0,
    };
    gates.set(deps, gate);
  }
  return gate;
}

/** 503 with Retry-After: the stream limit is reached; the JSON feed still answers. */
function refuseStream(c: Context<AppEnv>, gate: StreamGate, refusal: StreamRefusal) {
  const { deps } = c.var;
  gate.refused += 1;
  if (deps.now() - gate.warnedAt >= REFUSAL_WARN_MS) {
    deps.log.warn(
      { refused: gate.refused, limit: refusal.limit, scope: refusal.refused },
      'display event streams refused: limit reached',
    );
    gate.warnedAt = deps.now();
    gate.refused = 0;
  }
  noStore(c);
  c.header('Retry-After', String(STREAMS_RETRY_AFTER_S));
  const whose = refusal.refused === 'display' ? 'this display' : 'this server';
  return c.json(
    errorBody(
      'too_many_streams',
      `${whose} already has ${refusal.limit} open event streams; read feed.json instead, ` +
        `or try again in ${STREAMS_RETRY_AFTER_S} seconds`,
    ),
    503,
  );
}

/**
 * The public side of displays, mounted at /display: the overlay page, JSON, RSS 2.0 and the
 * event stream, by token (`/display/:token/...`) or, for public displays, by id
 * (`/display/public/:id/...`). No session, no cookies, no CSRF (src/http/request-info.ts
 * isMachinePath); the token opens this feed and nothing else.
 */
export const displayFeedRoutes = new Hono<AppEnv>();
for (const [prefix, open] of [
  ['/public/:id', byPublicId],
  ['/:token', byToken],
] as const) {
  displayFeedRoutes
    .get(`${prefix}/overlay`, (c) => {
      const { display, base } = open(c);
      const query = parseQuery(OverlayQuery, c);
      noStore(c);
      return c.html(
        '<!DOCTYPE html>' +
          (
            <OverlayPage
              title={display.name}
              items={readDisplayFeed(c.var.deps.db, display.id, c.var.deps.now())}
              feedUrl={`${base}/feed.json`}
              eventsUrl={`${base}/events`}
              transparent={query.transparent === '1'}
              limit={query.limit ?? 10}
            />
          ).toString(),
      );
    })
    .get(`${prefix}/feed.json`, (c) => {
      const { display } = open(c);
      noStore(c);
      c.header('Access-Control-Allow-Origin', '*');
      const { deps } = c.var;
      return c.json({
        name: display.name,
        items: readDisplayFeed(deps.db, display.id, deps.now()),
      });
    })
    .get(`${prefix}/feed.rss`, (c) => {
      const { display, base } = open(c);
      noStore(c);
      c.header('Access-Control-Allow-Origin', '*');
      const { deps } = c.var;
      const xml = feedRss({
        title: display.name,
        link: `${deps.config.publicUrl}${base}/overlay`,
        items: readDisplayFeed(deps.db, display.id, deps.now()),
        builtAt: deps.now(),
      });
      return c.body(xml, 200, { 'Content-Type': 'application/rss+xml; charset=utf-8' });
    })
    .get(`${prefix}/events`, (c) => {
      const { display, stillValid } = open(c);
      const { deps } = c.var;
      const changes = displayChanges(deps);
      const gate = streamGate(deps);
      const slot = gate.slots.take(display.id);
      if ('refused' in slot) return refuseStream(c, gate, slot);
      // However the stream ends (the client left, `gone`, an error), its slot is freed.
      return streamSSE(c, async (stream) => {
        try {
          await followDisplay(stream, changes, display.id, stillValid);
        } finally {
          slot.release();
        }
      });
    });
}

/**
 * Server-Sent Events of one display: `snapshot` first (the whole feed), then `upsert` and
 * `remove`; `gone` when the display was deleted or its token rotated, and the stream ends.
 * Resolves when the stream is over.
 */
async function followDisplay(
  stream: SSEStreamingApi,
  changes: ReturnType<typeof displayChanges>,
  displayId: number,
  stillValid: Opened['stillValid'],
) {
  let ended: () => void = () => {};
  const end = new Promise<void>((resolve) => (ended = resolve));
  const send = (event: DisplayEvent) => {
    if (event.type === 'gone') {
      void stream.writeSSE({ event: 'gone', data: '{}' }).finally(ended);
      return;
    }
    const data = event.type === 'upsert' ? event.item : { id: event.id };
    void stream.writeSSE({ event: event.type, data: JSON.stringify(data) });
  };
  const watch = changes.watch(displayId, { listener: send, stillValid });
  stream.onAbort(() => {
    watch.stop();
    ended();
  });
  try {
    await stream.writeSSE({
      event: 'snapshot',
      data: JSON.stringify({ items: watch.snapshot }),
      retry: 3000,
    });
    while (!stream.aborted && !stream.closed) {
      const pinged = await Promise.race([
        stream.sleep(SSE_PING_MS).then(() => true),
        end.then(() => false),
      ]);
      if (!pinged) break;
      await stream.writeSSE({ event: 'ping', data: '' });
    }
  } finally {
    watch.stop();
  }
}

const displayIdOf = (c: Context<AppEnv>) => idParam(c, 'display');

/** The display form's fields as typed values (the domain checks them). */
async function readDisplayForm(c: Context<AppEnv>): Promise<DisplayFormValues> {
  const form = await c.req.parseBody({ all: true });
  const chosen = form['channel'];
  const list = Array.isArray(chosen) ? chosen : chosen === undefined ? [] : [chosen];
  return {
    name: textField(form, 'name'),
    channelIds: list.filter((v): v is string => typeof v === 'string').map(Number),
    isPublic: textField(form, 'public') === 'on',
  };
}

/** Shows the form again with the error at its field: 422, the fragment alone for htmx. */
function formError(
  c: Context<AppEnv>,
  error: unknown,
  values: DisplayFormValues,
  displayId: number | null,
) {
  if (!(error instanceof DomainError) || error.code !== 'invalid_input') throw error;
  const status = errorStatus(c, error);
  const form = (
    <DisplayForm
      csrfToken={c.var.csrfToken}
      channels={listChannels(c.var.deps.db)}
      values={values}
      displayId={displayId}
      errors={{ [error.field ?? 'name']: error.message }}
    />
  );
  if (isHtmx(c)) return c.html(form, status);
  c.status(status);
  if (displayId === null) {
    return c.render(<DisplaysPageView displays={listDisplays(c.var.deps.db)} form={form} />, {
      title: 'Displays',
    });
  }
  return c.render(<section class="displays-page">{form}</section>, { title: 'Edit display' });
}

/** The admins' screens for displays: create, edit, rotate the token, copy the URLs, delete. */
export const displayAdminRoutes = new Hono<AppEnv>()
  .get('/displays', requireRole('admin'), (c) => {
    const { deps, csrfToken } = c.var;
    const channels = listChannels(deps.db);
    return c.render(
      <DisplaysPageView
        displays={listDisplays(deps.db)}
        form={<DisplayForm csrfToken={csrfToken} channels={channels} displayId={null} />}
      />,
      { title: 'Displays' },
    );
  })
  .post('/displays', requireRole('admin'), async (c) => {
    const values = await readDisplayForm(c);
    try {
      const fields: DisplayFields = values;
      const { id } = createDisplay(c.var.deps, fields, accountActor(c.var.session!.account));
      return goTo(c, withDone(`/displays/${id}`, notice('display-created')));
    } catch (error) {
      return formError(c, error, values, null);
    }
  })
  .get('/displays/:id', requireRole('admin'), (c) => {
    const { deps, csrfToken } = c.var;
    const id = displayIdOf(c);
    const display = listDisplays(deps.db).find((d) => d.id === id);
    if (display === undefined) throw NOT_FOUND();
    const done = doneNotice(c);
    return c.render(
      <DisplayPageView
        display={display}
        urls={displayUrls(deps.config.publicUrl, display)}
        csrfToken={csrfToken}
        channels={listChannels(deps.db)}
        {...(done === undefined ? {} : { notice: done })}
      />,
      { title: `Display ${display.name}` },
    );
  })
  .post('/displays/:id', requireRole('admin'), async (c) => {
    const displayId = displayIdOf(c);
    const values = await readDisplayForm(c);
    try {
      updateDisplay(c.var.deps, { ...values, displayId }, accountActor(c.var.session!.account));
      return goTo(c, withDone(`/displays/${displayId}`, notice('display-saved')));
    } catch (error) {
      return formError(c, error, values, displayId);
    }
  })
  .post('/displays/:id/rotate', requireRole('admin'), (c) => {
    const displayId = displayIdOf(c);
    rotateDisplayToken(c.var.deps, { displayId }, accountActor(c.var.session!.account));
    return goTo(c, withDone(`/displays/${displayId}`, notice('display-rotated')));
  })
  .post('/displays/:id/delete', requireRole('admin'), (c) => {
    deleteDisplay(c.var.deps, { displayId: displayIdOf(c) }, accountActor(c.var.session!.account));
    return goTo(c, '/displays');
  });
