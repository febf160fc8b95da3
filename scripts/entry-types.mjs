// Writes the typings of the package's entry (src/entry/mohprompt_privacy.js): the full module's
// (every export the entry re-exports, with the types written next to the serde types in
// src/web/), without wasm-bindgen's `init`, followed by what the entry adds or declares
// differently (src/entry/mohprompt_privacy.d.ts). Stops when it does not find, exactly once,
// the declaration it replaces.
//   node scripts/entry-types.mjs pkg/mohprompt_privacy_full.d.ts src/entry/mohprompt_privacy.d.ts
import { readFileSync } from 'node:fs';

const [fullTypings, entryTypings] = process.argv.slice(2);
const generated = readFileSync(fullTypings, 'utf8');
const init = /\n\/\*\*\n \* If `module_or_path`[^]*?\*\/\nexport default function __wbg_init [^\n]*\n/g;
const found = generated.match(init) ?? [];
if (found.length !== 1) {
  console.error(`entry-types.mjs: expected one declaration of wasm-bindgen's init in ${fullTypings}, found ${found.length}`);
  process.exit(1);
}
process.stdout.write(generated.replace(init, '\n') + '\n' + readFileSync(entryTypings, 'utf8'));
