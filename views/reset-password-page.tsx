import { CsrfField } from './components/csrf-field.tsx';
import { When } from './components/when.tsx';

export type ResetPasswordPageProps = {
  /** The visitor's CSRF token (a double-submit cookie before sign-in, as on /setup). */
  csrfToken: string;
  /** The one-time token from the link; the form posts back to the same path. */
  token: string;
  username: string;
  expiresAt: number;
  minPasswordLength: number;
  error?: { field: string; message: string };
};

/** Sets an account's password from a one-time link an admin made; no sign-in needed. */
export function ResetPasswordPage(props: ResetPasswordPageProps) {
  const error = props.error;
  const errorOf = (field: string) =>
    error?.field === field ? (
      <span class="field-error error" id={`${field}-error`}>
        {error.message}
      </span>
    ) : null;
  const invalid = (field: string) =>
    error?.field === field ? { 'aria-invalid': 'true', 'aria-describedby': `${field}-error` } : {};
  return (
    <section class="auth reset-page">
      <h1>Set the password of {props.username}</h1>
      <p>
        This link works once, until <When at={props.expiresAt} />. Setting a password signs the
        account out everywhere.
      </p>
      {error !== undefined && error.field !== 'password' && error.field !== 'confirm' ? (
        <p class="error" role="alert">
          {error.message}
        </p>
      ) : null}
      <form method="post" action={`/reset/${encodeURIComponent(props.token)}`}>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="username" autocomplete="username" value={props.username} />
        <label>
          New password (at least {props.minPasswordLength} characters)
          <input
            type="password"
            name="password"
            autocomplete="new-password"
            required
            minlength={props.minPasswordLength}
            autofocus
            {...invalid('password')}
          />
          {errorOf('password')}
        </label>
        <label>
          New password again
          <input
            type="password"
            name="confirm"
            autocomplete="new-password"
            required
            minlength={props.minPasswordLength}
            {...invalid('confirm')}
          />
          {errorOf('confirm')}
        </label>
        <button type="submit">Set password</button>
      </form>
    </section>
  );
}

/** After the password was set. */
export function ResetDonePage(props: { username: string }) {
  return (
    <section class="auth reset-page">
      <h1>Password set</h1>
      <p role="status">
        The password of {props.username} is set, and every earlier session of the account has ended.
      </p>
      <p>
        <a href="/login">Sign in</a>
      </p>
    </section>
  );
}

/** A link that cannot be used (unknown 404; used or expired 410). */
export function ResetLinkProblemPage(props: { message: string; gone: boolean }) {
  return (
    <section class="error-page reset-page">
      <h1>{props.gone ? 'Link no longer valid' : 'Link not found'}</h1>
      <p role="alert">{props.message}</p>
      <p>
        <a href="/login">Sign in</a>
      </p>
    </section>
  );
}
