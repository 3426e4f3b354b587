import { ThrottledError } from '../errors.ts';

/** What a refused export is told to wait: a typical export is over within seconds. */
export const EXPORT_RETRY_AFTER_SECONDS = 10;

export type ExportLimits = { exportsPerAccount: number; exportsTotal: number };

/**
 * Counts the exports running at once, per account and in all, so that a few stalled downloads
 * cannot take the server's memory and threads. A slot is taken before anything is opened: a
 * refused export costs nothing.
 */
export class ExportSlots {
  private total = 0;
  private readonly perAccount = new Map<number, number>();

  constructor(private readonly limits: ExportLimits) {}

  /**
   * Takes a slot for `accountId`, or throws ThrottledError (429) naming the cap that is full.
   * Returns the release, which frees the slot once however often it is called.
   */
  take(accountId: number): () => void {
    const mine = this.perAccount.get(accountId) ?? 0;
    if (mine >= this.limits.exportsPerAccount) {
      throw new ThrottledError(
        `You are already running ${mine} exports at once, the most one account may run; ` +
          'wait until one has finished downloading, then try again.',
        EXPORT_RETRY_AFTER_SECONDS,
      );
    }
    if (this.total >= this.limits.exportsTotal) {
      throw new ThrottledError(
        `The server is already running ${this.total} exports at once, the most it runs; ` +
          `try again in ${EXPORT_RETRY_AFTER_SECONDS} seconds.`,
        EXPORT_RETRY_AFTER_SECONDS,
      );
    }
    this.perAccount.set(accountId, mine + 1);
    this.total++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const left = (this.perAccount.get(accountId) ?? 1) - 1;
      if (left === 0) this.perAccount.delete(accountId);
      else this.perAccount.set(accountId, left);
    };
  }

  /** Exports running now (all accounts). */
  running(): number {
    return this.total;
  }
}

const slotsOfApp = new WeakMap<object, ExportSlots>();

/** The slots of one app, keyed by its dependencies, with the caps of its configuration. */
export function exportSlotsOf(deps: { config: ExportLimits }): ExportSlots {
  let slots = slotsOfApp.get(deps);
  if (slots === undefined) {
    slots = new ExportSlots(deps.config);
    slotsOfApp.set(deps, slots);
  }
  return slots;
}
