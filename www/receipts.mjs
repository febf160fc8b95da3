// The receiving side of consent receipts: the shape src/receipt.rs writes (checked before
// anything is stored), which of its values are the module's own output and so not leak-scanned,
// and the ledger that stores each receipt_id once.
//
// The module retries a delivery whose answer it did not see, so the same receipt may arrive
// again: a copy with the same content gets the same 204 as the first and is not stored twice.
// The same id with other content is not a retry: it is refused (409) and not stored. The ledger
// is rebuilt from the stored file at start, so a restarted server still knows every stored id.

import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';

/** The format src/receipt.rs names in `version`; another one may mean other fields. */
export const RECEIPT_VERSION = 'mohprompt-receipt/1';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const HEX8 = /^[0-9a-f]{8}$/;
const ISO_8601_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const STATES = ['granted', 'denied', 'unset', 'notice'];

const string = (test, expected) => ({ test: (v) => typeof v === 'string' && test(v), expected });
const text = string((v) => v !== '', 'a non-empty string');
const anyString = string(() => true, 'a string');
const state = string((v) => STATES.includes(v), `one of ${STATES.join(', ')}`);
const object = (fields) => ({ fields });
const list = (items) => ({ items });

// Every key src/receipt.rs writes, with what its value must be. Keys it does not write are
// allowed (and leak-scanned like everything else): a newer module may add some.
const RECEIPT = object({
  receipt_id: string((v) => UUID_V4.test(v), 'a UUID v4 in lowercase hex'),
  version: string((v) => v === RECEIPT_VERSION, `"${RECEIPT_VERSION}"`),
  timestamp: string((v) => ISO_8601_UTC.test(v) && !Number.isNaN(Date.parse(v)), 'an ISO 8601 UTC time'),
  jurisdiction: text,
  collection_method: text,
  language: text,
  subject: string((v) => UUID_V4.test(v), 'a UUID v4 in lowercase hex'),
  controller: object({ name: text, phone: anyString, email: anyString, website: anyString }),
  policy: object({ version: text, sha256: string((v) => SHA256_HEX.test(v), '64 lowercase hex digits'), url: anyString }),
  changed: list(text),
  purposes: list(object({ id: text, legal_basis: text, state, revision: string((v) => HEX8.test(v), '8 lowercase hex digits') })),
  cookie_categories: list(object({
    id: text,
    state,
    revision: { test: (v) => Number.isSafeInteger(v) && v >= 0, expected: 'a whole number' },
  })),
});

/**
 * Checks a receipt against the shape src/receipt.rs writes. Returns null when it fits, or
 * `{ path, reason }` for the first place it does not (the reason says what was expected, never
 * what was there).
 */
export function checkReceipt(receipt) {
  return checkShape(receipt, RECEIPT, []);
}

function checkShape(value, shape, path) {
  const at = formatPath(path);
  if (shape.fields) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { path: at, reason: 'must be an object' };
    for (const [key, inner] of Object.entries(shape.fields)) {
      if (!Object.hasOwn(value, key)) return { path: formatPath([...path, key]), reason: 'is missing' };
      const problem = checkShape(value[key], inner, [...path, key]);
      if (problem) return problem;
    }
    return null;
  }
  if (shape.items) {
    if (!Array.isArray(value)) return { path: at, reason: 'must be an array' };
    for (let i = 0; i < value.length; i += 1) {
      const problem = checkShape(value[i], shape.items, [...path, i]);
      if (problem) return problem;
    }
    return null;
  }
  return shape.test(value) ? null : { path: at, reason: `must be ${shape.expected}` };
}

function formatPath(path) {
  if (path.length === 0) return '(body)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');
}

/**
 * The exemption of a receipt (one that passed checkReceipt) from the leak scan: values whose
 * shape the schema already pins (the ids, the time, the policy's SHA-256, the purposes' 8-hex
 * revisions) and the controller's contact details where they are those of the served policy
 * (its phone number is a phone number). Everything else, keys included, is scanned.
 */
export function receiptExemption(policy) {
  const controller = policy?.controller ?? {};
  const names = [controller.name?.th, controller.name?.en].filter((n) => typeof n === 'string');
  return (path, value) => {
    const where = path.map((p) => (typeof p === 'number' ? '[]' : p)).join('.');
    switch (where) {
      case 'receipt_id':
      case 'subject':
      case 'timestamp':
      case 'policy.sha256':
      case 'purposes.[].revision':
        return true;
      case 'controller.name':
        return names.includes(value);
      case 'controller.phone':
      case 'controller.email':
      case 'controller.website':
        return typeof controller[path[1]] === 'string' && value === controller[path[1]];
      default:
        return false;
    }
  };
}

/** The SHA-256 of a JSON value with its object keys sorted: same content, same digest. */
export function contentDigest(value) {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The receipt ids in the receipts file (read once, when the server starts) with the digest of
 * each receipt's content, and the ids being written now. `store` appends a receipt whose id is
 * new, does nothing for a copy of a stored one, and returns 'conflict' (storing nothing) for an
 * id already stored or being stored with other content. A copy that arrives while the first is
 * still being written waits for that write, so it is answered only once the receipt is on disk.
 */
export async function receiptLedger(file) {
  const stored = new Map();
  let unreadable = 0;
  let content = '';
  try {
    content = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  for (const line of content.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const receipt = JSON.parse(line);
      if (typeof receipt?.receipt_id === 'string' && !stored.has(receipt.receipt_id)) {
        stored.set(receipt.receipt_id, contentDigest(receipt));
      }
    } catch {
      unreadable += 1;
    }
  }
  if (unreadable) console.warn(`${file}: ${unreadable} unreadable line(s) ignored when loading receipt ids`);
  const writing = new Map();

  return {
    /** Whether `id` is stored (for tests and logs; store() decides on its own). */
    has: (id) => stored.has(id),
    /**
     * Stores `receipt` through `append` unless its id is known. Resolves to 'stored', 'duplicate'
     * (same id, same content: nothing written) or 'conflict' (same id, other content: nothing
     * written).
     */
    async store(receipt, append) {
      const id = receipt.receipt_id;
      const digest = contentDigest(receipt);
      if (stored.has(id)) return stored.get(id) === digest ? 'duplicate' : 'conflict';
      const pending = writing.get(id);
      if (pending) {
        if (pending.digest !== digest) return 'conflict';
        await pending.write;
        return 'duplicate';
      }
      const write = append().then(
        () => {
          stored.set(id, digest);
          writing.delete(id);
        },
        (err) => {
          // Not on disk: let the client's retry store it.
          writing.delete(id);
          throw err;
        },
      );
      writing.set(id, { digest, write });
      await write;
      return 'stored';
    },
  };
}
