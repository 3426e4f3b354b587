/**
 * Fair turns at the database's write lock between the ingest writer thread and the dashboard's
 * writes on the HTTP thread. Under steady ingest the writer begins its next batch microseconds
 * after a commit, so a dashboard write that only polled SQLite's busy handler could lose every
 * time. A dashboard write that found the lock taken counts itself here; before its next batch
 * the writer gives way (for a bounded time) until the count drops.
 */
export type LockTurn = Int32Array;

/** Shared memory, so the writer thread sees the HTTP thread's count at once. */
export function createLockTurn(): LockTurn {
  return new Int32Array(new SharedArrayBuffer(4));
}

/** Writer side: while a dashboard write waits, wait (at most `maxMs`) for it to finish. */
export function giveWay(turn: LockTurn, maxMs: number): void {
  const waiting = Atomics.load(turn, 0);
  if (waiting > 0) Atomics.wait(turn, 0, waiting, maxMs);
}

/** Under the writer's give-way time (50 ms in writer-main.ts), so a retry lands while it waits. */
const MAX_PAUSE_MS = 40;

/**
 * Dashboard side: runs `attempt` again, after growing pauses, while `locked` says it found the
 * write lock taken, until `deadlineMs` has passed; returns the last result. Each attempt must be
 * atomic (one transaction), so a locked one wrote nothing and may run again.
 */
export async function retryWhileLocked<R>(
  attempt: () => Promise<R>,
  locked: (result: R) => boolean,
  options: { turn?: LockTurn; deadlineMs: number },
): Promise<R> {
  const until = performance.now() + options.deadlineMs;
  let result = await attempt();
  if (!locked(result)) return result;
  const turn = options.turn;
  if (turn !== undefined) Atomics.add(turn, 0, 1);
  try {
    for (let pause = 5; locked(result) && performance.now() + pause < until;) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      result = await attempt();
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
    return result;
  } finally {
    if (turn !== undefined) {
      Atomics.sub(turn, 0, 1);
      Atomics.notify(turn, 0);
    }
  }
}
