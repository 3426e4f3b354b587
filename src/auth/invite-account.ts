import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { parseInput, Role, Username } from './account-fields.ts';
import { insertAccount } from './add-account.ts';
import { generateToken } from './auth-token.ts';
import { issueResetLink, type ResetLink } from './create-password-reset.ts';
import { hashPassword } from './password.ts';

export const Invitation = z.object({ username: Username, role: Role });
export type Invitation = z.input<typeof Invitation>;

/**
 * Creates an account without a password the admin knows, and a one-time link (24 h) with
 * which its owner sets one: audits `account.add` (via `dashboard`) and `account.reset_link`, in
 * one transaction. Until the link is used the account's hash is of a random secret nobody
 * holds, so it cannot sign in, and a sign-in attempt costs the same time as any other. Throws
 * `invalid_input` naming the field and `conflict` when the username is taken in any case.
 */
export async function inviteAccount(
  deps: Pick<Deps, 'db' | 'now'>,
  input: Invitation,
  actor: string,
): Promise<ResetLink & { accountId: number; role: Role }> {
  const { username, role } = parseInput(Invitation, input);
  const passwordHash = await hashPassword(generateToken());
  const at = deps.now();
  return deps.db.transaction((tx) => {
    const account = insertAccount(tx, { username, role, passwordHash }, at, actor, {
      via: 'dashboard',
    });
    const link = issueResetLink(tx, account, at, actor, { firstPassword: true });
    return { ...link, accountId: account.id, role };
  });
}
