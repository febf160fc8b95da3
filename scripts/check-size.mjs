// The size budget: fails when what a page loads from pkg/ (gzip -9 total)
// exceeds the number in size-budget.json. Run by scripts/test.sh after the build.
//   node scripts/check-size.mjs [budget.json]
import { readFileSync } from 'node:fs';
import { sizes, LOADED } from './sizes.mjs';

const budgetPath = process.argv[2] ?? new URL('../size-budget.json', import.meta.url);
const budget = JSON.parse(readFileSync(budgetPath, 'utf8'));
if (JSON.stringify(budget.files) !== JSON.stringify(LOADED)) {
  throw new Error(`size budget: it counts ${budget.files}, the build measures ${LOADED}`);
}
const { files, total } = sizes();
const limit = budget.gzip_total_bytes;
for (const f of files) console.log(`${f.name.padEnd(28)}${String(f.gzip).padStart(9)} B gzip`);
if (total.gzip > limit) {
  console.error(`size budget exceeded: ${total.gzip} B gzip against ${limit} B (${total.gzip - limit} B over)`);
  process.exit(1);
}
console.log(`size budget: ${total.gzip} B gzip of ${limit} B (${limit - total.gzip} B to spare)`);
