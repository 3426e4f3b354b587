import { and, eq, gt, isNull, or } from 'drizzle-orm';
import { appendAudit } from '../audit/append-audit.ts';
import { sourceSecrets } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { forgetIngestSource } from '../ingest/ingest-store.ts';
import { DomainError } from '../errors.ts';
import { findSource } from './find-source.ts';
import {
  generateSecretFor,
  SECRET_FROM_SENDER,
  SECRET_NEEDED,
  secretProblem,
} from './source-kinds.ts';
import { DEFAULT_ROTATION_GRACE_MS } from './source-secret.ts';

export type RotatedSecret = { sourceId: string; secret: string; previousExpiresAt: number };

/**
 * Adds a new secret to a source and lets the ones active until now expire after `graceMs`
 * (default 24 h; 0 retires them at once), so the sender can be switched over without losing
 * deliveries; a new secret is in the source kind's format. An old secret that already expires sooner keeps its earlier expiry. Audited in
 * the same transaction. Throws `not_found` or `invalid_input`.
 */
export function rotateSourceSecret(
  deps: Pick<Deps, 'db' | 'now'>,
  input: { sourceId: string; secret?: string; graceMs?: number },
  actor: string,
): RotatedSecret {
  const graceMs = input.graceMs ?? DEFAULT_ROTATION_GRACE_MS;
  if (!Number.isSafeInteger(graceMs) || graceMs < 0) {
    throw new DomainError('invalid_input', 'grace must be zero or a positive duration', 'grace');
  }
  const at = deps.now();
  const previousExpiresAt = at + graceMs;
  const secret = deps.db.transaction((tx) => {
    const { kind } = findSource(tx, input.sourceId);
    if (input.secret === undefined && SECRET_FROM_SENDER.has(kind)) {
      throw new DomainError('invalid_input', SECRET_NEEDED(kind), 'secret');
    }
    if (input.secret !== undefined) {
      const problem = secretProblem(kind, input.secret);
      if (problem !== null) throw new DomainError('invalid_input', problem, 'secret');
    }
    const secret = input.secret ?? generateSecretFor(kind);
    const sourceSecret = eq(sourceSecrets.sourceId, input.sourceId);
    tx.update(sourceSecrets)
      .set({ expiresAt: previousExpiresAt })
      .where(
        and(
          sourceSecret,
          or(isNull(sourceSecrets.expiresAt), gt(sourceSecrets.expiresAt, previousExpiresAt)),
        ),
      )
      .run();
    tx.insert(sourceSecrets).values({ sourceId: input.sourceId, secret, createdAt: at }).run();
    appendAudit(tx, {
      at,
      actor,
      action: 'source.rotate_secret',
      targetType: 'source',
      targetId: input.sourceId,
      details: { previousExpiresAt: new Date(previousExpiresAt).toISOString() },
    });
    return secret;
  });
  forgetIngestSource(deps.db, input.sourceId);
  return { sourceId: input.sourceId, secret, previousExpiresAt };
}
