// The receiver's leak scan: every string of a JSON body, object keys included, goes through the
// module's own scanText (pkg/, the same wasm the page runs, loaded once per process), so a body
// holding a raw national ID, passport or phone is refused even when a page, a proxy or a script
// other than the module built it. E-mail addresses are found too but do not refuse a body: the
// policy sends them masked, and a masked address is still an address to the scan.
//
// What the module's own operators write is not refused, and which values those are is decided by
// where they sit (the field's declared operator in the policy, a receipt's schema), never by what
// a value looks like: a sealed field is left to the sealing check (www/sealing.mjs), which opens
// it; a keyed_hash field passes when it holds 64 lowercase hex digits, the HMAC the module sends.
// Findings name the path and the kind, never the value or any of its digits.

import fs from 'node:fs';
import { SEAL_OPERATOR } from './sealing.mjs';

const PKG_URL = new URL('../pkg/', import.meta.url);

/** The operator whose output is a keyed hash (HMAC-SHA256, lowercase hex). */
export const KEYED_HASH_OPERATOR = 'keyed_hash';
const KEYED_HASH = /^[0-9a-f]{64}$/;

/** Finding kinds that do not refuse a body. */
const HARMLESS_KINDS = new Set(['email']);

let scanner;

/**
 * The module's scanText, loaded from pkg/ the first time and shared afterwards. Rejects when
 * pkg/ is not built: a receiver that cannot scan must not receive.
 * @returns {Promise<(text: string) => string[]>} the kinds found in a text, in text order
 */
export function loadScanner() {
  if (!scanner) {
    scanner = (async () => {
      const wasm = new URL('mohprompt_privacy_bg.wasm', PKG_URL);
      const glue = new URL('mohprompt_privacy_node.js', PKG_URL);
      if (!fs.existsSync(wasm) || !fs.existsSync(glue)) {
        throw new Error('pkg/ is not built (make build): the demo server checks every body with the module\'s leak scan');
      }
      const { initSync, scanText } = await import(glue.href);
      initSync({ module: fs.readFileSync(wasm) });
      return (text) => scanText(text).findings.map((finding) => finding.kind);
    })();
    // A failed load is not kept: a later start tries again (after a build).
    scanner.catch(() => {
      scanner = undefined;
    });
  }
  return scanner;
}

/**
 * Where `body` holds an identifier that refuses it: `[{ path, kind }]`, plus `in: 'key'` when
 * the identifier is an object key (the path then ends in `{key N}`, its place among its
 * object's keys, since the key itself may not be shown). Empty when the body may pass.
 * @param {unknown} body  a parsed JSON value
 * @param {(text: string) => string[]} scan  what loadScanner resolves to
 * @param {(path: Array<string|number>, value: string) => boolean} [exempt]  whether a string at
 *   `path` is the output of the module's own operators and so is not scanned
 */
export function findLeaks(body, scan, exempt = () => false) {
  const found = [];
  const seen = new Set();
  const report = (segments, kinds, extra = {}) => {
    for (const kind of kinds) {
      if (HARMLESS_KINDS.has(kind)) continue;
      const path = formatPath(segments);
      const id = `${path}\0${kind}\0${extra.in ?? ''}`;
      if (seen.has(id)) continue;
      seen.add(id);
      found.push({ path, kind, ...extra });
    }
  };
  const walk = (value, path, shown) => {
    if (typeof value === 'string') {
      if (!exempt(path, value)) report(shown, scan(value));
    } else if (typeof value === 'number') {
      // A number is text to a reader of the stored line: 1234545678781 is an ID as much as "…".
      if (!exempt(path, value)) report(shown, scan(String(value)));
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i], [...shown, i]));
    } else if (value !== null && typeof value === 'object') {
      Object.keys(value).forEach((key, i) => {
        const kinds = scan(key);
        const label = kinds.length === 0 && isShowableKey(key) ? key : { key: i + 1 };
        report([...shown, label], kinds, { in: 'key' });
        walk(value[key], [...path, key], [...shown, label]);
      });
    }
  };
  walk(body, [], []);
  return found;
}

// A key is shown in a path only when it looks like a field name: no finding, no run of four
// digits or more (a number the scan does not take for an identifier is still not ours to echo).
function isShowableKey(key) {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(key) && !/[0-9]{4}/.test(key);
}

/** `items[2].note`; a key that may not be shown is `{key N}`; the body itself is `(body)`. */
function formatPath(segments) {
  if (segments.length === 0) return '(body)';
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'object') out += `${out ? '.' : ''}{key ${segment.key}}`;
    else out += `${out ? '.' : ''}${segment}`;
  }
  return out;
}

/**
 * The exemption of a form's body: its fields the policy seals (left to the sealing check, which
 * opens them) and its keyed_hash fields holding a keyed hash, the LINE link field included where
 * the form has the link's purpose. Only top-level fields: the module sends a flat object.
 * @param {object} policy  the served policy
 * @param {string} formId
 */
export function formExemption(policy, formId) {
  const form = policy?.forms?.[formId];
  const fields = Array.isArray(form?.fields) ? form.fields : [];
  const sealed = new Set(fields.filter((f) => f.operator === SEAL_OPERATOR).map((f) => f.name));
  const hashed = new Set(fields.filter((f) => f.operator === KEYED_HASH_OPERATOR).map((f) => f.name));
  const link = policy?.line;
  if (link?.link === KEYED_HASH_OPERATOR && typeof link.field === 'string' && form?.purposes?.includes(link.purpose)) {
    hashed.add(link.field);
  }
  return (path, value) => {
    if (path.length !== 1) return false;
    const [name] = path;
    if (sealed.has(name)) return true;
    return hashed.has(name) && typeof value === 'string' && KEYED_HASH.test(value);
  };
}
