import { isNull } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { setupTokens } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { generateToken, hashToken } from './auth-token.ts';
import { SETUP_TOKEN_TTL_MS } from './session-policy.ts';

/**
 * Issues a one-time setup token, valid for 24 h, that creates the first admin
 * (consumeSetupToken). Unused earlier tokens stop working: only the newest link printed is
 * valid. Only the token's hash is stored; the token is returned here, once.
 */
export function createSetupToken(deps: Pick<Deps, 'db' | 'now'>): {
  token: string;
  expiresAt: number;
} {
  const at = deps.now();
  const token = generateToken();
  const expiresAt = at + SETUP_TOKEN_TTL_MS;
  deps.db.transaction((tx) => {
    tx.delete(setupTokens).where(isNull(setupTokens.usedAt)).run();
    tx.insert(setupTokens)
      .values({ tokenHash: hashToken(token), createdAt: at, expiresAt })
      .run();
    appendAudit(tx, {
      at,
      actor: 'system',
      action: 'setup.issue_link',
      targetType: 'setup',
      targetId: 'first-admin',
      details: { expiresAt: new Date(expiresAt).toISOString() },
    });
  });
  return { token, expiresAt };
}
