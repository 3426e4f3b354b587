import { and, count, eq, ne } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { accounts } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import type { Role } from './account-fields.ts';

/** An account as the admin guards see it. */
export type GuardedAccount = { id: number; username: string; role: Role; disabled: boolean };

/**
 * Throws `conflict` when disabling or demoting `target` would leave no enabled admin (nobody
 * could manage accounts and sources from the dashboard any more), or when `selfId`, the
 * signed-in admin making the change, is the target: an admin does not lock themselves out.
 * Call it inside the transaction that makes the change, so a concurrent change is counted.
 */
export function keepAnAdmin(
  tx: Pick<Db, 'select'>,
  target: GuardedAccount,
  change: 'disable' | 'demote',
  selfId: number | undefined,
): void {
  if (target.role === 'admin' && !target.disabled) {
    const others = tx
      .select({ n: count() })
      .from(accounts)
      .where(
        and(eq(accounts.role, 'admin'), eq(accounts.disabled, false), ne(accounts.id, target.id)),
      )
      .get();
    if ((others?.n ?? 0) === 0) {
      throw new DomainError(
        'conflict',
        `${target.username} is the last enabled admin and cannot be ${change === 'disable' ? 'disabled' : 'demoted'}: make another account an admin first.`,
      );
    }
  }
  if (selfId === target.id) {
    throw new DomainError(
      'conflict',
      `You cannot ${change} your own account; another admin can do it.`,
    );
  }
}
