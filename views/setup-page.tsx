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
      <p>This link works once. The account you create here is an admin and is signed in at once.</p>
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
      <details class="next-steps" open>
        <summary>What comes next</summary>
        <ol>
          <li>
            <strong>Sources</strong> (<a href="/sources">/sources</a>): add a source for each chat
            room; it shows the webhook URL and secret to paste into Eventyay (or another sender).
          </li>
          <li>
            <strong>Send test delivery</strong>, on the new source's page: a signed chat message
            goes through the real webhook path and shows up in its deliveries and the queue.
          </li>
          <li>
            <strong>Accounts</strong> (<a href="/accounts">/accounts</a>): add the other moderators
            and auditors; each gets a one-time link to set a password.
          </li>
        </ol>
        <p class="muted">
          From a shell, the same is <code>npx modhook source add</code> and{' '}
          <code>npx modhook user add</code>.
        </p>
      </details>
    </section>
  );
}
