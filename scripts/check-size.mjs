// The size budgets: fails when a group of what a page loads from pkg/ (gzip -9 total) exceeds
// its number in size-budget.json: what the banner needs, and the full module. Run by
// scripts/test.sh after the build.
//   node scripts/check-size.mjs [budget.json]
import { readFileSync } from 'node:fs';
import { GROUPS, sizes } from './sizes.mjs';

const budgetPath = process.argv[2] ?? new URL('../size-budget.json', import.meta.url);
const budget = JSON.parse(readFileSync(budgetPath, 'utf8'));
const measured = sizes();
let over = false;
for (const [group, files] of Object.entries(GROUPS)) {
  const entry = budget.budgets[group];
  if (!entry || JSON.stringify(entry.files) !== JSON.stringify(files)) {
    throw new Error(`size budget: "${group}" counts ${entry?.files}, the build measures ${files}`);
  }
  const { total } = measured[group];
  const limit = entry.gzip_total_bytes;
  for (const f of measured[group].files) console.log(`${group}: ${f.name.padEnd(34)}${String(f.gzip).padStart(9)} B gzip`);
  if (total.gzip > limit) {
    console.error(`size budget of ${group} exceeded: ${total.gzip} B gzip against ${limit} B (${total.gzip - limit} B over)`);
    over = true;
  } else {
    console.log(`size budget of ${group}: ${total.gzip} B gzip of ${limit} B (${limit - total.gzip} B to spare)`);
  }
}
if (over) process.exit(1);
