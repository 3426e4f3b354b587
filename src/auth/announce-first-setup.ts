import { accounts } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { createSetupToken } from './create-setup-token.ts';

/**
 * On a server start with no accounts: issues a setup link, logs it (info) and prints it in
 * plain words through `print` (stderr), and returns it. With any account: does nothing and
 * returns null. Each start issues a new link; the previous one stops working.
 */
export function announceFirstSetup(
  deps: Pick<Deps, 'db' | 'now' | 'config' | 'log'>,
  print: (text: string) => void,
): string | null {
  if (deps.db.select({ id: accounts.id }).from(accounts).limit(1).get() !== undefined) return null;
  const { token, expiresAt } = createSetupToken(deps);
  const url = `${deps.config.publicUrl}/setup?token=${token}`;
  const until = new Date(expiresAt).toISOString();
  deps.log.info({ setupUrl: url, expiresAt: until }, 'no accounts yet: setup link issued');
  print(
    [
      '',
      'modhook has no dashboard accounts yet. To create the first admin, open this link',
      `(it works once, until ${until}):`,
      '',
      `  ${url}`,
      '',
      'Or create an account from the shell instead:',
      '  npx modhook user add --username NAME --role admin --password-stdin',
      '',
      '',
    ].join('\n'),
  );
  return url;
}
