#!/usr/bin/env node
// `npx modhook`: runs the TypeScript CLI through tsx, so no build step is needed after `npm ci`.
import { fileURLToPath, URL } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
const { runCli, processIo } = await import('./main.ts');
process.exitCode = await runCli(process.argv.slice(2), processIo());
