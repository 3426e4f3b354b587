import { z } from 'zod';
import { ROLES } from '../db/schema.ts';
import { DomainError } from '../errors.ts';

export { ROLES };
export type Role = (typeof ROLES)[number];

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/** ASCII only, so "unique regardless of case" means the same in SQLite's lower() and in people's eyes. */
export const Username = z
  .string()
  .trim()
  .min(1, 'username must not be empty')
  .max(64, 'username must be at most 64 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]*$/,
    'username may hold letters A-Z, digits and . _ @ - and must start with a letter or digit',
  );

export const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `password must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const Role = z.enum(ROLES, `role must be one of: ${ROLES.join(', ')}`);

export const NewAccount = z.object({ username: Username, role: Role, password: Password });
export type NewAccount = z.input<typeof NewAccount>;

/** What sign-in, sessions and lists show of an account: never its password hash. */
export type AccountView = { id: number; username: string; role: Role };

/** The key a username is unique and throttled under. */
export function accountKey(username: string): string {
  return username.trim().toLowerCase();
}

/** Parses with a zod schema; throws DomainError `invalid_input` naming the first bad field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new DomainError('invalid_input', issue?.message ?? 'invalid input', issue?.path.join('.'));
}

/** How a dashboard account is named as the actor of audit entries. */
export function accountActor(account: Pick<AccountView, 'username'>): string {
  return `account:${account.username}`;
}
