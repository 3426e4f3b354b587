import { describe, expect, it } from 'vitest';
import { channelDisplayName, channelNameHidesId } from '../../src/channels/channel-name.ts';

const UUID = '1cb5a93b-3075-4c1e-9d2a-5b7f0e6c8a11';

describe('channelDisplayName', () => {
  it.each([
    [{ label: 'Main hall', externalId: UUID }, 'Main hall', true],
    [{ label: '  Main hall ', externalId: UUID }, 'Main hall', true],
    [{ label: null, externalId: UUID }, 'Channel 1cb5a93b', true],
    [{ label: '', externalId: UUID }, 'Channel 1cb5a93b', true],
    [{ label: '   ', externalId: 'lobby' }, 'lobby', false],
    [{ label: null, externalId: 'lobby' }, 'lobby', false],
    [{ label: null, externalId: '@dave' }, '@dave', false],
    [{ label: null, externalId: 'general' }, 'general', false],
    [{ label: null, externalId: '5f2b9c0d1e3a4b6c8d7e' }, 'Channel 5f2b9c0d', true],
  ])('names %j %j', (channel, name, hides) => {
    expect(channelDisplayName(channel)).toBe(name);
    expect(channelNameHidesId(channel)).toBe(hides);
  });
});
