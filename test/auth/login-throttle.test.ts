import { describe, expect, it } from 'vitest';
import {
  ADDRESS_FAILURE_LIMIT,
  addressKey,
  beginLoginAttempt,
  clearLoginFailures,
  PAIR_FAILURE_LIMIT,
} from '../../src/auth/login-throttle.ts';
import { caught } from '../helpers/accounts.ts';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';

const attempt = (h: Harness, accountKey: string, addressKey: string) =>
  caught(() => beginLoginAttempt(h.db, { accountKey, addressKey }, TEST_NOW)).catch(
    () => 'allowed' as const,
  );

describe('beginLoginAttempt', () => {
  it('limits one username per address, never the username from another address', async () => {
    const h = createHarness();
    for (let i = 0; i < PAIR_FAILURE_LIMIT; i++) {
      beginLoginAttempt(h.db, { accountKey: 'ana', addressKey: '198.51.100.1' }, TEST_NOW);
    }
    expect(await attempt(h, 'ana', '198.51.100.1')).toMatchObject({ code: 'throttled' });
    expect(await attempt(h, 'ana', '192.0.2.1')).toBe('allowed');
    expect(await attempt(h, 'bob', '198.51.100.1')).toBe('allowed');
  });

  it('limits an address across usernames', async () => {
    const h = createHarness();
    for (let i = 0; i < ADDRESS_FAILURE_LIMIT; i++) {
      beginLoginAttempt(h.db, { accountKey: `user${i}`, addressKey: '198.51.100.1' }, TEST_NOW);
    }
    expect(await attempt(h, 'ana', '198.51.100.1')).toMatchObject({ code: 'throttled' });
    expect(await attempt(h, 'ana', '192.0.2.1')).toBe('allowed');
  });

  it('clears the failures of one username at one address only', () => {
    const h = createHarness();
    for (const [accountKey, addressKey] of [
      ['ana', '198.51.100.1'],
      ['ana', '192.0.2.1'],
      ['bob', '198.51.100.1'],
    ] as const) {
      beginLoginAttempt(h.db, { accountKey, addressKey }, TEST_NOW);
    }
    clearLoginFailures(h.db, { accountKey: 'ana', addressKey: '198.51.100.1' });
    expect(h.count('login_failures')).toBe(2);
    expect(h.count('login_failures', "account_key = 'ana' AND address_key = '198.51.100.1'")).toBe(
      0,
    );
  });
});

describe('addressKey', () => {
  it.each([
    [undefined, 'unknown'],
    ['', 'unknown'],
    ['203.0.113.9', '203.0.113.9'],
    [' 203.0.113.9 ', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::198.51.100.7', '64:ff9b:0:0::/64'],
    ['not-an-address', 'not-an-address'],
  ])('keys %j as %j', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });

  it('puts two addresses of one /64 under one key and of another /64 under another', () => {
    expect(addressKey('2001:db8:1:2::a')).toBe(addressKey('2001:db8:1:2:ffff::b'));
    expect(addressKey('2001:db8:1:2::a')).not.toBe(addressKey('2001:db8:1:3::a'));
  });

  it('caps a long non-address at 100 characters', () => {
    expect(addressKey('x'.repeat(500))).toHaveLength(100);
  });
});
