import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

export type DisplayRow = { id: number; name: string; token: string; isPublic: boolean };

export type DisplaySummary = DisplayRow & {
  createdAt: number;
  tokenRotatedAt: number | null;
  channels: { id: number; name: string; sourceName: string }[];
};

type Row = Omit<DisplayRow, 'isPublic'> & { isPublic: number };
type FullRow = Row & { createdAt: number; tokenRotatedAt: number | null };

function toDisplay(r: Row): DisplayRow {
  return { id: r.id, name: r.name, token: r.token, isPublic: r.isPublic === 1 };
}

/** Display tokens are 43 base64url characters (src/auth/auth-token.ts generateToken). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Every display with its channels (for the admin screen: tokens included). */
export function listDisplays(db: Pick<Db, 'all'>): DisplaySummary[] {
  const rows = db.all<FullRow>(sql`
    SELECT id, name, token, is_public AS isPublic, created_at AS createdAt,
      token_rotated_at AS tokenRotatedAt
    FROM displays ORDER BY name, id`);
  const links = db.all<{ displayId: number; id: number; name: string; sourceName: string }>(sql`
    SELECT dc.display_id AS displayId, c.id, coalesce(c.label, c.external_id) AS name,
      s.name AS sourceName
    FROM display_channels dc JOIN channels c ON c.id = dc.channel_id
    JOIN sources s ON s.id = c.source_id
    ORDER BY s.name, name, c.id`);
  return rows.map((r) => ({
    ...toDisplay(r),
    createdAt: r.createdAt,
    tokenRotatedAt: r.tokenRotatedAt,
    channels: links
      .filter((l) => l.displayId === r.id)
      .map(({ id, name, sourceName }) => ({ id, name, sourceName })),
  }));
}

/**
 * The display a feed URL's token opens, looked up by the unique index (an exact match on 256
 * random bits leaks nothing worth timing); undefined when the token is malformed or unknown.
 */
export function findDisplayByToken(db: Pick<Db, 'all'>, token: string): DisplayRow | undefined {
  if (!TOKEN.test(token)) return undefined;
  const row = db.all<Row>(
    sql`SELECT id, name, token, is_public AS isPublic FROM displays WHERE token = ${token}`,
  )[0];
  return row === undefined ? undefined : toDisplay(row);
}

/** A public display by its id; undefined when unknown or protected by its token. */
export function findPublicDisplay(db: Pick<Db, 'all'>, id: number): DisplayRow | undefined {
  const row = db.all<Row>(
    sql`SELECT id, name, token, is_public AS isPublic FROM displays WHERE id = ${id} AND is_public = 1`,
  )[0];
  return row === undefined ? undefined : toDisplay(row);
}
