import { benchIngest } from './ingest-bench.ts';
const r = await benchIngest(5);
console.log(r.ok, r.lines.join('\n'));
