import type { IncomingEvent, IncomingMessage } from './incoming-event.ts';

/** The earliest time a sender may give a chat event: nothing was sent through modhook before. */
export const EARLIEST_EVENT_TIME = Date.UTC(2000, 0, 1);

/** How far past its arrival a sender's time may lie (clock skew, time zones got wrong). */
export const EVENT_TIME_AHEAD_MS = 24 * 60 * 60 * 1000;

/** Whether a sender's time is one to keep: a real instant from 2000 to a day after arrival. */
export function usableEventTime(at: number, receivedAt: number): boolean {
  return at >= EARLIEST_EVENT_TIME && at <= receivedAt + EVENT_TIME_AHEAD_MS;
}

/**
 * The event with every time the sender gave (sent, edited, deleted, and a report's message's)
 * checked: one that names no real instant (NaN from a parser: 30 February, 24:00) or lies
 * outside the window from 2000 to a day after arrival (Unix nanoseconds read as milliseconds,
 * year 0000 or 9999) is replaced by the receive time, with a note saying so for the delivery
 * row. Such times would otherwise pin a message to the top or bottom of every feed, or break
 * the pages that show it. Pure; one place for every sender kind.
 */
export function saneEventTimes(
  event: IncomingEvent,
  receivedAt: number,
): { event: IncomingEvent; note: string | null } {
  const notes: string[] = [];
  const check = (at: number, what: string): number => {
    if (usableEventTime(at, receivedAt)) return at;
    notes.push(
      Number.isNaN(at)
        ? `${what} is not a real date-time; used the receive time`
        : `${what} ${describe(at)} out of range; used the receive time`,
    );
    return receivedAt;
  };
  const message = <T extends Omit<IncomingMessage, 'kind'>>(m: T, what: string): T => ({
    ...m,
    sentAt: check(m.sentAt, what),
  });
  const sane = ((): IncomingEvent => {
    switch (event.kind) {
      case 'message':
        return message(event, 'sent time');
      case 'edit':
        return { ...message(event, 'sent time'), editedAt: check(event.editedAt, 'edit time') };
      case 'deletion':
        return {
          ...message(event, 'sent time'),
          deletedAt: check(event.deletedAt, 'deletion time'),
        };
      case 'report':
        return { ...event, message: message(event.message, 'sent time of the reported message') };
      case 'reaction':
      case 'profile':
      case 'ignored':
        return event;
    }
  })();
  return notes.length === 0 ? { event, note: null } : { event: sane, note: notes.join('; ') };
}

/** A time as a person reads it, also one beyond what a Date can hold. */
function describe(at: number): string {
  return Math.abs(at) <= 8.64e15 ? new Date(at).toISOString() : `${at} ms after 1970`;
}
