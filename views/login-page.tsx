import { CsrfField } from './components/csrf-field.tsx';

export type LoginPageProps = {
  csrfToken: string;
  /** Where to go after signing in: a local path, already checked. */
  next: string;
  username?: string;
  error?: string;
};

/** The sign-in form; a plain POST, works without JavaScript. */
export function LoginPage(props: LoginPageProps) {
  return (
    <section class="auth">
      <h1>Sign in</h1>
      {props.error === undefined ? null : (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <form method="post" action="/login">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="next" value={props.next} />
        <label>
          Username
          <input
            name="username"
            autocomplete="username"
            required
            maxlength={64}
            value={props.username ?? ''}
            autofocus
          />
        </label>
        <label>
          Password
          <input type="password" name="password" autocomplete="current-password" required />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </section>
  );
}
