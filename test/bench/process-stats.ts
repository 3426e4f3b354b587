import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Peak resident memory of a process so far (VmHWM), in MiB. */
export function peakMemoryMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

/** Current resident memory of a process (VmRSS), in MiB. */
export function residentMemoryMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** The ingest writer's cumulative counts, when the server has a writer that reports them. */
export type WriterStats = { commits: number; jobs: number };

export type ProcessStats = {
  cpu: NodeJS.CpuUsage;
  memory: NodeJS.MemoryUsage;
  /** Connections the process accepted so far. */
  accepted: number;
  writer: WriterStats | null;
};

/** In a bench server started with an IPC channel: answers every message with its stats. */
export function answerStatsRequests(
  counts: () => Promise<Pick<ProcessStats, 'accepted' | 'writer'>>,
): void {
  process.on('message', () => {
    void counts().then((c) =>
      process.send?.({ cpu: process.cpuUsage(), memory: process.memoryUsage(), ...c }),
    );
  });
}

/** Asks a bench server started with an IPC channel for its stats (one question at a time). */
export function askStats(child: ChildProcess): Promise<ProcessStats> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no stats from the server in 10 s')), 10_000);
    child.once('message', (stats) => {
      clearTimeout(timer);
      resolve(stats as ProcessStats);
    });
    child.send('stats');
  });
}
