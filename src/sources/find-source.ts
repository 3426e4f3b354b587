import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sources } from '../db/schema.ts';
import { DomainError } from '../errors.ts';

/** The source with this id; throws DomainError `not_found` when there is none. */
export function findSource(db: Pick<Db, 'select'>, sourceId: string) {
  const source = db.select().from(sources).where(eq(sources.id, sourceId)).get();
  if (source === undefined) throw new DomainError('not_found', `no source with id ${sourceId}`);
  return source;
}

/** The secret a sender should sign with now: the newest one not expired at `at`, if any. */
export function newestActiveSecret(db: Db, sourceId: string, at: number): string | undefined {
  const row = db.$client
    .prepare(
      `SELECT secret FROM source_secrets WHERE source_id = ?
       AND (expires_at IS NULL OR expires_at > ?) ORDER BY id DESC LIMIT 1`,
    )
    .get(sourceId, at) as { secret: string } | undefined;
  return row?.secret;
}
