// The demo server's own rules: the strict CSP on every response, correct MIME types, the
// JSON-lines endpoints (receipts stored once per receipt_id), the analytics endpoint and refusal
// of path traversal. No browser needed. What it refuses as a receiver (other origins, other media
// types, raw identifiers, receipts of another shape or a reused id) is in receiver.test.mjs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { test, before, after } from 'node:test';
import { startServer } from '../../www/server.mjs';
import { postJson, receiptFor } from './harness.mjs';

// The header every response carries: the module sends forms with fetch, so no form action is
// allowed at all (form-action 'none' is the browser's backstop against a native submission).
const SERVED_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let server;
let dataDir;
let policy;

before(async () => {
  dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mohprompt-server-test-'));
  server = await startServer({ port: 0, dataDir });
  policy = await (await fetch(`${server.url}/policy.json`)).json();
});
after(async () => {
  await server.close();
  await fsp.rm(dataDir, { recursive: true, force: true });
});

// fetch() normalises `..` away before sending, so traversal attempts go over a raw socket.
function rawGet(target) {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (data += chunk));
    socket.on('end', () => resolve({ status: Number(data.split(' ')[1]), text: data }));
    socket.on('error', reject);
  });
}

test('startServer on port 0 reports a loopback URL and two JSON-lines files in the data dir', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(new URL(server.url).port, '0');
  assert.equal(path.dirname(server.registerFile), dataDir);
  assert.equal(path.dirname(server.receiptsFile), dataDir);
  assert.notEqual(server.registerFile, server.receiptsFile);
});

test('every response carries the strict Content-Security-Policy, errors included', async () => {
  const targets = [
    ['GET', '/'],
    ['GET', '/app.js'],
    ['GET', '/style.css'],
    ['GET', '/policy.json'],
    ['GET', '/no-such-page'],
    ['GET', '/collect'],
    ['POST', '/collect'],
    ['GET', '/api/register'],
    ['POST', '/api/register'],
  ];
  for (const [method, target] of targets) {
    const res = await fetch(server.url + target, { method });
    assert.equal(res.headers.get('content-security-policy'), SERVED_CSP, `${method} ${target}`);
    await res.arrayBuffer();
  }
});

test('files are served with their MIME types', async () => {
  const expected = {
    '/': 'text/html',
    '/index.html': 'text/html',
    '/app.js': 'text/javascript',
    '/demo/stats.js': 'text/javascript',
    '/style.css': 'text/css',
    '/policy.json': 'application/json',
  };
  if (fs.existsSync(path.join(REPO, 'pkg', 'mohprompt_privacy_bg.wasm'))) {
    expected['/pkg/mohprompt_privacy_bg.wasm'] = 'application/wasm';
    expected['/pkg/mohprompt_privacy.js'] = 'text/javascript';
    expected['/pkg/privacy.css'] = 'text/css';
  }
  for (const [target, type] of Object.entries(expected)) {
    const res = await fetch(server.url + target);
    assert.equal(res.status, 200, target);
    assert.equal(res.headers.get('content-type').split(';')[0], type, target);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', target);
    await res.arrayBuffer();
  }
});

// node:http, not fetch: fetch asks for gzip itself and decodes what comes back.
function getRaw(target, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get(server.url + target, { headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

test('JS, wasm and the policy go out gzip when the request accepts it, as they are otherwise', async () => {
  const files = { '/app.js': path.join(REPO, 'www', 'app.js') };
  if (fs.existsSync(path.join(REPO, 'pkg', 'mohprompt_privacy_bg.wasm'))) {
    files['/pkg/mohprompt_privacy_bg.wasm'] = path.join(REPO, 'pkg', 'mohprompt_privacy_bg.wasm');
    files['/pkg/mohprompt_privacy.js'] = path.join(REPO, 'pkg', 'mohprompt_privacy.js');
  }
  for (const [target, file] of Object.entries(files)) {
    const onDisk = await fsp.readFile(file);
    const gz = await getRaw(target, { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(gz.status, 200, target);
    assert.equal(gz.headers['content-encoding'], 'gzip', `${target} asked with gzip`);
    assert.match(gz.headers.vary ?? '', /accept-encoding/i, `${target}: Vary`);
    assert.equal(Number(gz.headers['content-length']), gz.body.length, `${target}: Content-Length is the gzip body's`);
    assert.ok(gz.body.length < onDisk.length, `${target}: the gzip body is smaller than the file`);
    assert.deepEqual(gunzipSync(gz.body), onDisk, `${target}: the gzip body is the file`);
    assert.equal(gz.headers['content-security-policy'], SERVED_CSP, `${target}: CSP on the gzip answer`);

    for (const headers of [{}, { 'Accept-Encoding': 'identity' }, { 'Accept-Encoding': 'gzip;q=0, br' }]) {
      const plain = await getRaw(target, headers);
      const asked = JSON.stringify(headers);
      assert.equal(plain.status, 200, `${target} ${asked}`);
      assert.equal(plain.headers['content-encoding'], undefined, `${target} ${asked}: identity`);
      assert.match(plain.headers.vary ?? '', /accept-encoding/i, `${target} ${asked}: Vary`);
      assert.deepEqual(plain.body, onDisk, `${target} ${asked}: the file as it is`);
    }
  }
  const policy = await getRaw('/policy.json', { 'Accept-Encoding': 'gzip' });
  assert.equal(policy.headers['content-encoding'], 'gzip', '/policy.json asked with gzip');
  const identity = await getRaw('/policy.json');
  assert.equal(identity.headers['content-encoding'], undefined, '/policy.json asked without gzip');
  assert.deepEqual(JSON.parse(gunzipSync(policy.body)), JSON.parse(identity.body), '/policy.json: the same policy either way');
  const icon = await getRaw('/favicon.svg', { 'Accept-Encoding': 'gzip' });
  assert.equal(icon.headers['content-encoding'], 'gzip', '/favicon.svg asked with gzip');
});

test('/policy.json is policy/mohprompt.json with this server\'s sealing key as its only key', async () => {
  const served = await (await fetch(`${server.url}/policy.json`)).json();
  const onDisk = JSON.parse(await fsp.readFile(path.join(REPO, 'policy', 'mohprompt.json'), 'utf8'));
  const key = { kid: server.seal.kid, suite: 'DHKEM(P-256, HKDF-SHA256)/HKDF-SHA256/AES-128-GCM', public_key: server.seal.publicKey };
  assert.deepEqual(served, { ...onDisk, keys: [key] });
});

test('the demo analytics endpoint answers GET and POST /collect with 204', async () => {
  for (const method of ['GET', 'POST']) {
    const res = await fetch(`${server.url}/collect`, { method });
    assert.equal(res.status, 204, method);
  }
});

test('POST /api/register and /api/consent-receipts append one JSON line per body', async () => {
  const bodies = [{ form: 'register', n: 1 }, { form: 'register', n: 2, note: 'ทดสอบ\nสองบรรทัด' }];
  for (const body of bodies) {
    const answer = await postJson(server.url, '/api/register', body);
    assert.equal(answer.status, 200, `register answered ${answer.status}: ${answer.text}`);
    assert.deepEqual(answer.json, { ok: true });
  }
  const receipt = receiptFor(policy);
  const answer = await postJson(server.url, '/api/consent-receipts', receipt);
  assert.equal(answer.status, 204, `receipts answered ${answer.status}: ${answer.text}`);

  const lines = (await fsp.readFile(server.registerFile, 'utf8')).trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => JSON.parse(l)), bodies);
  const receipts = (await fsp.readFile(server.receiptsFile, 'utf8')).trimEnd().split('\n');
  assert.deepEqual(receipts.map((l) => JSON.parse(l)), [receipt]);
});

test('a body that is not a JSON object is refused and not stored', async () => {
  const before = fs.existsSync(server.receiptsFile) ? await fsp.readFile(server.receiptsFile, 'utf8') : '';
  for (const body of ['not json', '[1,2]', '"text"', 'null']) {
    const answer = await postJson(server.url, '/api/consent-receipts', body);
    assert.equal(answer.status, 400, body);
  }
  const big = JSON.stringify({ pad: 'x'.repeat(70 * 1024) });
  const answer = await postJson(server.url, '/api/consent-receipts', big);
  assert.equal(answer.status, 413);
  const afterText = fs.existsSync(server.receiptsFile) ? await fsp.readFile(server.receiptsFile, 'utf8') : '';
  assert.equal(afterText, before);
});

const postReceipt = (url, body) => postJson(url, '/api/consent-receipts', body);

async function storedReceipts(file) {
  const text = fs.existsSync(file) ? await fsp.readFile(file, 'utf8') : '';
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

/** The same object with its keys in the reverse order, at every level. */
function reversedKeys(value) {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, reversedKeys(value[k])]));
}

test('a receipt sent again is answered 204 and stored once (dedup by receipt_id)', async () => {
  const first = receiptFor(policy, { collection_method: 'api', changed: ['news'] });
  const second = receiptFor(policy, { collection_method: 'api', changed: ['contact'] });
  for (const body of [first, first, second, first, second]) {
    const answer = await postReceipt(server.url, body);
    assert.equal(answer.status, 204, `POST of ${body.receipt_id} answered ${answer.status}: ${answer.text}`);
  }
  // A retry need not be byte-identical: the same content with its keys in another order (as the
  // module writes a receipt again after reading its queue back from storage) is the same receipt.
  const answer = await postReceipt(server.url, reversedKeys(first));
  assert.equal(answer.status, 204, `the same receipt with its keys reordered answered ${answer.status}: ${answer.text}`);
  const ids = (await storedReceipts(server.receiptsFile)).map((r) => r.receipt_id);
  assert.equal(ids.filter((id) => id === first.receipt_id).length, 1, `first stored ${ids.filter((id) => id === first.receipt_id).length} times`);
  assert.equal(ids.filter((id) => id === second.receipt_id).length, 1, `second stored ${ids.filter((id) => id === second.receipt_id).length} times`);
  const kept = (await storedReceipts(server.receiptsFile)).find((r) => r.receipt_id === first.receipt_id);
  assert.deepEqual(kept, first, 'a duplicate replaced the receipt first stored');
});

test('copies of one receipt sent at the same time are stored once', async () => {
  const receipt = receiptFor(policy, { collection_method: 'api' });
  const answers = await Promise.all(Array.from({ length: 12 }, () => postReceipt(server.url, receipt)));
  assert.deepEqual(answers.map((r) => r.status), Array(12).fill(204), 'every copy must be answered 204');
  const count = (await storedReceipts(server.receiptsFile)).filter((r) => r.receipt_id === receipt.receipt_id).length;
  assert.equal(count, 1, `12 concurrent copies were stored ${count} times`);
});

test('two receipts with one receipt_id sent at the same time: one is stored, the other gets 409', async () => {
  const a = receiptFor(policy, { collection_method: 'api', changed: ['news'] });
  const b = { ...a, changed: ['contact'] };
  const answers = await Promise.all([a, b, a, b, a, b].map((body) => postReceipt(server.url, body)));
  const stored = (await storedReceipts(server.receiptsFile)).filter((r) => r.receipt_id === a.receipt_id);
  assert.equal(stored.length, 1, `${stored.length} receipts with one id were stored`);
  const winner = stored[0].changed[0] === 'news' ? 'a' : 'b';
  const expected = ['a', 'b', 'a', 'b', 'a', 'b'].map((which) => (which === winner ? 204 : 409));
  assert.deepEqual(answers.map((r) => r.status), expected, `the copies of ${winner} must get 204, the others 409`);
});

test('a receipt without a string receipt_id is refused with 400 and not stored', async () => {
  const before = fs.existsSync(server.receiptsFile) ? await fsp.readFile(server.receiptsFile, 'utf8') : '';
  const { receipt_id: _id, ...withoutId } = receiptFor(policy);
  for (const body of [{}, withoutId, { ...withoutId, receipt_id: 42 }, { ...withoutId, receipt_id: '' }, { ...withoutId, receipt_id: null }, { ...withoutId, receipt_id: ['a'] }]) {
    const answer = await postReceipt(server.url, body);
    assert.equal(answer.status, 400, `${JSON.stringify(body.receipt_id)} answered ${answer.status}`);
    assert.equal(answer.json?.path, 'receipt_id', `the 400 answer does not say what is missing: ${answer.text}`);
  }
  const afterText = fs.existsSync(server.receiptsFile) ? await fsp.readFile(server.receiptsFile, 'utf8') : '';
  assert.equal(afterText, before, 'a refused receipt was stored');
});

test('a restarted server still knows the receipt ids in its file', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mohprompt-server-restart-'));
  try {
    const known = receiptFor(policy);
    let s = await startServer({ port: 0, dataDir: dir });
    try {
      assert.equal((await postReceipt(s.url, known)).status, 204);
    } finally {
      await s.close();
    }

    s = await startServer({ port: 0, dataDir: dir });
    try {
      const fresh = receiptFor(policy, { collection_method: 'api' });
      assert.equal((await postReceipt(s.url, known)).status, 204, 'a known receipt was not answered 204 after a restart');
      assert.equal((await postReceipt(s.url, { ...known, changed: ['news'] })).status, 409,
        'after a restart, another receipt under a stored id was not refused');
      assert.equal((await postReceipt(s.url, fresh)).status, 204);
      const ids = (await storedReceipts(s.receiptsFile)).map((r) => r.receipt_id);
      assert.deepEqual(ids, [known.receipt_id, fresh.receipt_id], 'after a restart a known receipt was stored again or a new one lost');
    } finally {
      await s.close();
    }
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
});

test('path traversal out of www/ and pkg/ is refused', async () => {
  const attempts = [
    '/../package.json',
    '/../../etc/passwd',
    '/%2e%2e/package.json',
    '/%2E%2E%2Fpackage.json',
    '/pkg/../../package.json',
    '/pkg/%2e%2e/package.json',
    '/demo/..%2f..%2fpackage.json',
    '/..%5cpackage.json',
    '/%00index.html',
  ];
  for (const target of attempts) {
    const res = await rawGet(target);
    assert.ok(res.status === 400 || res.status === 403 || res.status === 404, `${target} answered ${res.status}`);
    assert.doesNotMatch(res.text, /mohprompt-privacy-dev|root:x:0/, `${target} leaked a file`);
  }
});

test('only the listed endpoints accept POST', async () => {
  const res = await fetch(`${server.url}/index.html`, { method: 'POST', body: '{}' });
  assert.equal(res.status, 405);
  const get = await fetch(`${server.url}/api/register`);
  assert.equal(get.status, 405);
});
