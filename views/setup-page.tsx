import { CsrfField } from './components/csrf-field.tsx';

export type SetupPageProps = {
  csrfToken: string;
  /** The one-time setup token from the link, carried by the form. */
  token: string;
  username?: string;
  error?: string;
  minPasswordLength: number;
};

/** Creates the first admin from the setup link printed at the first start. */
export function SetupPage(props: SetupPageProps) {
  return (
    <section class="auth">
      <h1>Create the first admin</h1>
      <p>
        This link works once. The account you create here can add the other moderators with{' '}
        <code>npx modhook user add</code>.
      </p>
      {props.error === undefined ? null : (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <form method="post" action="/setup">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="token" value={props.token} />
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
          Password (at least {props.minPasswordLength} characters)
          <input
            type="password"
            name="password"
            autocomplete="new-password"
            required
            minlength={props.minPasswordLength}
          />
        </label>
        <label>
          Password again
          <input
            type="password"
            name="confirm"
            autocomplete="new-password"
            required
            minlength={props.minPasswordLength}
          />
        </label>
        <button type="submit">Create admin and sign in</button>
      </form>
    </section>
  );
}
