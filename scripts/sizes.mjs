// Prints raw and gzip bytes of what a page loads from pkg/, and the total.
// `--json` prints the same figures as JSON (the benchmark and the size budget read them).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const LOADED = ['mohprompt_privacy_bg.wasm', 'mohprompt_privacy.js', 'privacy.css'];

export function sizes(dir = new URL('../pkg/', import.meta.url)) {
  const files = LOADED.map((name) => {
    const bytes = readFileSync(new URL(name, dir));
    return { name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const total = files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip }), { raw: 0, gzip: 0 });
  return { files, total };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { files, total } = sizes();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ files, total }));
  } else {
    const row = (name, raw, gzip) => `${name.padEnd(28)}${String(raw).padStart(9)}${String(gzip).padStart(9)}`;
    console.log(row('pkg/', 'raw B', 'gzip B'));
    for (const f of files) console.log(row(f.name, f.raw, f.gzip));
    console.log(row('total', total.raw, total.gzip));
  }
}
