import os from 'node:os';
import { benchBeforeSend } from './before-send-bench.ts';
import { benchDisplay } from './display-bench.ts';
import { printReport } from './bench-report.ts';
import { benchIngest } from './ingest-bench.ts';
import { benchExport } from './export-bench.ts';
import { benchReview } from './review-bench.ts';
import { benchRuleScreens } from './rule-screens-bench.ts';
import { benchRules } from './rules-bench.ts';
import { benchSustained } from './sustained-bench.ts';

// `npm run bench`: prints every benchmark's figures with the machine they ran on. Targets are
// reported, not asserted, so a slow machine shows numbers instead of failing a build.
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`modhook benchmarks on ${machine}\n`);
let allOk = true;
const benches = [
  benchRules,
  () => benchIngest(),
  () => benchBeforeSend(),
  benchReview,
  benchRuleScreens,
  benchExport,
  () => benchDisplay(),
];
if (process.argv.includes('--sustained')) benches.push(() => benchSustained());
for (const bench of benches) {
  const report = await bench();
  allOk &&= report.ok;
  printReport(report);
}
console.log(allOk ? '\nall targets met' : '\nsome targets missed');
