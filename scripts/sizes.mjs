// Prints raw, gzip and brotli bytes of what a page loads from pkg/, in two groups that share
// no file: what the banner needs (fetched before its first frame: the script, with the banner
// module's glue in it, the banner module's wasm, the stylesheet) and the full module (its glue
// and its wasm, fetched after that frame). A page with a form loads both. `--json` prints the same figures as JSON
// (the benchmark and the size budget read them).
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const GROUPS = {
  banner: ['mohprompt_privacy.js', 'mohprompt_privacy_banner_bg.wasm', 'privacy.css'],
  full: ['mohprompt_privacy_full.js', 'mohprompt_privacy_bg.wasm'],
};

export function sizes(dir = new URL('../pkg/', import.meta.url)) {
  const measure = (name) => {
    const bytes = readFileSync(new URL(name, dir));
    return {
      name,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  };
  return Object.fromEntries(Object.entries(GROUPS).map(([group, names]) => {
    const files = names.map(measure);
    const total = files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }),
      { raw: 0, gzip: 0, brotli: 0 });
    return [group, { files, total }];
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const groups = sizes();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(groups));
  } else {
    const row = (name, raw, gzip, brotli) =>
      `${name.padEnd(34)}${String(raw).padStart(9)}${String(gzip).padStart(9)}${String(brotli).padStart(9)}`;
    for (const [group, { files, total }] of Object.entries(groups)) {
      console.log(row(`pkg/, ${group}`, 'raw B', 'gzip B', 'brotli B'));
      for (const f of files) console.log(row(f.name, f.raw, f.gzip, f.brotli));
      console.log(row('total', total.raw, total.gzip, total.brotli));
    }
  }
}
