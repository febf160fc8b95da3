// The demo server as the reference receiver: what it refuses before anything is stored, over real
// HTTP. Only its own pages may post (Origin), only JSON (Content-Type), no raw identifier anywhere
// in a body (the module's own leak scan, over nested values and keys), receipts only in the shape
// src/receipt.rs writes and one content per receipt_id, also after a restart. What the module's
// operators write (sealed fields, keyed hashes, a receipt's ids and digests) passes, decided by
// the policy, not by the look of a value. Every refusal leaves the data files as they were.
// No browser here; receiver-browser.test.mjs has the same rules seen from Chromium.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test, before, after } from 'node:test';
import { startServer } from '../../www/server.mjs';
import { findLeaks, formExemption, loadScanner } from '../../www/leak-scan.mjs';
import { receiptExemption } from '../../www/receipts.mjs';
import { keyedHash, postJson, receiptFor, sealAsBrowser, serverDataFiles, startKeyedPassportServer } from './harness.mjs';

// Raw identifiers, as a person types them; none may be stored, and no refusal may repeat them.
const RAW = {
  'a national ID': '1-2345-45678-78-1',
  'a national ID without dashes': '1234545678781',
  'a phone': '081-234-5678',
  'a phone in E.164': '+66812345678',
  'a passport': 'AB1234567',
};
// 13 digits whose check digit fails: not an ID to the checksum, still nothing to store.
const UNVERIFIED_ID = '1234545678789';

let server;
let dataDir;
let policy;
let unverifiedFound;

// The served policy with the register form's passport keyed-hashed, so one body has sealed
// fields and a keyed_hash one.
before(async () => {
  ({ server, dataDir } = await startKeyedPassportServer('mohprompt-receiver-test-'));
  policy = await (await fetch(`${server.url}/policy.json`)).json();
  const scan = await loadScanner();
  unverifiedFound = scan(`x ${UNVERIFIED_ID} x`).length > 0;
});
after(async () => {
  await server?.close();
  await fsp.rm(dataDir, { recursive: true, force: true });
});

const dataFiles = () => serverDataFiles(server);

/** Runs `post`, expects `status`, and that no data file changed. Returns the answer. */
async function assertRefused(what, status, post) {
  const before = await dataFiles();
  const answer = await post();
  assert.equal(answer.status, status, `${what}: expected ${status}, got ${answer.status}: ${answer.text}`);
  assert.deepEqual(await dataFiles(), before, `${what}: something was stored`);
  return answer;
}

/** Runs `post`, expects `status`, and that exactly one line was added to `file`. */
async function assertStored(what, status, file, post) {
  const before = fs.existsSync(file) ? await fsp.readFile(file, 'utf8') : '';
  const answer = await post();
  assert.equal(answer.status, status, `${what}: expected ${status}, got ${answer.status}: ${answer.text}`);
  const after = await fsp.readFile(file, 'utf8');
  assert.ok(after.startsWith(before), `${what}: the file was rewritten`);
  assert.equal(after.slice(before.length).split('\n').filter(Boolean).length, 1, `${what}: not stored exactly once`);
  return answer;
}

/** No run of 4 digits of `value` (nor the value) appears in `text`. */
function assertNoDigitsOf(value, text, what) {
  const digits = value.replace(/[^0-9]/g, '');
  assert.ok(!text.includes(value), `${what}: the answer repeats the value: ${text}`);
  for (let i = 0; i + 4 <= digits.length; i += 1) {
    assert.ok(!text.includes(digits.slice(i, i + 4)), `${what}: the answer holds digits of the value (${digits.slice(i, i + 4)}): ${text}`);
  }
}

// ----- sealing, as the browser does it (for the accepted bodies) --------------------------------

/** Sealed to the served policy's first key for `form` and `field`. */
const seal = (form, field, text) => sealAsBrowser(policy.keys[0], { version: policy.version, form, field }, text);

/** A registration as the module sends it under the test policy. */
async function registration() {
  return {
    title: 'นางสาว',
    given_name: 'Kanyaratqv',
    family_name: 'Srisawatqw',
    date_of_birth: '1990-02-14',
    nationality: 'Thaiqx',
    national_id: await seal('register', 'national_id', '1234545678781'),
    passport: keyedHash('passport', 'AB1234567'),
    phone: await seal('register', 'phone', '+66812345678'),
    email: 's***@example.com',
    address: '12/3 ถนนพหลโยธินทดสอบ',
    note: 'โปรดโทรหลังบ่ายโมง เบอร์ xxx-xxx-5678',
  };
}

// ----- media type and origin ---------------------------------------------------------------------

const ENDPOINTS = ['/api/register', '/api/certificate', '/api/consent-receipts'];

test('a body that is not application/json is refused with 415 on every endpoint, and nothing is stored', async () => {
  const body = JSON.stringify({ note: 'hello' });
  for (const endpoint of ENDPOINTS) {
    for (const contentType of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', null]) {
      const what = `${endpoint} as ${contentType ?? 'no Content-Type'}`;
      const answer = await assertRefused(what, 415, () => postJson(server.url, endpoint, body, { contentType }));
      assert.equal(answer.json?.error, 'media_type', what);
    }
    await assertRefused(`${endpoint} urlencoded`, 415, () =>
      postJson(server.url, endpoint, 'note=hello', { contentType: 'application/x-www-form-urlencoded' }));
  }
});

test('application/json with a UTF-8 charset parameter is accepted', async () => {
  for (const contentType of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"']) {
    await assertStored(contentType, 200, server.registerFile, () =>
      postJson(server.url, '/api/register', { given_name: 'Kanyaratqv' }, { contentType }));
  }
});

test('a POST from another origin, an opaque one or with no Origin is refused with 403, and nothing is stored', async () => {
  const other = `http://127.0.0.1:${Number(new URL(server.url).port) + 1}`;
  const origins = [null, 'null', 'http://evil.example', other, server.url.replace('http:', 'https:'), `${server.url}.evil.example`];
  for (const endpoint of ENDPOINTS) {
    for (const origin of origins) {
      const body = endpoint === '/api/consent-receipts' ? receiptFor(policy) : { given_name: 'Kanyaratqv' };
      const what = `${endpoint} from ${origin ?? 'no Origin'}`;
      const answer = await assertRefused(what, 403, () => postJson(server.url, endpoint, body, { origin }));
      assert.equal(answer.json?.error, 'cross_origin', what);
    }
  }
  // Control: the same body from the server's own origin, under either of its names.
  for (const origin of server.origins) {
    await assertStored(`from ${origin}`, 200, server.registerFile, () =>
      postJson(server.url, '/api/register', { given_name: 'Kanyaratqv' }, { origin }));
  }
  assert.deepEqual(server.origins, [server.url, server.url.replace('127.0.0.1', 'localhost')]);
});

test('startServer({ origins }) adds the origin of a proxy in front of the server, and only that', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mohprompt-receiver-origins-'));
  const proxied = await startServer({ port: 0, dataDir: dir, origins: ['https://mohpromt.example/'] });
  try {
    assert.ok(proxied.origins.includes('https://mohpromt.example'), JSON.stringify(proxied.origins));
    const from = (origin) => postJson(proxied.url, '/api/register', { given_name: 'Kanyaratqv' }, { origin });
    assert.equal((await from('https://mohpromt.example')).status, 200);
    assert.equal((await from('http://mohpromt.example')).status, 403);
    assert.equal((await from('https://www.mohpromt.example')).status, 403);
  } finally {
    await proxied.close();
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

// ----- the leak scan -----------------------------------------------------------------------------

/** Where a value can hide in a body, and the path the answer must name. */
const PLACES = [
  { where: 'a top-level field', body: (v) => ({ given_name: 'Kanyaratqv', address: `บ้านเลขที่ 12 ${v}` }), path: 'address' },
  { where: 'a nested object', body: (v) => ({ given_name: 'Kanyaratqv', contact: { home: { note: v } } }), path: 'contact.home.note' },
  { where: 'an array item', body: (v) => ({ items: [{ note: 'a' }, { note: 'b' }, { note: `โทร ${v}` }] }), path: 'items[2].note' },
  { where: 'a string in an array', body: (v) => ({ tags: ['x', v] }), path: 'tags[1]' },
  { where: 'a top-level key', body: (v) => ({ given_name: 'Kanyaratqv', [v]: 'x' }), path: '{key 2}', in: 'key' },
  { where: 'a nested key', body: (v) => ({ items: [{}, { extra: { ok: 1, [`ID ${v}`]: true } }] }), path: 'items[1].extra.{key 2}', in: 'key' },
];

const identifiers = () => ({ ...RAW, ...(unverifiedFound ? { 'unverified 13 digits': UNVERIFIED_ID } : {}) });

test('a raw national ID, phone or passport anywhere in a form body is refused with 422 naming its path, never its digits', async () => {
  for (const [kind, value] of Object.entries(identifiers())) {
    for (const place of PLACES) {
      for (const endpoint of ['/api/register', '/api/certificate']) {
        const what = `${kind} in ${place.where} of ${endpoint}`;
        const answer = await assertRefused(what, 422, () => postJson(server.url, endpoint, place.body(value)));
        assert.equal(answer.json?.error, 'identifier_in_body', what);
        const paths = answer.json.fields.map((f) => f.path);
        assert.deepEqual(paths, [place.path], `${what}: the answer names ${JSON.stringify(paths)}`);
        assert.equal(answer.json.fields[0].in, place.in, `${what}: in`);
        assertNoDigitsOf(value, answer.text, what);
      }
    }
  }
});

test('13 digits whose check digit fails are refused like an ID', async (t) => {
  if (!unverifiedFound) {
    t.skip('this build of scanText does not report national_id_unverified yet');
    return;
  }
  const answer = await assertRefused('unverified ID', 422, () => postJson(server.url, '/api/register', { note: `เลข ${UNVERIFIED_ID}` }));
  assert.deepEqual(answer.json.fields.map((f) => f.path), ['note']);
  assertNoDigitsOf(UNVERIFIED_ID, answer.text, 'unverified ID');
});

test('a raw identifier anywhere in a receipt is refused with 422 naming its path', async () => {
  const cases = [
    ['changed[0]', (r, v) => ({ ...r, changed: [v] })],
    ['collection_method', (r, v) => ({ ...r, collection_method: `form:${v}` })],
    ['purposes[1].id', (r, v) => ({ ...r, purposes: r.purposes.map((p, i) => (i === 1 ? { ...p, id: v } : p)) })],
    ['extra.note', (r, v) => ({ ...r, extra: { note: v } })],
    ['{key 13}', (r, v) => ({ ...r, [v]: 'x' })],
    // The controller's phone passes only as the served policy has it.
    ['controller.phone', (r, v) => ({ ...r, controller: { ...r.controller, phone: v } })],
  ];
  for (const [kind, value] of Object.entries(identifiers())) {
    for (const [place, edit] of cases) {
      const what = `${kind} in a receipt's ${place}`;
      const answer = await assertRefused(what, 422, () => postJson(server.url, '/api/consent-receipts', edit(receiptFor(policy), value)));
      assert.deepEqual(answer.json?.fields?.map((f) => f.path), [place], `${what}: ${answer.text}`);
      assertNoDigitsOf(value, answer.text, what);
    }
  }
});

test('an e-mail address does not refuse a body', async () => {
  await assertStored('e-mail in the note', 200, server.registerFile, () =>
    postJson(server.url, '/api/register', { note: 'เขียนถึง somchaiqz@example.com', email: 'somchaiqz@example.com' }));
});

test('every finding is named, and a number is scanned like the text it is', async () => {
  const answer = await assertRefused('two findings', 422, () =>
    postJson(server.url, '/api/register', { note: `${RAW['a phone']} และ ${RAW['a passport']}`, items: [1234545678781] }));
  assert.deepEqual(answer.json.fields, [
    { path: 'note', kind: 'phone' },
    { path: 'note', kind: 'passport' },
    { path: 'items[0]', kind: 'national_id' },
  ]);
});

// ----- what the module's operators write passes ---------------------------------------------------

test('a registration with sealed fields and a keyed-hash field passes the scan and is stored as sent', async () => {
  const body = await registration();
  await assertStored('sealed registration', 200, server.registerFile, () => postJson(server.url, '/api/register', body));
  const lines = (await fsp.readFile(server.registerFile, 'utf8')).trimEnd().split('\n');
  assert.deepEqual(JSON.parse(lines.at(-1)), body);
});

test('a certificate request with its LINE link keyed-hashed passes', async () => {
  const body = {
    national_id: await seal('certificate', 'national_id', '1234545678781'),
    date_of_birth: '1990-02-14',
    line_user: keyedHash('line_user_id', `U${'0123456789abcdef'.repeat(2)}`),
  };
  await assertStored('certificate with line_user', 200, server.certificateFile, () => postJson(server.url, '/api/certificate', body));
});

test('the operator in the policy decides, not the look of the value: a keyed_hash field holding a raw ID is refused', async () => {
  const body = await registration();
  for (const value of [RAW['a national ID'], RAW['a passport'], `${keyedHash('passport', 'x')} ${RAW['a phone']}`]) {
    const answer = await assertRefused(`passport: ${value}`, 422, () => postJson(server.url, '/api/register', { ...body, passport: value }));
    assert.deepEqual(answer.json.fields.map((f) => f.path), ['passport']);
  }
  // A keyed hash is a keyed hash only where the policy says so; line_user is not a field of the
  // register form (its purposes lack line_link), so there it is scanned like any text.
  const answer = await assertRefused('line_user on the register form', 422, () =>
    postJson(server.url, '/api/register', { ...body, line_user: RAW['a phone'] }));
  assert.deepEqual(answer.json.fields.map((f) => f.path), ['line_user']);
});

test('what is not scanned is decided by the policy alone: a scanner that flags every text finds only the rest', async () => {
  // scanText finds nothing in a sealed string or a 64-hex hash today; this scanner does (it flags
  // every text but a lower-case word such as a key), so only the exemptions stand between these
  // values and a refusal.
  const flagAll = (text) => (/^[a-z_]+$/.test(text) ? [] : ['national_id']);
  const body = await registration();
  const paths = (leaks) => leaks.filter((l) => l.in !== 'key').map((l) => l.path);
  const scanned = Object.keys(body).filter((name) => !['national_id', 'phone', 'passport'].includes(name));
  assert.deepEqual(paths(findLeaks(body, flagAll, formExemption(policy, 'register'))), scanned,
    'register: the sealed fields and the keyed-hash passport are not scanned, everything else is');
  // The same body under a form that seals nothing and hashes nothing is scanned whole.
  assert.deepEqual(paths(findLeaks(body, flagAll, formExemption(policy, 'no-such-form'))), Object.keys(body));
  // A keyed_hash field is exempt only while it holds a keyed hash.
  assert.deepEqual(paths(findLeaks({ passport: 'AB1234567' }, flagAll, formExemption(policy, 'register'))), ['passport']);
  assert.deepEqual(paths(findLeaks({ passport: keyedHash('passport', 'x').toUpperCase() }, flagAll, formExemption(policy, 'register'))), ['passport']);
  // line_user is the link field of the certificate form only (its purposes hold line_link).
  const link = { line_user: keyedHash('line_user_id', 'U1') };
  assert.deepEqual(paths(findLeaks(link, flagAll, formExemption(policy, 'certificate'))), []);
  assert.deepEqual(paths(findLeaks(link, flagAll, formExemption(policy, 'register'))), ['line_user']);
  // A nested value named like a sealed field is not that field.
  assert.deepEqual(paths(findLeaks({ extra: { national_id: body.national_id } }, flagAll, formExemption(policy, 'register'))), ['extra.national_id']);

  const receipt = receiptFor(policy);
  const exempt = new Set(['receipt_id', 'subject', 'timestamp', 'policy.sha256', 'controller.name', 'controller.phone', 'controller.email', 'controller.website',
    ...receipt.purposes.map((_, i) => `purposes[${i}].revision`)]);
  const found = paths(findLeaks(receipt, flagAll, receiptExemption(policy)));
  assert.ok(found.length > 0);
  assert.deepEqual(found.filter((p) => exempt.has(p)), [], 'a value the module writes was scanned');
  assert.ok(found.includes('jurisdiction') && found.includes('policy.url') && found.includes('cookie_categories[0].revision'), found.join(', '));
  // The controller passes only with the served policy's details.
  const other = { ...receipt, controller: { ...receipt.controller, phone: '02 590 1000', name: 'someone else' } };
  assert.deepEqual(paths(findLeaks(other, flagAll, receiptExemption(policy))).filter((p) => p.startsWith('controller')), ['controller.name', 'controller.phone']);
});

test('a sealed field is left to the sealing check: not sealed is 400, not a leak 422', async () => {
  const body = await registration();
  const answer = await assertRefused('raw national_id', 400, () => postJson(server.url, '/api/register', { ...body, national_id: RAW['a national ID'] }));
  assert.equal(answer.json?.path, 'national_id');
  assertNoDigitsOf(RAW['a national ID'], answer.text, 'raw national_id');
});

test('a receipt as the module writes it passes: its ids, digests and the controller\'s own phone', async () => {
  await assertStored('receipt', 204, server.receiptsFile, () => postJson(server.url, '/api/consent-receipts', receiptFor(policy)));
  // The controller's name in English is the policy's too.
  const english = receiptFor(policy, { language: 'en' });
  english.controller = { ...english.controller, name: policy.controller.name.en };
  await assertStored('receipt in English', 204, server.receiptsFile, () => postJson(server.url, '/api/consent-receipts', english));
});

// ----- the shape of receipts and their ids --------------------------------------------------------

test('a receipt of another shape is refused with 400 naming the failing path', async () => {
  const cases = [
    ['version', (r) => ({ ...r, version: 'mohprompt-receipt/2' })],
    ['receipt_id', (r) => ({ ...r, receipt_id: r.receipt_id.toUpperCase() })],
    ['timestamp', (r) => ({ ...r, timestamp: 'yesterday' })],
    ['subject', (r) => { const { subject: _s, ...rest } = r; return rest; }],
    ['controller', (r) => ({ ...r, controller: 'MOPH' })],
    ['controller.email', (r) => ({ ...r, controller: { ...r.controller, email: 7 } })],
    ['policy.sha256', (r) => ({ ...r, policy: { ...r.policy, sha256: 'abc' } })],
    ['changed', (r) => ({ ...r, changed: 'contact' })],
    ['changed[0]', (r) => ({ ...r, changed: [null] })],
    ['purposes[1].state', (r) => ({ ...r, purposes: r.purposes.map((p, i) => (i === 1 ? { ...p, state: 'maybe' } : p)) })],
    ['purposes[0].revision', (r) => ({ ...r, purposes: r.purposes.map((p, i) => (i === 0 ? { ...p, revision: 1 } : p)) })],
    ['cookie_categories[2].revision', (r) => ({ ...r, cookie_categories: r.cookie_categories.map((c, i) => (i === 2 ? { ...c, revision: '1' } : c)) })],
    ['cookie_categories[0].id', (r) => ({ ...r, cookie_categories: [{ state: 'granted', revision: 1 }] })],
  ];
  for (const [pathName, edit] of cases) {
    const answer = await assertRefused(pathName, 400, () => postJson(server.url, '/api/consent-receipts', edit(receiptFor(policy))));
    assert.equal(answer.json?.error, 'receipt_shape', pathName);
    assert.equal(answer.json?.path, pathName, `${pathName}: ${answer.text}`);
  }
});

test('a receipt_id reused with other content is refused with 409 and not stored; the same content gets 204', async () => {
  const receipt = receiptFor(policy);
  await assertStored('first', 204, server.receiptsFile, () => postJson(server.url, '/api/consent-receipts', receipt));
  for (const other of [{ ...receipt, changed: ['news'] }, { ...receipt, timestamp: '2026-01-01T00:00:00Z' }, { ...receipt, extra: 'x' }]) {
    const answer = await assertRefused('other content', 409, () => postJson(server.url, '/api/consent-receipts', other));
    assert.equal(answer.json?.error, 'receipt_id_conflict');
    assert.equal(answer.json?.path, 'receipt_id');
  }
  await assertRefused('the same again', 204, () => postJson(server.url, '/api/consent-receipts', receipt));
});

test('a restarted server on the same data dir still refuses a reused receipt_id and stores a copy once', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mohprompt-receiver-restart-'));
  try {
    const receipts = [receiptFor(policy), receiptFor(policy, { collection_method: 'api' })];
    let s = await startServer({ port: 0, dataDir: dir });
    try {
      for (const r of receipts) assert.equal((await postJson(s.url, '/api/consent-receipts', r)).status, 204);
    } finally {
      await s.close();
    }
    const before = await fsp.readFile(s.receiptsFile, 'utf8');

    s = await startServer({ port: 0, dataDir: dir });
    try {
      for (const r of receipts) {
        assert.equal((await postJson(s.url, '/api/consent-receipts', r)).status, 204, 'a stored receipt sent again after a restart');
        assert.equal((await postJson(s.url, '/api/consent-receipts', { ...r, changed: ['news'] })).status, 409,
          'another receipt under a stored id after a restart');
      }
      assert.equal(await fsp.readFile(s.receiptsFile, 'utf8'), before, 'after a restart a stored receipt was stored again');
    } finally {
      await s.close();
    }
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});
