const TITLES: Record<number, string> = {
  401: 'Sign in first',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Already done',
  413: 'Too large',
  422: 'Check the input',
  429: 'Too many attempts',
};

export function errorTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Request refused');
}

/** The body of an error page; the message is escaped like all text. */
export function ErrorPage(props: { status: number; message: string }) {
  return (
    <section class="error-page">
      <h1>{errorTitle(props.status)}</h1>
      <p role="alert">{props.message}</p>
      <p>
        <a href="/">Back to the start page</a>
      </p>
    </section>
  );
}

/** What an htmx request gets instead of a whole error page. */
export function ErrorFragment(props: { message: string }) {
  return (
    <p class="error" role="alert">
      {props.message}
    </p>
  );
}
