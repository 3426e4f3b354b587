import type { Child } from 'hono/jsx';

/** The HTML frame of every page. Text children are escaped by Hono JSX; no raw HTML here. */
export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · modhook`}</title>
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
