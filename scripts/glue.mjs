// Mends what wasm-bindgen writes for the package, before it is bundled:
//
// - In the glue, the wasm exports start as an object whose every property
//   throws an Error (code `init_required`) that says to call init() first,
//   instead of `Cannot read properties of undefined` from minified code.
// - In the typings, `[Symbol.dispose]()` goes (the libs an app of 2024 uses,
//   ES2022 and DOM, have no Symbol.dispose, so a strict `tsc` without
//   skipLibCheck fails on it; the method stays in the glue where engines
//   have the symbol), and `InitOutput` keeps only `memory`: the other export
//   names are shortened by minify-names.mjs, so the typings named exports
//   that do not exist.
//
// Each edit must find exactly what it replaces, or the build stops: a new
// wasm-bindgen that writes its glue differently is noticed here, not by a
// person calling the module before init.
//
// - wasm-bindgen's warnings about its older call forms go (the forms still work).
// - With a third argument, the glue looks for its wasm under that name: the
//   full module's wasm keeps the name it had before there were two.
//
// Usage: node scripts/glue.mjs GLUE.js [GLUE.d.ts [WASM_NAME]]
import fs from 'node:fs';
import path from 'node:path';

const [glue, typings, wasmName] = process.argv.slice(2);

function edit(path, edits) {
  let text = fs.readFileSync(path, 'utf8');
  for (const [from, to, count = 1] of edits) {
    const found = text.split(from).length - 1;
    if (found !== count) {
      console.error(`glue.mjs: expected ${count} of ${JSON.stringify(from)} in ${path}, found ${found}`);
      process.exit(1);
    }
    text = text.replaceAll(from, to);
  }
  fs.writeFileSync(path, text);
}

const notReady = `const __wbg_not_ready = new Proxy({}, { get() {
    const error = new Error('@mohprompt/privacy is not initialised: call \`await init()\` (or, in Node, \`initSync({ module })\`) before using it');
    error.code = 'init_required';
    throw error;
} });
let wasmModule, wasmInstance, wasm = __wbg_not_ready;`;

edit(glue, [
  ['let wasmModule, wasmInstance, wasm;', notReady],
  ['if (wasm !== undefined) return wasm;', 'if (wasm !== __wbg_not_ready) return wasm;', 2],
  // The entry passes one object; a caller of initSync with bare bytes is still served, without
  // the warning's hundred bytes in a script every page loads.
  ["console.warn('using deprecated parameters for `initSync()`; pass a single object instead')", ''],
  ["console.warn('using deprecated parameters for the initialization function; pass a single object instead')", ''],
]);
if (wasmName) {
  const generated = `${path.basename(glue, '.js')}_bg.wasm`;
  edit(glue, [[`new URL('${generated}', import.meta.url)`, `new URL('${wasmName}', import.meta.url)`]]);
}
if (!typings) process.exit(0);

const initOutput = /export interface InitOutput \{\n[^}]*\n\}/;
let dts = fs.readFileSync(typings, 'utf8');
if (!initOutput.test(dts)) {
  console.error(`glue.mjs: no InitOutput interface in ${typings}`);
  process.exit(1);
}
fs.writeFileSync(typings, dts.replace(initOutput,
  'export interface InitOutput {\n    readonly memory: WebAssembly.Memory;\n}'));
edit(typings, [['    [Symbol.dispose](): void;\n', '']]);
