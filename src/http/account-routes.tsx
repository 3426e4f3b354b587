import { Hono, type Context } from 'hono';
import { accountActor, MIN_PASSWORD_LENGTH, type Role } from '../auth/account-fields.ts';
import { changeAccountRole } from '../auth/change-account-role.ts';
import { createPasswordReset, type ResetLink } from '../auth/create-password-reset.ts';
import { inviteAccount } from '../auth/invite-account.ts';
import { listAccounts } from '../auth/list-accounts.ts';
import { openResetLinks } from '../auth/open-reset-links.ts';
import { checkPasswordReset, resetPassword, ResetLinkError } from '../auth/reset-password.ts';
import { setAccountDisabled } from '../auth/set-account-disabled.ts';
import { DomainError } from '../errors.ts';
import {
  AccountsPageView,
  AccountsPanel,
  type AccountsPanelProps,
  type ShownLink,
} from '../../views/accounts-page.tsx';
import {
  ResetDonePage,
  ResetLinkProblemPage,
  ResetPasswordPage,
} from '../../views/reset-password-page.tsx';
import { notice, type Notice } from '../../views/components/notice.tsx';
import type { AppEnv } from './app-env.ts';
import { idParam } from './query-params.ts';
import { errorStatus } from './error-response.ts';
import { putFlash, takeFlash } from './one-time-flash.ts';
import { textField } from './form-fields.ts';
import { doneNotice, isHtmx, withDone } from './request-info.ts';
import { requireRole } from './require-role.ts';

type Ctx = Context<AppEnv>;
type PanelExtras = Pick<AccountsPanelProps, 'notice' | 'error' | 'link' | 'form'>;

const admin = requireRole('admin');
const actorOf = (c: Ctx) => accountActor(c.var.session!.account);
const selfOf = (c: Ctx) => c.var.session!.account.id;

const accountId = (c: Ctx) => idParam(c, 'account');

/** The accounts page, or for htmx its panel, with this request's notice, link or form. */
function showAccounts(c: Ctx, extras: PanelExtras, status: 200 | 404 | 409 | 422 = 200) {
  const props: AccountsPanelProps = {
    accounts: listAccounts(c.var.deps),
    selfId: selfOf(c),
    openLinks: openResetLinks(c.var.deps),
    csrfToken: c.var.csrfToken,
    ...extras,
  };
  if (isHtmx(c)) return c.html(<AccountsPanel {...props} />, status);
  c.status(status);
  return c.render(<AccountsPageView {...props} />, { title: 'Accounts' });
}

function shownLink(c: Ctx, link: ResetLink, newAccount: boolean): ShownLink {
  const url = `${c.var.deps.config.publicUrl}/reset/${link.token}`;
  return { url, username: link.username, expiresAt: link.expiresAt, newAccount };
}

/**
 * Shows a new password link on the page the answer redirects to (303 to /accounts), once: a
 * reload then asks for the list again instead of sending the form (and making a link) again.
 * The link waits in this session's one-time flash, never in the URL.
 */
function redirectWithLink(c: Ctx, link: ShownLink) {
  putFlash(c.var.deps, c.var.session!.csrfToken, link);
  return c.redirect('/accounts', 303);
}

/** Runs a row action: success goes back to the list (303), a refusal shows it with the reason. */
function rowAction(c: Ctx, act: () => Notice) {
  let done: Notice;
  try {
    done = act();
  } catch (error) {
    if (
      !(error instanceof DomainError) ||
      !['conflict', 'not_found', 'invalid_input'].includes(error.code)
    ) {
      throw error;
    }
    const status = errorStatus(c, error) as 404 | 409 | 422;
    return showAccounts(c, { error: error.message }, status);
  }
  return c.redirect(withDone('/accounts', done), 303);
}

/**
 * `/accounts` (admins): list, add with a one-time password link, change role, disable or
 * enable, new password link. `/reset/:token` (anyone holding the link): set the password.
 */
export const accountRoutes = new Hono<AppEnv>()
  .get('/accounts', admin, (c) => {
    const done = doneNotice(c);
    const link = takeFlash<ShownLink>(c.var.deps, c.var.session!.csrfToken);
    return showAccounts(c, { ...(done ? { notice: done } : {}), ...(link ? { link } : {}) });
  })
  .post('/accounts', admin, async (c) => {
    const form = await c.req.parseBody();
    const input = { username: textField(form, 'username'), role: textField(form, 'role') };
    try {
      const created = await inviteAccount(
        c.var.deps,
        { ...input, role: input.role as Role },
        actorOf(c),
      );
      return redirectWithLink(c, shownLink(c, created, true));
    } catch (error) {
      if (!(error instanceof DomainError) || !['invalid_input', 'conflict'].includes(error.code)) {
        throw error;
      }
      // A taken name is a field error of this form too: 422, so htmx swaps the form back in.
      const field = error.field ?? 'username';
      return showAccounts(c, { form: { ...input, error: { field, message: error.message } } }, 422);
    }
  })
  .post('/accounts/:id/role', admin, async (c) => {
    const role = textField(await c.req.parseBody(), 'role') as Role;
    const id = accountId(c);
    return rowAction(c, () => {
      const { changed } = changeAccountRole(
        c.var.deps,
        { accountId: id, role },
        actorOf(c),
        selfOf(c),
      );
      return notice(changed ? 'role-changed' : 'role-unchanged', role);
    });
  })
  .post('/accounts/:id/status', admin, async (c) => {
    const status = textField(await c.req.parseBody(), 'status');
    if (status !== 'disabled' && status !== 'enabled') {
      throw new DomainError('invalid_input', 'status must be disabled or enabled', 'status');
    }
    const id = accountId(c);
    return rowAction(c, () => {
      const disabled = status === 'disabled';
      const { changed } = setAccountDisabled(
        c.var.deps,
        { accountId: id, disabled },
        actorOf(c),
        selfOf(c),
      );
      if (!changed) return notice('account-unchanged', status);
      return notice(disabled ? 'account-disabled' : 'account-enabled');
    });
  })
  .post('/accounts/:id/reset-link', admin, (c) => {
    const id = accountId(c);
    try {
      const link = createPasswordReset(c.var.deps, { accountId: id }, actorOf(c));
      return redirectWithLink(c, shownLink(c, link, false));
    } catch (error) {
      if (!(error instanceof DomainError) || !['conflict', 'not_found'].includes(error.code))
        throw error;
      const status = errorStatus(c, error) as 404 | 409;
      return showAccounts(c, { error: error.message }, status);
    }
  })
  .get('/reset/:token', (c) => {
    const token = c.req.param('token');
    try {
      const link = checkPasswordReset(c.var.deps, token);
      return renderResetForm(c, { token, ...link });
    } catch (error) {
      return linkProblem(c, error);
    }
  })
  .post('/reset/:token', async (c) => {
    const token = c.req.param('token');
    const form = await c.req.parseBody();
    const [password, confirm] = [textField(form, 'password'), textField(form, 'confirm')];
    try {
      const link = checkPasswordReset(c.var.deps, token);
      try {
        if (password !== confirm) {
          throw new DomainError('invalid_input', 'The two passwords differ.', 'confirm');
        }
        const { username } = await resetPassword(c.var.deps, { token, password });
        return c.render(<ResetDonePage username={username} />, { title: 'Password set' });
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'invalid_input') throw error;
        c.status(422);
        const field = error.field ?? 'password';
        return renderResetForm(c, { token, ...link, error: { field, message: error.message } });
      }
    } catch (error) {
      return linkProblem(c, error);
    }
  });

function renderResetForm(
  c: Ctx,
  props: {
    token: string;
    username: string;
    expiresAt: number;
    error?: { field: string; message: string };
  },
) {
  return c.render(
    <ResetPasswordPage
      csrfToken={c.var.csrfToken}
      minPasswordLength={MIN_PASSWORD_LENGTH}
      {...props}
    />,
    { title: 'Set password' },
  );
}

function linkProblem(c: Ctx, error: unknown) {
  if (!(error instanceof ResetLinkError)) throw error;
  c.status(error.gone ? 410 : 404);
  return c.render(<ResetLinkProblemPage message={error.message} gone={error.gone} />, {
    title: error.gone ? 'Link no longer valid' : 'Link not found',
  });
}
