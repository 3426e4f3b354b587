import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { appendAudit } from '../audit/append-audit.ts';
import type { Db } from '../db/client.ts';
import { accounts, setupTokens } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { accountActor, parseInput, Password, Username } from './account-fields.ts';
import { insertAccount } from './add-account.ts';
import { hashToken } from './auth-token.ts';
import type { SignedIn } from './authenticate.ts';
import { createSession } from './create-session.ts';
import { hashPassword } from './password.ts';

export const FirstAdmin = z.object({ token: z.string(), username: Username, password: Password });
export type FirstAdmin = z.input<typeof FirstAdmin>;

const AFTERWARDS =
  'Restart modhook to print a new link while it has no accounts, or run: npx modhook user add --username NAME --role admin --password-stdin';

/**
 * Throws unless `token` is a setup token that can still create the first admin: `not_found`
 * when unknown, used, expired or replaced by a newer link; `conflict` once any account exists.
 */
export function checkSetupToken(deps: Pick<Deps, 'db' | 'now'>, token: string): void {
  findUsableToken(deps.db, token, deps.now());
}

/**
 * Uses a setup token, once: creates the first admin, signs them in (a new session) and audits
 * `account.add` and `account.login`, in one transaction. Throws like checkSetupToken, and
 * `invalid_input` naming the field for a bad username or a password under 12 characters.
 */
export async function consumeSetupToken(
  deps: Pick<Deps, 'db' | 'now'>,
  input: FirstAdmin,
): Promise<SignedIn> {
  const { token, username, password } = parseInput(FirstAdmin, input);
  checkSetupToken(deps, token); // before the costly hash; checked again below
  const passwordHash = await hashPassword(password);
  const at = deps.now();
  return deps.db.transaction((tx) => {
    const tokenHash = findUsableToken(tx, token, at);
    tx.update(setupTokens)
      .set({ usedAt: at })
      .where(and(eq(setupTokens.tokenHash, tokenHash), isNull(setupTokens.usedAt)))
      .run();
    const actor = accountActor({ username });
    const account = insertAccount(tx, { username, role: 'admin', passwordHash }, at, actor, {
      via: 'setup_link',
    });
    tx.update(accounts).set({ lastLoginAt: at }).where(eq(accounts.id, account.id)).run();
    const session = createSession(tx, account.id, at);
    appendAudit(tx, {
      at,
      actor,
      action: 'account.login',
      targetType: 'account',
      targetId: String(account.id),
      details: { via: 'setup_link' },
    });
    return { ...session, account };
  });
}

function findUsableToken(db: Pick<Db, 'select'>, token: string, at: number): string {
  const tokenHash = hashToken(token);
  const row = db.select().from(setupTokens).where(eq(setupTokens.tokenHash, tokenHash)).get();
  if (row === undefined) {
    throw new DomainError('not_found', `This setup link is not valid. ${AFTERWARDS}`);
  }
  if (row.usedAt !== null) {
    throw new DomainError('not_found', `This setup link was already used. ${AFTERWARDS}`);
  }
  if (at >= row.expiresAt) {
    throw new DomainError('not_found', `This setup link has expired. ${AFTERWARDS}`);
  }
  if (db.select({ id: accounts.id }).from(accounts).limit(1).get() !== undefined) {
    throw new DomainError('conflict', 'Setup is already done: sign in with your account.');
  }
  return tokenHash;
}
