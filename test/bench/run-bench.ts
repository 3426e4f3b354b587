import os from 'node:os';
import { benchRules } from './rules-bench.ts';

// `npm run bench`: prints every benchmark's figures with the machine they ran on. Targets are
// reported, not asserted, so a slow machine shows numbers instead of failing a build.
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`modhook benchmarks on ${machine}\n`);
let allOk = true;
for (const bench of [benchRules]) {
  const report = bench();
  allOk &&= report.ok;
  console.log(`${report.ok ? 'ok  ' : 'MISS'} ${report.name}`);
  for (const line of report.lines) console.log(`     ${line}`);
}
console.log(allOk ? '\nall targets met' : '\nsome targets missed');
