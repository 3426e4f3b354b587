import { Hono, type Context } from 'hono';
import { MIN_PASSWORD_LENGTH } from '../auth/account-fields.ts';
import { authenticate, type SignedIn } from '../auth/authenticate.ts';
import { checkSetupToken, consumeSetupToken } from '../auth/consume-setup-token.ts';
import { endSession } from '../auth/end-session.ts';
import { DomainError } from '../errors.ts';
import { LoginPage, type LoginPageProps } from '../../views/login-page.tsx';
import { SetupPage, type SetupPageProps } from '../../views/setup-page.tsx';
import type { AppEnv } from './app-env.ts';
import { errorStatus } from './error-response.ts';
import { localPath, textField } from './form-fields.ts';
import { clientAddress, isHtmx } from './request-info.ts';
import { clearSessionCookie, readSessionCookie, writeSessionCookie } from './session-cookie.ts';

type Form = Record<string, unknown>;

/** Sign-in, sign-out and the first-admin setup link. */
export const authRoutes = new Hono<AppEnv>()
  .get('/login', (c) => {
    const next = localPath(c.req.query('next'));
    if (c.var.session !== null) return c.redirect(next, 303);
    return renderLogin(c, { next });
  })
  .post('/login', async (c) => {
    const form: Form = await c.req.parseBody();
    const [username, password] = [textField(form, 'username'), textField(form, 'password')];
    const next = localPath(textField(form, 'next'));
    try {
      const credentials = { username, password, address: clientAddress(c) };
      const signedIn = await authenticate(c.var.deps, credentials);
      return signInAndGo(c, signedIn, next);
    } catch (error) {
      if (!isExpected(error, 'unauthenticated', 'throttled')) throw error;
      c.status(errorStatus(c, error));
      return renderLogin(c, { next, username, error: error.message });
    }
  })
  .post('/logout', (c) => {
    const token = readSessionCookie(c);
    if (token !== undefined) endSession(c.var.deps, token);
    clearSessionCookie(c);
    if (!isHtmx(c)) return c.redirect('/login', 303);
    c.header('HX-Redirect', '/login');
    return c.body(null, 204);
  })
  .all('/logout', (c) => {
    c.header('Allow', 'POST');
    return c.text('Sign out with the button (POST /logout).', 405);
  })
  .get('/setup', (c) => {
    const token = c.req.query('token') ?? '';
    checkSetupToken(c.var.deps, token);
    return renderSetup(c, { token });
  })
  .post('/setup', async (c) => {
    const form: Form = await c.req.parseBody();
    const field = (name: string) => textField(form, name);
    const input = {
      token: field('token'),
      username: field('username'),
      password: field('password'),
    };
    try {
      if (input.password !== field('confirm')) {
        throw new DomainError('invalid_input', 'The two passwords differ.', 'confirm');
      }
      return signInAndGo(c, await consumeSetupToken(c.var.deps, input), '/');
    } catch (error) {
      if (!isExpected(error, 'invalid_input')) throw error;
      c.status(errorStatus(c, error));
      return renderSetup(c, { token: input.token, username: input.username, error: error.message });
    }
  });

function signInAndGo(c: Context<AppEnv>, signedIn: SignedIn, next: string) {
  writeSessionCookie(c, signedIn.token);
  return c.redirect(next, 303);
}

function isExpected(error: unknown, ...codes: DomainError['code'][]): error is DomainError {
  return error instanceof DomainError && codes.includes(error.code);
}

function renderLogin(c: Context<AppEnv>, props: Omit<LoginPageProps, 'csrfToken'>) {
  return c.render(<LoginPage csrfToken={c.var.csrfToken} {...props} />, { title: 'Sign in' });
}

function renderSetup(
  c: Context<AppEnv>,
  props: Omit<SetupPageProps, 'csrfToken' | 'minPasswordLength'>,
) {
  return c.render(
    <SetupPage csrfToken={c.var.csrfToken} minPasswordLength={MIN_PASSWORD_LENGTH} {...props} />,
    { title: 'Create the first admin' },
  );
}
