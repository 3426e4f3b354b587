import { ROLES } from '../src/auth/account-fields.ts';
import type { AccountSummary } from '../src/auth/list-accounts.ts';
import { CsrfField } from './components/csrf-field.tsx';
import { NoticeLine, type Notice } from './components/notice.tsx';
import { When } from './components/when.tsx';

/** A one-time set-password link, shown to the admin once (only its hash is stored). */
export type ShownLink = { url: string; username: string; expiresAt: number; newAccount: boolean };

export type AccountsPanelProps = {
  accounts: AccountSummary[];
  /** The signed-in admin: their own row offers no disable or role change. */
  selfId: number;
  /** Until when each account's unused password link works, if it has one. */
  openLinks: Map<number, number>;
  csrfToken: string;
  /** What the last change did (from the redirect's `done`). */
  notice?: Notice;
  /** Why this request's change was refused. */
  error?: string;
  link?: ShownLink;
  /** The add-account form as sent back, with the field the error is about. */
  form?: { username: string; role: string; error?: { field: string; message: string } };
};

/** `/accounts`: who can sign in, with what role; add, change role, disable, password links. */
export function AccountsPageView(props: AccountsPanelProps) {
  return (
    <section class="accounts-page" data-page="accounts">
      <h1>Accounts</h1>
      <AccountsPanel {...props} />
    </section>
  );
}

/** Everything below the heading; the add-account form swaps it whole (htmx), also on a 422. */
export function AccountsPanel(props: AccountsPanelProps) {
  return (
    <div id="accounts-panel">
      <NoticeLine notice={props.notice} />
      {props.error === undefined ? null : (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      {props.link ? <OneTimeLink link={props.link} /> : null}
      <table class="messages accounts">
        <thead>
          <tr>
            <th>Username</th>
            <th>Role</th>
            <th>Status</th>
            <th>Created</th>
            <th>Last sign-in</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.accounts.map((a) => (
            <AccountRow
              account={a}
              self={a.id === props.selfId}
              linkUntil={props.openLinks.get(a.id)}
              csrfToken={props.csrfToken}
            />
          ))}
        </tbody>
      </table>
      <NewAccountForm csrfToken={props.csrfToken} form={props.form} />
    </div>
  );
}

function OneTimeLink(props: { link: ShownLink }) {
  const { link } = props;
  return (
    <div class="one-time-link" role="status">
      <p>
        {link.newAccount
          ? `Account ${link.username} created. Send this link to its owner to set a password:`
          : `Password link for ${link.username}. Send it to its owner:`}
      </p>
      <input
        type="text"
        readonly
        value={link.url}
        aria-label={`Password link for ${link.username}`}
        class="link-field"
      />
      <p class="muted">
        It works once, until <When at={link.expiresAt} />, and is shown only now: modhook keeps only
        its hash. Using it ends every session of the account.
      </p>
    </div>
  );
}

function AccountRow(props: {
  account: AccountSummary;
  self: boolean;
  linkUntil: number | undefined;
  csrfToken: string;
}) {
  const a = props.account;
  const base = `/accounts/${a.id}`;
  return (
    <tr id={`account-${a.id}`} class={a.disabled ? 'account disabled' : 'account'}>
      <td data-label="Username">
        {a.username}
        {props.self ? <span class="muted"> (you)</span> : null}
      </td>
      <td data-label="Role">{a.role}</td>
      <td data-label="Status">
        {a.disabled ? 'disabled' : 'active'}
        {props.linkUntil === undefined ? null : (
          <div class="muted">
            password link open until <When at={props.linkUntil} />
          </div>
        )}
      </td>
      <td data-label="Created">
        <When at={a.createdAt} />
      </td>
      <td data-label="Last sign-in">
        {a.lastLoginAt === null ? 'never' : <When at={a.lastLoginAt} />}
      </td>
      <td data-label="Actions" class="row-actions">
        {props.self ? null : (
          <form method="post" action={`${base}/role`}>
            <CsrfField token={props.csrfToken} />
            <select name="role" aria-label={`Role of ${a.username}`}>
              {ROLES.map((r) => (
                <option value={r} selected={r === a.role}>
                  {r}
                </option>
              ))}
            </select>
            <button type="submit">Change role</button>
          </form>
        )}
        {props.self ? null : (
          <form method="post" action={`${base}/status`}>
            <CsrfField token={props.csrfToken} />
            <input type="hidden" name="status" value={a.disabled ? 'enabled' : 'disabled'} />
            <button type="submit">{a.disabled ? 'Enable' : 'Disable'}</button>
          </form>
        )}
        {a.disabled ? null : (
          <form method="post" action={`${base}/reset-link`}>
            <CsrfField token={props.csrfToken} />
            <button type="submit">Password link</button>
          </form>
        )}
      </td>
    </tr>
  );
}

function NewAccountForm(props: { csrfToken: string; form: AccountsPanelProps['form'] }) {
  const form = props.form ?? { username: '', role: 'moderator' };
  const error = form.error;
  const errorOf = (field: string) =>
    error?.field === field ? (
      <span class="field-error error" id={`new-${field}-error`}>
        {error.message}
      </span>
    ) : null;
  const invalid = (field: string) =>
    error?.field === field
      ? { 'aria-invalid': 'true', 'aria-describedby': `new-${field}-error` }
      : {};
  return (
    <form
      class="new-account"
      method="post"
      action="/accounts"
      hx-post="/accounts"
      hx-target="#accounts-panel"
      hx-swap="outerHTML"
    >
      <h2>Add an account</h2>
      <p class="muted">
        No password is set here: you get a one-time link (24 h) with which its owner chooses one.
      </p>
      <CsrfField token={props.csrfToken} />
      {error !== undefined && error.field !== 'username' && error.field !== 'role' ? (
        <p class="error" role="alert">
          {error.message}
        </p>
      ) : null}
      <label>
        Username
        <input
          name="username"
          required
          maxlength={64}
          autocomplete="off"
          value={form.username}
          {...invalid('username')}
        />
        {errorOf('username')}
      </label>
      <label>
        Role
        <select name="role" {...invalid('role')}>
          {ROLES.map((r) => (
            <option value={r} selected={r === form.role}>
              {r}
            </option>
          ))}
        </select>
        {errorOf('role')}
      </label>
      <button type="submit">Add account and make its link</button>
    </form>
  );
}
