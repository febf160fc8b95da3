// Checks the file list of the npm tarball of a package folder against an exact set:
// `npm pack --dry-run --json` lists what `npm publish` would ship. A file missing from pkg.json's
// "files" (the wasm, say) or one that should not be there fails the build, naming the difference.
//
// Usage: node scripts/check-pack.mjs pkg <file>...
import { execFileSync } from 'node:child_process';

const [dir, ...expected] = process.argv.slice(2);
const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
  cwd: dir,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
}));
const packed = pack.files.map((file) => file.path);
const missing = expected.filter((path) => !packed.includes(path));
const extra = packed.filter((path) => !expected.includes(path));
if (missing.length || extra.length) {
  console.error(`check-pack: the tarball of ${dir}/ is not the expected file list`);
  if (missing.length) console.error(`  missing: ${missing.join(', ')}`);
  if (extra.length) console.error(`  not expected: ${extra.join(', ')}`);
  process.exit(1);
}
console.log(`${pack.filename}: ${packed.length} files, ${pack.size} B packed, ${pack.unpackedSize} B unpacked`);
