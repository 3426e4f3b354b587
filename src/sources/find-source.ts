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
