// Entry of the ingest writer thread (src/ingest/ingest-writer.ts). Worker threads start without
// the TypeScript loader the server was started with, so this plain module registers it first.
import { register } from 'tsx/esm/api';

register();
await import('./writer-main.ts');
