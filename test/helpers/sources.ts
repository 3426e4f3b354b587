import { addSource } from '../../src/sources/add-source.ts';
import { eventyayFixtures } from './eventyay.ts';
import type { Harness } from './harness.ts';

/** An active Eventyay source whose secret is the fixtures' secret. */
export function addFixtureSource(h: Harness, secret = eventyayFixtures.secret) {
  return addSource(h.deps, { kind: 'eventyay', name: 'Main hall', secret }, 'test');
}
