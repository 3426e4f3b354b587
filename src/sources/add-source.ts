import { z } from 'zod';
import { appendAudit } from '../audit/append-audit.ts';
import { sources, sourceSecrets } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import {
  parseSourceSettings,
  secretProblem,
  generateSecretFor,
  SECRET_FROM_SENDER,
  SECRET_NEEDED,
  SOURCE_KINDS,
  type SourceKind,
} from './source-kinds.ts';
import { generateSourceId } from './source-secret.ts';

export { SOURCE_KINDS };

export const NewSource = z.object({
  kind: z.enum(SOURCE_KINDS, `kind must be one of: ${SOURCE_KINDS.join(', ')}`),
  name: z
    .string()
    .trim()
    .min(1, 'name must not be empty')
    .max(100, 'name must be at most 100 characters'),
  secret: z.string().optional(),
  /** Kind-specific settings (src/sources/source-kinds.ts); defaults filled in. */
  settings: z.unknown().optional(),
});
export type NewSource = z.input<typeof NewSource>;

export type CreatedSource = {
  id: string;
  kind: SourceKind;
  name: string;
  secret: string;
  settings: Record<string, unknown>;
};

/**
 * Registers a source with its kind's settings and its first secret (generated in the kind's
 * format unless chosen) and audits it, in one transaction. Throws DomainError `invalid_input`
 * naming the bad field. The secret is returned here, once; it is never shown again.
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
  const chosen = parsed.data.secret;
  const problem = chosen === undefined ? null : secretProblem(kind, chosen);
  if (chosen === undefined && SECRET_FROM_SENDER.has(kind)) {
    throw new DomainError('invalid_input', SECRET_NEEDED(kind), 'secret');
  }
  if (problem !== null) throw new DomainError('invalid_input', problem, 'secret');
  const settingsCheck = parseSourceSettings(kind, parsed.data.settings);
  if (!settingsCheck.ok) {
    throw new DomainError('invalid_input', settingsCheck.message, settingsCheck.field);
  }
  const settings = settingsCheck.settings as Record<string, unknown>;
  const secret = chosen ?? generateSecretFor(kind);
  const id = generateSourceId();
  const at = deps.now();
  deps.db.transaction((tx) => {
    tx.insert(sources)
      .values({ id, kind, name, settingsJson: JSON.stringify(settings), createdAt: at })
      .run();
    tx.insert(sourceSecrets).values({ sourceId: id, secret, createdAt: at }).run();
    appendAudit(tx, {
      at,
      actor,
      action: 'source.add',
      targetType: 'source',
      targetId: id,
      details: {
        kind,
        name,
        ...(Object.keys(settings).length === 0 ? {} : { settings }),
        secretChosen: chosen !== undefined,
      },
    });
  });
  return { id, kind, name, secret, settings };
}
