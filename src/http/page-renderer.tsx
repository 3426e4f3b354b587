import type { Context } from 'hono';
import { jsxRenderer } from 'hono/jsx-renderer';
import { Layout } from '../../views/layout.tsx';
import type { AppEnv } from './app-env.ts';

declare module 'hono' {
  interface ContextRenderer {
    (content: string | Promise<string>, props: { title: string }): Response | Promise<Response>;
  }
}

/**
 * `c.render(<Page />, { title })`: wraps a page in views/layout.tsx with the signed-in account
 * and the CSRF token of this request, behind <!DOCTYPE html>.
 */
export const pageRenderer = jsxRenderer(({ children, title }, c) => {
  const { session, csrfToken } = (c as Context<AppEnv>).var;
  return (
    <Layout
      title={title}
      account={session?.account ?? null}
      csrfToken={csrfToken}
      path={c.req.path}
    >
      {children}
    </Layout>
  );
});
