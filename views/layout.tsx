import type { Child } from 'hono/jsx';
import type { AccountView } from '../src/auth/account-fields.ts';
import { CSRF_HEADER, CsrfField } from './components/csrf-field.tsx';

// The CSP forbids inline style and eval: htmx must not inject its indicator <style> (app.css
// has those rules), evaluate hx-on or js: expressions, or run <script> in swapped content.
// A 422 carries the form again with its field errors, so it is swapped like a 200.
// htmx settles an element that keeps its id by copying the old `style` attribute onto the new
// one with setAttribute, which the CSP refuses ("Applying inline style violates…"): a textarea
// resized by its handle carries one. So `style` is left out of the attributes it settles.
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  attributesToSettle: ['class', 'width', 'height'],
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
  /**
   * The request's path: the navigation names its section (`data-current`) for app.css to mark;
   * the links themselves stay plain `<a href>` (tests and scripts find them by that).
   */
  path?: string;
};

type Section = { href: string; label: string; roles?: readonly string[] };

const SECTIONS: readonly Section[] = [
  { href: '/', label: 'Queue' },
  { href: '/messages', label: 'Messages' },
  { href: '/audit', label: 'Audit log', roles: ['admin', 'auditor'] },
  { href: '/rules', label: 'Rules' },
  { href: '/sources', label: 'Sources', roles: ['admin'] },
  { href: '/channels', label: 'Channels' },
  { href: '/displays', label: 'Displays', roles: ['admin'] },
  { href: '/activity', label: 'Activity' },
  { href: '/accounts', label: 'Accounts', roles: ['admin'] },
];

const isCurrent = (href: string, path: string | undefined) =>
  path !== undefined &&
  (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));

/**
 * The HTML frame of every page. Text children are escaped by Hono JSX; no raw HTML here.
 * The navigation is a <details> menu: on a phone it opens and closes without JavaScript, on a
 * wide screen app.css shows its links in a row and hides the toggle.
 */
export function Layout(props: LayoutProps) {
  const csrf = props.csrfToken;
  const account = props.account;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        {csrf === undefined ? null : <meta name="csrf-token" content={csrf} />}
        <title>{`${props.title} · modhook`}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/open-props.min.css" />
        <link rel="stylesheet" href="/static/normalize.min.css" />
        <link rel="stylesheet" href="/static/buttons.min.css" />
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="stylesheet" href="/static/queue.css" />
        <script src="/static/htmx.min.js" defer></script>
        <script src="/static/sse.js" defer></script>
        <script src="/static/app.js" defer></script>
      </head>
      <body hx-headers={csrf === undefined ? undefined : JSON.stringify({ [CSRF_HEADER]: csrf })}>
        <header class="site-header">
          <a class="brand" href="/">
            <img src="/static/favicon.svg" alt="" width="24" height="24" />
            modhook
          </a>
          {account ? (
            <details class="site-menu">
              <summary>Menu</summary>
              <div class="menu-body">
                <nav
                  class="site-nav"
                  aria-label="Sections"
                  data-current={SECTIONS.find((s) => isCurrent(s.href, props.path))?.href}
                >
                  {SECTIONS.filter(
                    (s) => s.roles === undefined || s.roles.includes(account.role),
                  ).map((s) => (
                    <a href={s.href}>{s.label}</a>
                  ))}
                </nav>
                {csrf !== undefined ? (
                  <div class="account">
                    <span class="who">
                      Signed in as <strong>{account.username}</strong> ({account.role})
                    </span>
                    <form method="post" action="/logout">
                      <CsrfField token={csrf} />
                      <button type="submit">Sign out</button>
                    </form>
                  </div>
                ) : null}
              </div>
            </details>
          ) : null}
        </header>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
