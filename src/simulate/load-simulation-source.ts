import { sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { DomainError } from '../errors.ts';
import { newestActiveSecret } from '../sources/find-source.ts';

export type SimulationSource = {
  id: string;
  name: string;
  /** The newest active secret: the one an admin just pasted into the sender. */
  secret: string;
  /** The first message id free in this source: after every stored Eventyay message_id. */
  firstMessageId: number;
};

/** Where simulated message ids start in a source that has none yet. */
const FIRST_MESSAGE_ID = 1001;

/**
 * Reads what `modhook simulate` needs to sign deliveries for a source, without writing.
 * Throws DomainError `not_found` for an unknown source, `invalid_input` for a source that is
 * not an active Eventyay source or that has no active secret.
 */
export function loadSimulationSource(
  deps: Pick<Deps, 'db' | 'now'>,
  sourceId: string,
): SimulationSource {
  const { db } = deps;
  const source = db.get<{ id: string; kind: string; name: string; status: string } | undefined>(
    sql`SELECT id, kind, name, status FROM sources WHERE id = ${sourceId}`,
  );
  if (source === undefined) {
    throw new DomainError('not_found', `no source with id ${sourceId} (see: modhook source list)`);
  }
  if (source.kind !== 'eventyay') {
    throw new DomainError(
      'invalid_input',
      `simulate supports eventyay sources; ${sourceId} is a ${source.kind} source`,
    );
  }
  if (source.status !== 'active') {
    throw new DomainError(
      'invalid_input',
      `source ${sourceId} is disabled: enable it first with: modhook source enable ${sourceId}`,
    );
  }
  const secret = newestActiveSecret(db, sourceId, deps.now());
  if (secret === undefined) {
    throw new DomainError(
      'invalid_input',
      `source ${sourceId} has no active secret: give it one with: modhook source rotate ${sourceId}`,
    );
  }
  // Eventyay's message ids are integers; a simulated run continues after the highest stored.
  const last = db.get<{ last: number | null }>(sql`
    SELECT max(CAST(external_id AS INTEGER)) AS last FROM messages WHERE source_id = ${sourceId}`);
  const firstMessageId = Math.max(FIRST_MESSAGE_ID, (last?.last ?? 0) + 1);
  return { id: source.id, name: source.name, secret, firstMessageId };
}
