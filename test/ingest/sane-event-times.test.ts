import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../src/ingest/incoming-event.ts';
import { saneEventTimes } from '../../src/ingest/sane-event-times.ts';
import { readDateTime } from '../../src/ingest/senders/read-date-time.ts';

const NOW = Date.UTC(2026, 4, 1, 12, 40, 0);
const DAY = 24 * 60 * 60 * 1000;

const message = (sentAt: number): IncomingMessage => ({
  kind: 'message',
  channelExternalId: 'c',
  externalId: 'm',
  senderExternalId: null,
  author: { screenName: '', centralauthId: null, centralauthUsername: null, language: null },
  text: 'hi',
  sentAt,
});

describe('saneEventTimes', () => {
  it.each([
    ['a time a minute before arrival', NOW - 60_000, NOW - 60_000, null],
    ['2000-01-01T00:00:00Z exactly', Date.UTC(2000, 0, 1), Date.UTC(2000, 0, 1), null],
    ['a day after arrival exactly', NOW + DAY, NOW + DAY, null],
    [
      'a millisecond before 2000',
      Date.UTC(2000, 0, 1) - 1,
      NOW,
      'sent time 1999-12-31T23:59:59.999Z out of range; used the receive time',
    ],
    [
      'a day and a millisecond after arrival',
      NOW + DAY + 1,
      NOW,
      'sent time 2026-05-02T12:40:00.001Z out of range; used the receive time',
    ],
    [
      'year 0000',
      Date.parse('0000-01-01T00:00:00Z'),
      NOW,
      'sent time 0000-01-01T00:00:00.000Z out of range; used the receive time',
    ],
    [
      'year 9999',
      Date.parse('9999-12-31T00:00:00Z'),
      NOW,
      'sent time 9999-12-31T00:00:00.000Z out of range; used the receive time',
    ],
    [
      '+275760-09-13T00:00:00Z',
      8.64e15,
      NOW,
      'sent time +275760-09-13T00:00:00.000Z out of range; used the receive time',
    ],
    [
      'Unix nanoseconds read as milliseconds',
      1_777_600_000_000_000_000,
      NOW,
      'sent time 1777600000000000000 ms after 1970 out of range; used the receive time',
    ],
    ['no real date (NaN)', NaN, NOW, 'sent time is not a real date-time; used the receive time'],
  ])('%s', (_, sentAt, kept, note) => {
    const result = saneEventTimes(message(sentAt), NOW);
    expect(result.note).toBe(note);
    expect((result.event as IncomingMessage).sentAt).toBe(kept);
  });

  it('checks the edit, deletion and reported message times too, each named', () => {
    const edit = saneEventTimes({ ...message(NOW), kind: 'edit', editedAt: NaN }, NOW);
    expect(edit).toEqual({
      event: { ...message(NOW), kind: 'edit', editedAt: NOW },
      note: 'edit time is not a real date-time; used the receive time',
    });
    const deletion = saneEventTimes(
      { ...message(8.64e15), kind: 'deletion', deletedAt: 8.64e15 },
      NOW,
    );
    expect(deletion.event).toMatchObject({ sentAt: NOW, deletedAt: NOW });
    expect(deletion.note).toMatch(/^sent time .* out of range; .*; deletion time .* out of range/);
    const report = saneEventTimes(
      {
        kind: 'report',
        message: message(NaN),
        reporterExternalId: null,
        reporter: null,
        reason: 'r',
        comment: '',
      },
      NOW,
    );
    expect(report.event).toMatchObject({ message: { sentAt: NOW } });
    expect(report.note).toBe(
      'sent time of the reported message is not a real date-time; used the receive time',
    );
  });

  it('returns an event with usable times as it is', () => {
    const event = message(NOW);
    expect(saneEventTimes(event, NOW).event).toBe(event);
    const reaction = {
      kind: 'reaction' as const,
      channelExternalId: 'c',
      targetExternalId: 'm',
      emoji: 'x',
      action: 'add' as const,
      reactorExternalId: null,
      reactor: message(NOW).author,
      snapshot: null,
    };
    expect(saneEventTimes(reaction, NOW)).toEqual({ event: reaction, note: null });
  });
});

describe('readDateTime', () => {
  it.each([
    ['2026-05-01T12:38:00.000001+00:00', Date.UTC(2026, 4, 1, 12, 38, 0)],
    ['2026-05-01T12:38:00', Date.UTC(2026, 4, 1, 12, 38, 0)], // no offset: UTC
    ['2026-05-01T13:38:00+0100', Date.UTC(2026, 4, 1, 12, 38, 0)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['0000-01-01T00:00:00Z', Date.parse('0000-01-01T00:00:00Z')],
    ['9999-12-31T23:59:59Z', Date.parse('9999-12-31T23:59:59Z')],
    ['+275760-09-13T00:00:00Z', 8.64e15],
    ['Fri, 01 May 2026 12:00:00 UTC', Date.UTC(2026, 4, 1, 12)],
    // A day or hour that does not exist: never rolled over into another day.
    ['2026-02-30T10:00:00Z', NaN],
    ['2025-02-29T10:00:00Z', NaN],
    ['2026-05-01T24:00:00Z', NaN],
    ['2026-05-01T24:00', NaN],
    ['2026-05-01T12:60:00Z', NaN],
    ['2026-13-01T00:00:00Z', NaN],
    ['Mon, 30 Feb 2026 12:00:00 UTC', NaN],
    ['Fri, 01 May 2026 24:00:00 UTC', NaN],
    ['2026-02-30 10:00:00', NaN],
    ['hello', 'not_a_date'],
    ['', 'not_a_date'],
  ])('%s', (text, expected) => {
    expect(readDateTime(text)).toEqual(expected);
  });
});
