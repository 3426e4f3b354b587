import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/auth-token.ts';
import { createSession } from '../../src/auth/create-session.ts';
import { endSession } from '../../src/auth/end-session.ts';
import { findSession } from '../../src/auth/find-session.ts';
import {
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
  SESSION_TOUCH_MS,
} from '../../src/auth/session-policy.ts';
import { setAccountDisabled } from '../../src/auth/set-account-disabled.ts';
import { auditRows, seedAccount } from '../helpers/accounts.ts';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';

const HOUR = 3_600_000;

async function started(h: Harness, role: 'admin' | 'moderator' | 'auditor' = 'moderator') {
  const account = await seedAccount(h, { username: 'ana', role });
  return { account, ...createSession(h.db, account.id, h.deps.now()) };
}

function lastSeen(h: Harness, token: string): number | undefined {
  const row = h.db.$client
    .prepare('SELECT last_seen_at FROM sessions WHERE token_hash = ?')
    .get(hashToken(token)) as { last_seen_at: number } | undefined;
  return row?.last_seen_at;
}

describe('findSession', () => {
  it('finds the account, role and CSRF token of a live session, with when it ends', async () => {
    const h = createHarness();
    const s = await started(h, 'auditor');
    expect(findSession(h.deps, s.token)).toEqual({
      account: { id: s.account.id, username: 'ana', role: 'auditor' },
      csrfToken: s.csrfToken,
      endsAt: TEST_NOW + SESSION_IDLE_MS,
    });
  });

  it.each([
    ['an unknown token', 'x'.repeat(43)],
    ['an empty token', ''],
    ['an overlong token', 'x'.repeat(5000)],
  ])('returns null for %s', async (_, token) => {
    const h = createHarness();
    await started(h);
    expect(findSession(h.deps, token)).toBeNull();
  });

  it('does not accept the stored hash in place of the token', async () => {
    const h = createHarness();
    const s = await started(h);
    expect(findSession(h.deps, hashToken(s.token))).toBeNull();
  });

  it('ends a session idle for 12 hours and deletes it', async () => {
    const h = createHarness();
    const s = await started(h);
    expect(SESSION_IDLE_MS).toBe(12 * HOUR);
    h.advance(12 * HOUR - 1);
    expect(findSession(h.deps, s.token)).not.toBeNull();
    h.advance(12 * HOUR - 1);
    expect(findSession(h.deps, s.token)).not.toBeNull();
    h.advance(12 * HOUR);
    expect(findSession(h.deps, s.token)).toBeNull();
    expect(h.count('sessions')).toBe(0);
  });

  it('moves the idle expiry on each use, but writes last seen at most once a minute', async () => {
    const h = createHarness();
    const s = await started(h);
    h.advance(SESSION_TOUCH_MS - 1);
    findSession(h.deps, s.token);
    expect(lastSeen(h, s.token)).toBe(TEST_NOW);
    h.advance(1);
    expect(findSession(h.deps, s.token)?.endsAt).toBe(
      TEST_NOW + SESSION_TOUCH_MS + SESSION_IDLE_MS,
    );
    expect(lastSeen(h, s.token)).toBe(TEST_NOW + SESSION_TOUCH_MS);
  });

  it('ends a session 7 days after sign-in however active it is', async () => {
    const h = createHarness();
    const s = await started(h);
    expect(SESSION_ABSOLUTE_MS).toBe(7 * 24 * HOUR);
    for (let elapsed = 0; elapsed < 7 * 24 * HOUR - HOUR; elapsed += HOUR) {
      h.advance(HOUR);
      expect(findSession(h.deps, s.token)).not.toBeNull();
    }
    expect(findSession(h.deps, s.token)?.endsAt).toBe(TEST_NOW + SESSION_ABSOLUTE_MS);
    h.advance(HOUR);
    expect(findSession(h.deps, s.token)).toBeNull();
  });

  it('ends the sessions of a disabled account at once', async () => {
    const h = createHarness();
    const s = await started(h);
    const other = createSession(h.db, s.account.id, TEST_NOW);
    setAccountDisabled(h.deps, { username: 'ana', disabled: true }, 'cli');
    expect(findSession(h.deps, s.token)).toBeNull();
    expect(findSession(h.deps, other.token)).toBeNull();
    expect(h.count('sessions')).toBe(0);
  });
});

describe('createSession', () => {
  it('gives every session its own token and CSRF token', async () => {
    const h = createHarness();
    const s = await started(h);
    const t = createSession(h.db, s.account.id, TEST_NOW);
    expect(new Set([s.token, s.csrfToken, t.token, t.csrfToken]).size).toBe(4);
  });

  it('deletes ended sessions, so the table holds live ones only', async () => {
    const h = createHarness();
    const s = await started(h);
    h.advance(SESSION_IDLE_MS);
    createSession(h.db, s.account.id, h.deps.now());
    expect(h.count('sessions')).toBe(1);
    expect(h.count('sessions', `token_hash = '${hashToken(s.token)}'`)).toBe(0);
  });
});

describe('endSession', () => {
  it('deletes the session and audits the sign-out', async () => {
    const h = createHarness();
    const s = await started(h);
    h.advance(5_000);
    expect(endSession(h.deps, s.token)).toBe(true);
    expect(findSession(h.deps, s.token)).toBeNull();
    expect(auditRows(h)).toEqual([
      {
        at: TEST_NOW + 5_000,
        actor: 'account:ana',
        action: 'account.logout',
        target_type: 'account',
        target_id: String(s.account.id),
        details_json: '{}',
      },
    ]);
  });

  it('is idempotent: an unknown or ended token changes nothing', async () => {
    const h = createHarness();
    const s = await started(h);
    endSession(h.deps, s.token);
    expect(endSession(h.deps, s.token)).toBe(false);
    expect(endSession(h.deps, 'no-such-token')).toBe(false);
    expect(h.count('audit_log')).toBe(1);
  });

  it('leaves the other sessions of the account alone', async () => {
    const h = createHarness();
    const s = await started(h);
    const other = createSession(h.db, s.account.id, TEST_NOW);
    endSession(h.deps, s.token);
    expect(findSession(h.deps, other.token)).not.toBeNull();
  });
});
