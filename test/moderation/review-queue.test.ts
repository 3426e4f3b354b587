import { describe, expect, it } from 'vitest';
import { languageDetectionSettled } from '../../src/language/detect-language.ts';
import { decideMessage } from '../../src/moderation/decide-message.ts';
import { listReviewQueue, type QueueFilters } from '../../src/moderation/review-queue.ts';
import { premodHarness } from '../premod/premod-harness.ts';

// The queue's side of pre-moderation, with messages arriving through the real ingest path in a
// pre-moderated channel (pending flags and languages set there).

const ids = (h: ReturnType<typeof premodHarness>, filters: QueueFilters = {}) =>
  listReviewQueue(h.db, filters).items.map((i) => i.messageId);

describe('listReviewQueue with pending items', () => {
  it('puts flagged pending items before pending-only ones and counts pending apart', async () => {
    const h = premodHarness({ mode: 'pre' });
    const plain = await h.post('When does the next talk start?');
    h.advance(1000);
    const flagged = await h.post('mail me at a@example.org');
    const queue = listReviewQueue(h.db, {});
    expect(queue.items.map((i) => i.messageId)).toEqual([flagged, plain]);
    expect(queue.items.map((i) => [i.pending, i.pendingOnly, i.severity])).toEqual([
      [true, false, 'medium'],
      [true, true, 'low'],
    ]);
    expect(queue).toMatchObject({
      total: 2,
      bySeverity: { high: 0, medium: 1, low: 0 },
      pending: 2,
      pendingFlagged: 1,
    });
  });

  it('drops an item once decided, pending flag included', async () => {
    const h = premodHarness({ mode: 'pre' });
    const id = await h.post('Can you repeat the question?');
    expect(ids(h)).toEqual([id]);
    decideMessage(h.deps, { messageId: id, verdict: 'approve', basisDecisionId: null }, 'b');
    expect(ids(h)).toEqual([]);
    expect(listReviewQueue(h.db, {}).pending).toBe(0);
  });

  it('ranks an item by its most severe flag however many flags it has, pending or not', async () => {
    const h = premodHarness({ mode: 'pre' });
    const flag = (id: number, severity: string, times: number) => {
      for (let i = 0; i < times; i++)
        h.db.$client
          .prepare(
            `INSERT INTO flags (message_id, origin, severity, status, reason, actor, created_at)
             VALUES (?, 'report', ?, 'open', 'reported', 'test', ?)`,
          )
          .run(id, severity, h.deps.now());
    };
    const manyLow = await h.post('first');
    const highAndLow = await h.post('second');
    const waiting = await h.post('third');
    flag(manyLow, 'low', 120);
    flag(highAndLow, 'low', 3);
    flag(highAndLow, 'medium', 2);
    flag(highAndLow, 'high', 1);
    const queue = listReviewQueue(h.db, {});
    expect(queue.items.map((i) => [i.messageId, i.severity, i.pending, i.pendingOnly])).toEqual([
      [highAndLow, 'high', true, false],
      [manyLow, 'low', true, false],
      [waiting, 'low', true, true],
    ]);
    expect(queue.bySeverity).toEqual({ high: 1, medium: 0, low: 1 });
    expect(queue.items[1]!.flags).toHaveLength(121);
  });

  it.each([
    ['pending', ['flagged', 'plain']],
    ['rule', ['flagged']],
    ['report', []],
  ] as const)('filters by origin %s, keeping each item whole', async (origin, expected) => {
    const h = premodHarness({ mode: 'pre' });
    const plain = await h.post('Is there a recording?');
    const flagged = await h.post('write to b@example.org');
    const byName = { plain, flagged };
    const queue = listReviewQueue(h.db, { origin });
    expect(queue.items.map((i) => i.messageId)).toEqual(expected.map((n) => byName[n]));
    // The rule-flagged one is still shown as pending, and medium: the filter hides no flag.
    for (const item of queue.items) expect(item.pending).toBe(true);
  });
});

describe('listReviewQueue by language and share', () => {
  async function mixed() {
    const h = premodHarness({ mode: 'pre' });
    const german = [
      await h.post('Wann beginnt der nächste Vortrag heute Nachmittag?', { language: 'de' }),
      await h.post('Vielen Dank für den großartigen Vortrag über Datenbanken!', {
        language: 'de',
      }),
      await h.post('Können Sie die Folien bitte noch einmal zeigen?', { language: 'de' }),
    ];
    const english = [
      await h.post('Thank you so much for this wonderful talk about databases!', {
        language: 'en',
      }),
    ];
    await languageDetectionSettled(h.db);
    return { h, german, english };
  }

  it('gives messages of unknown language to every language share, and to the und filter', async () => {
    const { h, german, english } = await mixed();
    const unknown = await h.post('???', { language: 'de' });
    await languageDetectionSettled(h.db);
    expect(h.message(unknown).language).toBeNull();
    expect(ids(h, { share: { language: 'de' } }).sort()).toEqual([...german, unknown].sort());
    expect(ids(h, { share: { language: 'en' } }).sort()).toEqual([...english, unknown].sort());
    expect(ids(h, { language: 'und' })).toEqual([unknown]);
    expect(ids(h, { language: 'de' }).sort()).toEqual([...german].sort());
  });

  it('counts the languages present and filters by one', async () => {
    const { h, german, english } = await mixed();
    const languageOf = (id: number) => h.message(id).language;
    expect(german.map(languageOf)).toEqual(['de', 'de', 'de']);
    expect(english.map(languageOf)).toEqual(['en']);
    const queue = listReviewQueue(h.db, { language: 'de' });
    expect(queue.languages).toEqual([
      { language: 'de', count: 3 },
      { language: 'en', count: 1 },
    ]);
    expect(queue.items.map((i) => i.messageId).sort()).toEqual([...german].sort());
    expect(queue.total).toBe(3);
    expect(ids(h, { language: 'fr' })).toEqual([]);
  });

  it('partitions the queue into bands, whatever their number', async () => {
    const { h, german, english } = await mixed();
    const all = [...german, ...english].sort();
    for (const of of [2, 3, 4]) {
      const parts = Array.from({ length: of }, (_, i) =>
        ids(h, { share: { band: { index: i + 1, of } } }),
      );
      expect(parts.flat().sort()).toEqual(all);
      expect(new Set(parts.flat()).size).toBe(all.length);
    }
  });

  it('applies a language share together with the language filter', async () => {
    const { h, german } = await mixed();
    expect(ids(h, { share: { language: 'de' } }).sort()).toEqual([...german].sort());
    expect(ids(h, { share: { language: 'de' }, language: 'en' })).toEqual([]);
  });
});

describe('the language cache of the queue', () => {
  const relabel = (h: ReturnType<typeof premodHarness>, id: number, language: string) =>
    h.db.$client.prepare('UPDATE messages SET language = ? WHERE id = ?').run(language, id);

  it('reads a recent message again, as its detected language may still arrive', async () => {
    const h = premodHarness({ mode: 'pre' });
    h.advance(Date.now() - h.deps.now()); // received now, by the wall clock
    const id = await h.post('Where can I find the slides of this morning?');
    await languageDetectionSettled(h.db);
    expect(listReviewQueue(h.db, {}).languages).toEqual([{ language: 'en', count: 1 }]);
    relabel(h, id, 'de');
    expect(listReviewQueue(h.db, {}).languages).toEqual([{ language: 'de', count: 1 }]);
  });

  it('keeps the language of a message received long ago', async () => {
    const h = premodHarness({ mode: 'pre' });
    const id = await h.post('Where can I find the slides of this morning?');
    await languageDetectionSettled(h.db);
    expect(ids(h, { language: 'en' })).toEqual([id]);
    relabel(h, id, 'de');
    expect(ids(h, { language: 'en' })).toEqual([id]);
  });
});
