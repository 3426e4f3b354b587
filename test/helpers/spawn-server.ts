import { spawn } from 'node:child_process';
import { onTestFinished } from 'vitest';
import {
  PROJECT_ROOT,
  startServerProcess,
  stopProcess,
  type ServerProcess,
} from './server-process.ts';

export { freePort } from './server-process.ts';
export type SpawnedServer = ServerProcess;

/** Starts the server process for one test; it is killed when the test finishes. */
export async function spawnServer(env: Record<string, string>): Promise<SpawnedServer> {
  const server = await startServerProcess(env);
  onTestFinished(() => stopProcess(server.child));
  return server;
}

/** Resolves with the exit code and output of a process that is expected to stop by itself. */
export function runToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
