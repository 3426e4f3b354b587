import { processEnvironment } from '../config.ts';

/** What a CLI command may touch of the outside world; tests pass their own. */
export type CliIo = {
  out: (text: string) => void;
  /** Standard output as a stream, for large output written with back-pressure (exports). */
  outStream?: NodeJS.WritableStream;
  /** Whether standard error is a terminal (progress bars only then). */
  errIsTerminal?: boolean;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  readStdin: () => Promise<string>;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM); used by `serve`. */
  untilStopped: () => Promise<string>;
};

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    outStream: process.stdout,
    errIsTerminal: process.stderr.isTTY === true,
    err: (text) => process.stderr.write(text),
    env: processEnvironment(),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    untilStopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      }),
  };
}
