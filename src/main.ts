import { ConfigError, loadConfig } from './config.ts';
import { startServer } from './server.ts';

/** Composition root for `npm start`: config from the environment, then serve until a signal. */
export async function main(): Promise<void> {
  let running;
  try {
    running = await startServer(loadConfig());
  } catch (error) {
    process.stderr.write(
      `modhook could not start: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`,
    );
    process.exit(1);
  }
  const stop = (signal: string) => {
    running.deps.log.info({ signal }, 'shutting down');
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
