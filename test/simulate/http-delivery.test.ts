import { describe, expect, it } from 'vitest';
import { readAnswer } from '../../src/simulate/http-delivery.ts';

describe('readAnswer', () => {
  it.each([
    ['stored', 200, '{"ok":true}', { outcome: 'accepted' }],
    ['a duplicate', 200, '{"ok":true,"duplicate":true}', { outcome: 'duplicate' }],
    [
      'a bad signature',
      401,
      '{"error":{"code":"signature_mismatch","message":"…"}}',
      { outcome: 'rejected', status: 401, reason: 'signature_mismatch' },
    ],
    [
      'a schema error',
      422,
      '{"error":{"code":"invalid_payload","message":"…","field":"meta"}}',
      { outcome: 'rejected', status: 422, reason: 'invalid_payload' },
    ],
    [
      'stored but ignored',
      202,
      '{"ok":true,"ignored":true,"reason":"unsupported message_type"}',
      { outcome: 'rejected', status: 202, reason: 'ignored' },
    ],
    [
      'a proxy error page',
      502,
      '<html>Bad Gateway</html>',
      { outcome: 'rejected', status: 502, reason: 'http_502' },
    ],
    ['a 200 that is not JSON', 200, 'OK', { outcome: 'accepted' }],
  ])('reads %s (%i %s)', (_, status, body, expected) => {
    expect(readAnswer({ status, body })).toEqual(expected);
  });
});
