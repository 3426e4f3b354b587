import { describe, expect, it } from 'vitest';
import { listDeliveries } from '../../src/sources/list-deliveries.ts';
import { listSources } from '../../src/sources/list-sources.ts';
import { createHarness, TEST_NOW, type Harness } from '../helpers/harness.ts';
import { addFixtureSource } from '../helpers/sources.ts';

const OUTCOMES = ['accepted', 'rejected', 'duplicate', 'ignored', 'accepted', 'rejected'];

/** Inserts delivery rows directly: outcome and kind cycle, received_at = TEST_NOW + index. */
function seed(h: Harness, sourceId: string, n: number, kinds = ['event']) {
  const insert = h.db.$client.prepare(
    `INSERT INTO deliveries (source_id, kind, received_at, outcome, status, latency_ms)
     VALUES (?, ?, ?, ?, 200, 1)`,
  );
  for (let i = 0; i < n; i++) {
    insert.run(sourceId, kinds[i % kinds.length], TEST_NOW + i, OUTCOMES[i % OUTCOMES.length]);
  }
}

describe('listDeliveries', () => {
  it('pages through every outcome newest first, without gaps or repeats', () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const other = addFixtureSource(h).id;
    seed(h, id, 23);
    seed(h, other, 5);
    const seen: number[] = [];
    for (let page = 1; ; page++) {
      const result = listDeliveries(h.db, id, {}, page, 5);
      seen.push(...result.rows.map((r) => r.receivedAt - TEST_NOW));
      if (!result.hasMore) break;
    }
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => 22 - i));
  });

  it('keeps to one outcome when filtered', () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    seed(h, id, 12);
    const { rows, hasMore } = listDeliveries(h.db, id, { outcome: 'rejected' }, 1, 3);
    expect(rows.map((r) => [r.outcome, r.receivedAt - TEST_NOW])).toEqual([
      ['rejected', 11],
      ['rejected', 7],
      ['rejected', 5],
    ]);
    expect(hasMore).toBe(true);
    expect(listDeliveries(h.db, id, { outcome: 'rejected' }, 2, 3)).toMatchObject({
      hasMore: false,
      rows: [{ receivedAt: TEST_NOW + 1 }],
    });
  });
});

describe("listSources' last delivery", () => {
  it('is the newest of any kind, and only the source asked for is listed', () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    const other = addFixtureSource(h).id;
    seed(h, id, 7, ['event', 'challenge', 'before_send']);
    seed(h, other, 3);
    expect(listSources(h.deps, id)).toEqual([
      expect.objectContaining({ id, lastDeliveryAt: TEST_NOW + 6 }),
    ]);
    expect(listSources(h.deps, other)[0]!.lastDeliveryAt).toBe(TEST_NOW + 2);
    expect(listSources(h.deps, 'nope')).toEqual([]);
  });
});

describe("listSources' counts", () => {
  it('count stored deliveries, duplicates and URL checks apart', () => {
    const h = createHarness();
    const { id } = addFixtureSource(h);
    // 0 event accepted, 1 challenge rejected, 2 before_send duplicate, 3 event ignored,
    // 4 challenge accepted, 5 before_send rejected, 6 event accepted, 7 challenge rejected.
    seed(h, id, 8, ['event', 'challenge', 'before_send']);
    expect(listSources(h.deps, id)[0]).toMatchObject({
      acceptedDeliveries: 2,
      duplicateDeliveries: 1,
      urlChecks: 1,
    });
  });
});
