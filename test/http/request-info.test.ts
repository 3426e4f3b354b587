import { describe, expect, it } from 'vitest';
import { loggablePath } from '../../src/http/request-info.ts';

describe('loggablePath', () => {
  it.each([
    ['/reset/abcDEF123', '/reset/…'],
    ['/display/tok_123/overlay', '/display/…/overlay'],
    ['/display/tok_123/feed.rss', '/display/…/feed.rss'],
    ['/display/public/7/overlay', '/display/public/7/overlay'],
    ['/messages/12', '/messages/12'],
    ['/sources/abc/rotate', '/sources/abc/rotate'],
  ])('logs %s as %s', (path, logged) => {
    expect(loggablePath(path)).toBe(logged);
  });
});
