import type { Child } from 'hono/jsx';
import type { AccountView } from '../src/auth/account-fields.ts';
import { CSRF_HEADER, CsrfField } from './components/csrf-field.tsx';

// The CSP forbids inline style and eval: htmx must not inject its indicator <style> (app.css
// has those rules), evaluate hx-on or js: expressions, or run <script> in swapped content.
// A 422 carries the form again with its field errors, so it is swapped like a 200.
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '422', swap: true },
    { code: '[45]..', swap: false, error: true },
    { code: '...', swap: false },
  ],
});

export type LayoutProps = {
  title: string;
  children: Child;
  /** The signed-in account, shown in the header with a sign-out button. */
  account?: AccountView | null;
  /** Sent with every htmx request (hx-headers) and every form in the page. */
  csrfToken?: string;
};

/** The HTML frame of every page. Text children are escaped by Hono JSX; no raw HTML here. */
export function Layout(props: LayoutProps) {
  const csrf = props.csrfToken;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        {csrf === undefined ? null : <meta name="csrf-token" content={csrf} />}
        <title>{`${props.title} · modhook`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="stylesheet" href="/static/queue.css" />
        <script src="/static/htmx.min.js" defer></script>
        <script src="/static/sse.js" defer></script>
        <script src="/static/app.js" defer></script>
      </head>
      <body hx-headers={csrf === undefined ? undefined : JSON.stringify({ [CSRF_HEADER]: csrf })}>
        <header class="site-header">
          <a class="brand" href="/">
            modhook
          </a>
          {props.account ? (
            <nav class="site-nav">
              <a href="/">Queue</a>
              <a href="/messages">Messages</a>
              {props.account.role !== 'moderator' ? <a href="/audit">Audit log</a> : null}
              <a href="/rules">Rules</a>
              {props.account.role === 'admin' ? <a href="/sources">Sources</a> : null}
              <a href="/channels">Channels</a>
              {props.account.role === 'admin' ? <a href="/displays">Displays</a> : null}
              <a href="/activity">Activity</a>
              {props.account.role === 'admin' ? <a href="/accounts">Accounts</a> : null}
            </nav>
          ) : null}
          {props.account && csrf !== undefined ? (
            <div class="account">
              <span>
                Signed in as <strong>{props.account.username}</strong> ({props.account.role})
              </span>
              <form method="post" action="/logout">
                <CsrfField token={csrf} />
                <button type="submit">Sign out</button>
              </form>
            </div>
          ) : null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
