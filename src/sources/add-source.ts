import { z } from 'zod';
import { appendAudit } from '../audit/append-audit.ts';
import { sources, sourceSecrets } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { ChosenSecret, generateSecret, generateSourceId } from './source-secret.ts';

export const SOURCE_KINDS = ['eventyay'] as const;

export const NewSource = z.object({
  kind: z.enum(SOURCE_KINDS, `kind must be one of: ${SOURCE_KINDS.join(', ')}`),
  name: z
    .string()
    .trim()
    .min(1, 'name must not be empty')
    .max(100, 'name must be at most 100 characters'),
  secret: ChosenSecret.optional(),
});
export type NewSource = z.input<typeof NewSource>;

export type CreatedSource = { id: string; kind: string; name: string; secret: string };

/**
 * Registers a source with its first secret (generated unless chosen) and audits it, in one
 * transaction. Throws DomainError `invalid_input` naming the bad field. The secret is returned
 * here, once; it is never shown again.
 */
export function addSource(
  deps: Pick<Deps, 'db' | 'now'>,
  input: NewSource,
  actor: string,
): CreatedSource {
  const parsed = NewSource.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DomainError(
      'invalid_input',
      issue?.message ?? 'invalid source',
      issue?.path.join('.'),
    );
  }
  const { kind, name } = parsed.data;
  const secret = parsed.data.secret ?? generateSecret();
  const id = generateSourceId();
  const at = deps.now();
  deps.db.transaction((tx) => {
    tx.insert(sources).values({ id, kind, name, createdAt: at }).run();
    tx.insert(sourceSecrets).values({ sourceId: id, secret, createdAt: at }).run();
    appendAudit(tx, {
      at,
      actor,
      action: 'source.add',
      targetType: 'source',
      targetId: id,
      details: { kind, name, secretChosen: parsed.data.secret !== undefined },
    });
  });
  return { id, kind, name, secret };
}
