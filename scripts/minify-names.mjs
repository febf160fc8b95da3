// Gives the wasm module's imports and exports short names, in the wasm and in
// its JS glue alike. wasm-bindgen names every import after the JS function
// plus a 16-digit hash (`__wbg_createElement_de4a31ed2fb252be`); over a
// hundred such names, hardly compressible, sit in both files.
//
// binaryen renames them (--minify-imports-and-exports-and-modules) and prints
// the old -> new mapping, which is applied here to the glue. The glue must
// then name each import and export exactly once in the new way, which is
// checked before anything is written.
//   node scripts/minify-names.mjs pkg/mohprompt_privacy_bg.wasm pkg/mohprompt_privacy.js
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const [wasmPath, jsPath] = process.argv.slice(2);
const features = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];
const renamedPath = `${wasmPath}.renamed`;
const printed = execFileSync('node_modules/.bin/wasm-opt',
  [wasmPath, '--minify-imports-and-exports-and-modules', ...features, '-o', renamedPath], { encoding: 'utf8' });
const mapping = JSON.parse(printed);
const renamed = readFileSync(renamedPath);
const module = new WebAssembly.Module(renamed);

// A name as a whole token: not part of a longer identifier.
const token = (name) => new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');

let js = readFileSync(jsPath, 'utf8');
const oldModules = new Set(mapping.imports.map(([mod]) => mod));
const newModules = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
if (oldModules.size !== 1 || newModules.size !== 1) {
  throw new Error(`expected one import module, found ${[...oldModules]} -> ${[...newModules]}`);
}
const [oldModule] = oldModules;
const [newModule] = newModules;
js = js.split(JSON.stringify(oldModule)).join(JSON.stringify(newModule));

for (const [, oldName, newName] of mapping.imports) {
  // Import functions are keys of the import object: `name:function(…)`.
  js = js.replace(token(oldName), newName);
}
for (const [oldName, newName] of mapping.exports) {
  // Exports are read as properties of the instance's exports: `wasm.name`.
  js = js.replace(new RegExp(`(?<=\\.)${oldName}(?![\\w$])`, 'g'), newName);
}

for (const { name } of WebAssembly.Module.imports(module)) {
  // A key of the import object: `name:function(…)`, or as terser may write it, `name(…){`,
  // `name:(…)=>` or `name:arg=>`.
  const key = new RegExp(`(?<=[{,])${name.replace(/\$/g, '\\$')}(?::function\\(|\\([\\w$,]*\\)\\{|:\\([\\w$,]*\\)=>|:[\\w$]+=>)`);
  if (!key.test(js)) throw new Error(`the glue defines no import ${name}`);
}
for (const [, oldName] of mapping.imports) {
  if (token(oldName).test(js)) throw new Error(`the glue still names import ${oldName}`);
}
// An export may share its name with the glue's public function (`scanText`):
// only reads of the instance's property must be gone.
for (const [oldName] of mapping.exports) {
  if (new RegExp(`(?<=\\.)${oldName}(?![\\w$])`).test(js)) {
    throw new Error(`the glue still reads export ${oldName}`);
  }
}
writeFileSync(jsPath, js);
writeFileSync(wasmPath, renamed);
execFileSync('rm', ['-f', renamedPath]);
