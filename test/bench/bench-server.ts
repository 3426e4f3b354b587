import { subscribe } from 'node:diagnostics_channel';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';
import { answerStatsRequests, type WriterStats } from './process-stats.ts';

// The real server as `npm start` runs it, plus answers to the benchmark's questions over the
// IPC channel: connections accepted, and the ingest writer's commit count when it has one.
let accepted = 0;
subscribe('net.server.socket', () => accepted++);

const running = await startServer(loadConfig());
// Read through `unknown`: the writer is optional here, whatever the Deps type says about it.
const deps = running.deps as unknown as { writer?: { stats?: () => Promise<WriterStats> } };
answerStatsRequests(async () => ({ accepted, writer: (await deps.writer?.stats?.()) ?? null }));

const stop = () => void running.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
