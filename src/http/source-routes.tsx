import { Hono, type Context } from 'hono';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { accountActor } from '../auth/account-fields.ts';
import { DomainError } from '../errors.ts';
import { UNKNOWN_SOURCE_KEY } from '../ingest/ingest-store.ts';
import { addSource, NewSource } from '../sources/add-source.ts';
import {
  deliveryBody,
  DELIVERY_OUTCOMES,
  listDeliveries,
  rejectionCounts,
} from '../sources/list-deliveries.ts';
import { listSourceSecrets } from '../sources/list-source-secrets.ts';
import { listSources, type SourceSummary } from '../sources/list-sources.ts';
import { rotateSourceSecret } from '../sources/rotate-source-secret.ts';
import { sendTestDelivery } from '../sources/send-test-delivery.ts';
import { setSourceStatus } from '../sources/set-source-status.ts';
import { SECRET_FROM_SENDER, SOURCE_KINDS, type SourceKind } from '../sources/source-kinds.ts';
import { notice } from '../../views/components/notice.tsx';
import {
  SecretsPanel,
  SourcePageView,
  type SecretsPanelProps,
  type SourcePageProps,
} from '../../views/source-page.tsx';
import {
  CreatedSource,
  NewSourceForm,
  SourcesPageView,
  SourceTable,
  webhookUrl,
  type CreatedSourceProps,
  type NewSourceFormProps,
} from '../../views/sources-page.tsx';
import type { AppEnv } from './app-env.ts';
import { textField } from './form-fields.ts';
import { optionalParam, parseQuery } from './query-params.ts';
import { doneNotice, isHtmx, withDone } from './request-info.ts';
import { requireRole } from './require-role.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const HOUR = 3_600_000;
/** The rotate form's choices (views/source-page.tsx GRACE_CHOICES) in milliseconds. */
const GRACE_MS = { '1h': HOUR, '24h': 24 * HOUR, '7d': 7 * 24 * HOUR, now: 0 } as const;

const DeliveriesQuery = z.object({
  outcome: optionalParam(z.enum(DELIVERY_OUTCOMES)),
  page: optionalParam(z.coerce.number().int().min(1).max(100_000)),
  body: optionalParam(z.coerce.number().int().positive()),
});

/** The form's fields as typed; the settings stay text until they parse. */
const NewSourceFields = NewSource.pick({ kind: true, name: true });

const admin = requireRole('admin');
const actorOf = (c: Context<AppEnv>) => accountActor(c.var.session!.account);

function findSummary(c: Context<AppEnv>): SourceSummary {
  const [source] = listSources(c.var.deps, c.req.param('id'));
  if (source === undefined) throw new DomainError('not_found', 'no such source');
  return source;
}

function secretsPanel(c: Context<AppEnv>, source: SourceSummary): SecretsPanelProps {
  const { deps, csrfToken } = c.var;
  return {
    sourceId: source.id,
    csrfToken,
    now: deps.now(),
    secrets: listSourceSecrets(deps.db, source.id, deps.now()),
    needsSecret: SECRET_FROM_SENDER.has(source.kind as SourceKind),
  };
}

function sourcePage(c: Context<AppEnv>, secrets?: Partial<SecretsPanelProps>): SourcePageProps {
  const { deps, csrfToken } = c.var;
  const source = findSummary(c);
  const query = parseQuery(DeliveriesQuery, c);
  const deliveries = listDeliveries(deps.db, source.id, { outcome: query.outcome }, query.page);
  const text = query.body === undefined ? null : deliveryBody(deps.db, source.id, query.body);
  const done = doneNotice(c);
  return {
    source,
    publicUrl: deps.config.publicUrl,
    csrfToken,
    ...(done === undefined ? {} : { notice: done }),
    secrets: { ...secretsPanel(c, source), ...secrets },
    rejections: rejectionCounts(deps.db, source.id),
    deliveries: {
      ...deliveries,
      outcome: query.outcome,
      body: text === null || query.body === undefined ? null : { id: query.body, text },
    },
  };
}

function sourcesPage(
  c: Context<AppEnv>,
  form: Partial<NewSourceFormProps>,
  created?: CreatedSourceProps,
) {
  const { deps, csrfToken } = c.var;
  return (
    <SourcesPageView
      sources={listSources(deps)}
      publicUrl={deps.config.publicUrl}
      unknown={rejectionCounts(deps.db, UNKNOWN_SOURCE_KEY)}
      form={{ csrfToken, kinds: SOURCE_KINDS, ...form }}
      {...(created ? { created } : {})}
    />
  );
}

/**
 * The answer to a form: the fragment for htmx, else the whole page. Pages that show a secret
 * are never stored by the browser or a proxy.
 */
function answer(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  fragment: () => Html,
  page: () => Html,
  title: string,
) {
  c.header('Cache-Control', 'no-store');
  if (isHtmx(c)) return c.html(fragment(), status);
  c.status(status);
  return c.render(page(), { title });
}

/** Field errors of the "New source" form; a settings problem is shown at the settings field. */
function fieldErrors(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'name');
    errors[field] ??= issue.message;
  }
  return errors;
}

function parseSettings(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError(
      'invalid_input',
      'settings must be JSON, e.g. {"fields":{…}}',
      'settings',
    );
  }
}

/**
 * `/sources` and `/sources/:id`: the operator's screens for senders (admins only): list and
 * create sources, rotate secrets, disable and enable, send a test delivery, read deliveries.
 */
export const sourceRoutes = new Hono<AppEnv>()
  .get('/sources', admin, (c) => c.render(sourcesPage(c, {}), { title: 'Sources' }))
  .post('/sources', admin, async (c) => {
    const form = await c.req.parseBody();
    const values = {
      kind: textField(form, 'kind'),
      name: textField(form, 'name'),
      settings: textField(form, 'settings'),
    };
    const secret = textField(form, 'secret');
    const refuse = (errors: Record<string, string>) =>
      answer(
        c,
        422,
        () => (
          <NewSourceForm
            csrfToken={c.var.csrfToken}
            kinds={SOURCE_KINDS}
            values={values}
            errors={errors}
          />
        ),
        () => sourcesPage(c, { values, errors }),
        'Sources',
      );
    const fields = NewSourceFields.safeParse(values);
    if (!fields.success) return refuse(fieldErrors(fields.error.issues));
    let created;
    try {
      created = addSource(
        c.var.deps,
        {
          ...fields.data,
          ...(secret === '' ? {} : { secret }),
          settings: parseSettings(values.settings),
        },
        actorOf(c),
      );
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'invalid_input') throw error;
      return refuse(
        fieldErrors([{ path: [error.field?.split('.')[0] ?? 'name'], message: error.message }]),
      );
    }
    const { publicUrl } = c.var.deps.config;
    const shown: CreatedSourceProps = {
      id: created.id,
      kind: created.kind,
      name: created.name,
      url: webhookUrl(publicUrl, created.id),
      secret: created.secret,
      publicUrl,
    };
    return answer(
      c,
      201,
      () => (
        <>
          <CreatedSource {...shown} />
          <SourceTable sources={listSources(c.var.deps)} publicUrl={publicUrl} oob />
        </>
      ),
      () => sourcesPage(c, {}, shown),
      'Source created',
    );
  })
  .get('/sources/:id', admin, (c) => {
    const props = sourcePage(c);
    return c.render(<SourcePageView {...props} />, { title: `Source ${props.source.name}` });
  })
  .post('/sources/:id/rotate', admin, async (c) => {
    const form = await c.req.parseBody();
    const source = findSummary(c);
    const grace = textField(form, 'grace');
    const secret = textField(form, 'secret');
    let rotated;
    try {
      if (!Object.hasOwn(GRACE_MS, grace)) {
        throw new DomainError(
          'invalid_input',
          'choose how long the old secret keeps working',
          'grace',
        );
      }
      rotated = rotateSourceSecret(
        c.var.deps,
        {
          sourceId: source.id,
          graceMs: GRACE_MS[grace as keyof typeof GRACE_MS],
          ...(secret === '' ? {} : { secret }),
        },
        actorOf(c),
      );
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'invalid_input') throw error;
      const failed = { ...secretsPanel(c, source), error: error.message };
      return answer(
        c,
        422,
        () => <SecretsPanel {...failed} />,
        () => <SourcePageView {...sourcePage(c, { error: error.message })} />,
        `Source ${source.name}`,
      );
    }
    const shown = {
      rotated: { secret: rotated.secret, previousExpiresAt: rotated.previousExpiresAt },
    };
    return answer(
      c,
      200,
      () => <SecretsPanel {...secretsPanel(c, source)} {...shown} />,
      () => <SourcePageView {...sourcePage(c, shown)} />,
      `Source ${source.name}`,
    );
  })
  .post('/sources/:id/status', admin, async (c) => {
    const form = await c.req.parseBody();
    const status = textField(form, 'status');
    if (status !== 'active' && status !== 'disabled') {
      throw new DomainError('invalid_input', 'status must be active or disabled', 'status');
    }
    const source = findSummary(c);
    setSourceStatus(c.var.deps, { sourceId: source.id, status }, actorOf(c));
    const done = notice(status === 'disabled' ? 'source-disabled' : 'source-enabled');
    return c.redirect(withDone(`/sources/${encodeURIComponent(source.id)}`, done), 303);
  })
  .post('/sources/:id/test-delivery', admin, async (c) => {
    const source = findSummary(c);
    const result = await sendTestDelivery(c.var.deps, { sourceId: source.id }, actorOf(c));
    const done = notice('test-delivery', result.outcome, result.status);
    return c.redirect(withDone(`/sources/${encodeURIComponent(source.id)}`, done), 303);
  });
