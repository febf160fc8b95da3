// The demo server's side of sealed fields: it publishes one HPKE key in /policy.json, stores a
// form only when every field the policy seals arrives sealed to that key for that very form and
// field and holds a valid identifier, and never stores, echoes or answers with a plaintext.
// The sender here is @hpke/core with the key read from /policy.json, the way the browser does it;
// the info is built in this file, from the format, not taken from the server's code. No browser.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, before, after } from 'node:test';
import { startServer } from '../../www/server.mjs';
import { checkIdentifier, openSealed } from '../../www/sealing.mjs';
import { flipCiphertextChar, postJson, sealAsBrowser } from './harness.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUITE = 'DHKEM(P-256, HKDF-SHA256)/HKDF-SHA256/AES-128-GCM';
const SERVED_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
// The fields the policy seals, by form (the repo's policy may still declare other operators:
// the server under test gets a copy in which these say "seal").
const SEALED = { register: ['national_id', 'passport', 'phone'], certificate: ['national_id', 'passport', 'phone'] };

// The normalised values the browser seals, and the spellings a leak of them could take.
const ID = '1234545678781';
const PASSPORT = 'AB1234567';
const PHONE = '+66812345678';
const BAD_ID = '1234545678789';
const PLAINTEXT_SPELLINGS = [
  ID, '1-2345-45678-78-1', '1 2345 45678 78 1', '123454567878',
  BAD_ID, '1-2345-45678-78-9',
  PASSPORT, 'ab1234567', '1234567',
  PHONE, '0812345678', '081-234-5678', '081 234 5678', '812345678', '66812345678',
];

let server;
let dataDir;
let policy;
let publishedKey;

before(async () => {
  dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mohprompt-sealing-test-'));
  policy = JSON.parse(await fsp.readFile(path.join(REPO, 'policy', 'mohprompt.json'), 'utf8'));
  for (const [form, names] of Object.entries(SEALED)) {
    for (const field of policy.forms[form].fields) {
      if (names.includes(field.name)) field.operator = 'seal';
    }
  }
  const policyFile = path.join(dataDir, 'policy-sealed.json');
  await fsp.writeFile(policyFile, JSON.stringify(policy));
  server = await startServer({ port: 0, dataDir: path.join(dataDir, 'data'), policyFile });
  const served = await (await fetch(`${server.url}/policy.json`)).json();
  publishedKey = served.keys[0];
});
after(async () => {
  await server?.close();
  await fsp.rm(dataDir, { recursive: true, force: true });
});

/** Seals `text` as the browser does, for this server's policy version unless told. */
function seal(key, { version = policy.version, form, field }, text) {
  return sealAsBrowser(key, { version, form, field }, text);
}

/** A registration with its three identifiers sealed for the register form. */
async function sealedRegistration() {
  return {
    given_name: 'Kanyaratqv',
    family_name: 'Srisawatqw',
    date_of_birth: '1990-02-14',
    national_id: await seal(publishedKey, { form: 'register', field: 'national_id' }, ID),
    passport: await seal(publishedKey, { form: 'register', field: 'passport' }, PASSPORT),
    phone: await seal(publishedKey, { form: 'register', field: 'phone' }, PHONE),
    email: 'somchaiqz@example.com',
  };
}

/** Posts as the server's own page does: same Origin, application/json. */
async function post(form, body) {
  const { status, text } = await postJson(server.url, `/api/${form}`, body);
  return { status, text };
}

function fileFor(form) {
  return form === 'register' ? server.registerFile : server.certificateFile;
}

async function stored(form) {
  const file = fileFor(form);
  return fs.existsSync(file) ? fsp.readFile(file, 'utf8') : '';
}

function assertNoPlaintext(text, what) {
  for (const spelling of PLAINTEXT_SPELLINGS) {
    assert.ok(!text.includes(spelling), `${what} contains the plaintext "${spelling}"`);
  }
}

/** Posts `body`, expects it refused with `status` naming `field`, and nothing stored. */
async function assertRefused(form, body, { status, field, reason }) {
  const before = await stored(form);
  const answer = await post(form, body);
  assert.equal(answer.status, status, `expected ${status}, got ${answer.status}: ${answer.text}`);
  assert.match(answer.text, new RegExp(`\\b${field}\\b`), `the answer does not name ${field}: ${answer.text}`);
  if (reason) assert.match(answer.text, reason);
  assertNoPlaintext(answer.text, 'the refusal');
  assert.equal(await stored(form), before, 'a refused body was stored');
  return answer;
}

test('/policy.json publishes exactly one key: this run\'s, with the suite and a 65-byte P-256 point', async () => {
  const res = await fetch(`${server.url}/policy.json`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type').split(';')[0], 'application/json');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('content-security-policy'), SERVED_CSP);
  const served = await res.json();
  assert.equal(served.keys.length, 1, `keys: ${JSON.stringify(served.keys)}`);
  const [key] = served.keys;
  assert.deepEqual(Object.keys(key).sort(), ['kid', 'public_key', 'suite']);
  assert.equal(key.suite, SUITE);
  assert.match(key.kid, /^demo-[0-9a-f]{8}$/);
  assert.equal(key.kid, server.seal.kid);
  assert.match(key.public_key, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
  const point = Buffer.from(key.public_key, 'base64url');
  assert.equal(point.length, 65);
  assert.equal(point[0], 4, 'an uncompressed SEC1 point starts with 0x04');
  assert.equal(key.public_key, server.seal.publicKey);
  const { keys: _published, ...rest } = served;
  const { keys: _onDisk, ...expected } = policy;
  assert.deepEqual(rest, expected, 'apart from keys, /policy.json is the policy file');
});

test('a registration with national_id, passport and phone sealed is stored as sealed strings only', async () => {
  const body = await sealedRegistration();
  const before = await stored('register');
  const answer = await post('register', body);
  assert.equal(answer.status, 200, answer.text);
  const text = await stored('register');
  const added = text.slice(before.length);
  assert.equal(added.split('\n').filter(Boolean).length, 1, 'one body, one line');
  assert.deepEqual(JSON.parse(added), body, 'the body is stored as received');
  assertNoPlaintext(text, 'the register file');
  // The stored strings are real sealed values: the server's key opens them.
  const version = policy.version;
  assert.equal(await openSealed(server.seal, { version, form: 'register', field: 'national_id' }, body.national_id), ID);
  assert.equal(await openSealed(server.seal, { version, form: 'register', field: 'phone' }, body.phone), PHONE);
});

test('a certificate request with its national_id sealed for the certificate form is stored', async () => {
  const body = {
    national_id: await seal(publishedKey, { form: 'certificate', field: 'national_id' }, ID),
    date_of_birth: '1990-02-14',
  };
  const answer = await post('certificate', body);
  assert.equal(answer.status, 200, answer.text);
  const lines = (await stored('certificate')).trimEnd().split('\n');
  assert.deepEqual(JSON.parse(lines.at(-1)), body);
  assertNoPlaintext(await stored('certificate'), 'the certificate file');
});

test('a ciphertext with one character changed is refused and nothing is stored', async () => {
  const body = await sealedRegistration();
  body.passport = flipCiphertextChar(body.passport);
  await assertRefused('register', body, { status: 422, field: 'passport', reason: /does not open/ });
});

test('a value sealed to an unknown kid, or to another key under this kid, is refused', async () => {
  const other = await startServer({ port: 0, dataDir: path.join(dataDir, 'other') });
  try {
    const otherKey = { kid: other.seal.kid, public_key: other.seal.publicKey };
    assert.notEqual(otherKey.kid, publishedKey.kid);
    const body = await sealedRegistration();
    body.national_id = await seal(otherKey, { form: 'register', field: 'national_id' }, ID);
    await assertRefused('register', body, { status: 422, field: 'national_id', reason: /not this server's key/ });

    // The other server's key, labelled with this server's kid: the kid matches, the key does not.
    body.national_id = await seal({ ...otherKey, kid: publishedKey.kid }, { form: 'register', field: 'national_id' }, ID);
    await assertRefused('register', body, { status: 422, field: 'national_id', reason: /does not open/ });
  } finally {
    await other.close();
  }
  const body = await sealedRegistration();
  body.phone = body.phone.replace(`hpke1.${publishedKey.kid}.`, 'hpke1.demo-00000000.');
  await assertRefused('register', body, { status: 422, field: 'phone' });
});

test('a sealed value moved to another field or another form is refused', async () => {
  const body = await sealedRegistration();
  // The phone's sealed value posted as the passport: it opens only for field "phone".
  await assertRefused('register', { ...body, passport: body.phone }, { status: 422, field: 'passport', reason: /does not open/ });
  // The register form's sealed national_id posted in the certificate form.
  await assertRefused(
    'certificate',
    { national_id: body.national_id, date_of_birth: '1990-02-14' },
    { status: 422, field: 'national_id', reason: /does not open/ },
  );
  // Sealed under another policy version: the info differs, so it does not open either.
  const stale = await seal(publishedKey, { version: `${policy.version}-old`, form: 'register', field: 'national_id' }, ID);
  await assertRefused('register', { ...body, national_id: stale }, { status: 422, field: 'national_id' });
});

test('a national_id sent as it was typed, not sealed, is refused', async () => {
  const body = await sealedRegistration();
  for (const raw of [ID, '1-2345-45678-78-1', `hpke1.${ID}`]) {
    await assertRefused('register', { ...body, national_id: raw }, { status: 400, field: 'national_id', reason: /not sealed|malformed/ });
  }
  await assertRefused('register', { ...body, national_id: 1234545678781 }, { status: 400, field: 'national_id' });
  await assertRefused('register', { ...body, phone: '' }, { status: 400, field: 'phone' });
});

test('a sealed national_id with a wrong check digit is refused, naming the field and not the digits', async () => {
  const body = await sealedRegistration();
  body.national_id = await seal(publishedKey, { form: 'register', field: 'national_id' }, BAD_ID);
  const answer = await assertRefused('register', body, { status: 422, field: 'national_id', reason: /check digit/ });
  assert.ok(!answer.text.includes(BAD_ID));
});

test('no refusal answer contains the plaintext it refused', async () => {
  const cases = [
    ['national_id', '3100600445636'],
    ['national_id', '0234545678781'],
    ['national_id', '123454567878'],
    ['passport', 'AB12'],
    ['passport', 'ab1234567'],
    ['passport', 'ABCDEFGH'],
    ['phone', '0812345678'],
    ['phone', '+16502530000'],
    ['phone', '+668123456'],
    ['phone', ''],
  ];
  for (const [field, plaintext] of cases) {
    const body = await sealedRegistration();
    body[field] = await seal(publishedKey, { form: 'register', field }, plaintext);
    const answer = await assertRefused('register', body, { status: 422, field });
    if (plaintext !== '') assert.ok(!answer.text.includes(plaintext), `the answer for ${field} contains "${plaintext}"`);
  }
});

test('fields the policy does not seal are stored as before, and a form without sealed fields passes', async () => {
  const answer = await post('register', { given_name: 'Kanyaratqv', email: 'somchaiqz@example.com', note: 'x' });
  assert.equal(answer.status, 200, answer.text);
  const lines = (await stored('register')).trimEnd().split('\n');
  assert.deepEqual(JSON.parse(lines.at(-1)), { given_name: 'Kanyaratqv', email: 'somchaiqz@example.com', note: 'x' });
});

test('the identifier checks accept what the browser normalises to and nothing else', () => {
  const valid = {
    national_id: [ID, '3100600445635', '1112034563562'],
    passport: [PASSPORT, 'A123456', 'X1234567Z'],
    phone: [PHONE, '+6621234567', '+6653123456', '+661800123456', '+66612345678'],
  };
  const invalid = {
    national_id: [BAD_ID, '9234545678781', '1-2345-45678-78-1', ' 1234545678781', '๑๒๓๔๕๔๕๖๗๘๗๘๑'],
    passport: ['AB 1234567', 'ABCDEFG', 'AB123', 'AB123456789X', 'AB-123456'],
    phone: ['+6681234567', '+668123456789', '+66112345678', '+66 81 234 5678', '0812345678'],
  };
  for (const [kind, values] of Object.entries(valid)) {
    for (const value of values) assert.doesNotThrow(() => checkIdentifier(kind, value), `${kind} ${value}`);
  }
  for (const [kind, values] of Object.entries(invalid)) {
    for (const value of values) {
      assert.throws(() => checkIdentifier(kind, value), (err) => {
        assert.equal(err.field, kind);
        assert.ok(!err.message.includes(value), `the error repeats "${value}"`);
        return true;
      }, `${kind} ${value} was accepted`);
    }
  }
});
