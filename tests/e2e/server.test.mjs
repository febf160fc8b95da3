// The demo server's own rules: the strict CSP on every response, correct MIME types, the
// JSON-lines endpoints (receipts stored once per receipt_id), the analytics endpoint and refusal
// of path traversal. No browser needed.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { test, before, after } from 'node:test';
import { startServer } from '../../www/server.mjs';
import { STRICT_CSP } from './harness.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let server;
let dataDir;

before(async () => {
  dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mohprompt-server-test-'));
  server = await startServer({ port: 0, dataDir });
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
  ];
  for (const [method, target] of targets) {
    const res = await fetch(server.url + target, { method });
    assert.equal(res.headers.get('content-security-policy'), STRICT_CSP, `${method} ${target}`);
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
    const res = await fetch(`${server.url}/api/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.ok(res.status === 200 || res.status === 204, `register answered ${res.status}`);
    await res.arrayBuffer();
  }
  const receipt = { receipt_id: randomUUID(), policy: { version: '2026.11-1' }, collection_method: 'banner' };
  const res = await fetch(`${server.url}/api/consent-receipts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(receipt),
  });
  assert.ok(res.status === 200 || res.status === 204, `receipts answered ${res.status}`);

  const lines = (await fsp.readFile(server.registerFile, 'utf8')).trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => JSON.parse(l)), bodies);
  const receipts = (await fsp.readFile(server.receiptsFile, 'utf8')).trimEnd().split('\n');
  assert.deepEqual(receipts.map((l) => JSON.parse(l)), [receipt]);
});

test('a body that is not a JSON object is refused and not stored', async () => {
  const before = fs.existsSync(server.receiptsFile) ? await fsp.readFile(server.receiptsFile, 'utf8') : '';
  for (const body of ['not json', '[1,2]', '"text"', 'null']) {
    const res = await fetch(`${server.url}/api/consent-receipts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    assert.equal(res.status, 400, body);
  }
  const big = JSON.stringify({ pad: 'x'.repeat(70 * 1024) });
  const res = await fetch(`${server.url}/api/consent-receipts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: big,
  });
  assert.equal(res.status, 413);
  const afterText = fs.existsSync(server.receiptsFile) ? await fsp.readFile(server.receiptsFile, 'utf8') : '';
  assert.equal(afterText, before);
});

function postReceipt(url, body) {
  return fetch(`${url}/api/consent-receipts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function storedReceipts(file) {
  const text = fs.existsSync(file) ? await fsp.readFile(file, 'utf8') : '';
  return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

test('a receipt sent again is answered 204 and stored once (dedup by receipt_id)', async () => {
  const first = { receipt_id: randomUUID(), collection_method: 'api', changed: ['news'] };
  const second = { receipt_id: randomUUID(), collection_method: 'api', changed: ['contact'] };
  for (const body of [first, first, second, first, second]) {
    const res = await postReceipt(server.url, body);
    assert.equal(res.status, 204, `POST of ${body.receipt_id} answered ${res.status}`);
  }
  // A retry need not be byte-identical: the id decides.
  const res = await postReceipt(server.url, { ...first, collection_method: 'changed in transit' });
  assert.equal(res.status, 204, 'a resent receipt with other content was not answered 204');
  const ids = (await storedReceipts(server.receiptsFile)).map((r) => r.receipt_id);
  assert.equal(ids.filter((id) => id === first.receipt_id).length, 1, `first stored ${ids.filter((id) => id === first.receipt_id).length} times`);
  assert.equal(ids.filter((id) => id === second.receipt_id).length, 1, `second stored ${ids.filter((id) => id === second.receipt_id).length} times`);
  const kept = (await storedReceipts(server.receiptsFile)).find((r) => r.receipt_id === first.receipt_id);
  assert.equal(kept.collection_method, 'api', 'a duplicate replaced the receipt first stored');
});

test('copies of one receipt sent at the same time are stored once', async () => {
  const receipt = { receipt_id: randomUUID(), collection_method: 'api' };
  const answers = await Promise.all(Array.from({ length: 12 }, () => postReceipt(server.url, receipt)));
  assert.deepEqual(answers.map((r) => r.status), Array(12).fill(204), 'every copy must be answered 204');
  const count = (await storedReceipts(server.receiptsFile)).filter((r) => r.receipt_id === receipt.receipt_id).length;
  assert.equal(count, 1, `12 concurrent copies were stored ${count} times`);
});

test('a receipt without a string receipt_id is refused with 400 and not stored', async () => {
  const before = fs.existsSync(server.receiptsFile) ? await fsp.readFile(server.receiptsFile, 'utf8') : '';
  for (const body of [{}, { receipt_id: 42 }, { receipt_id: '' }, { receipt_id: null }, { receipt_id: ['a'] }]) {
    const res = await postReceipt(server.url, body);
    assert.equal(res.status, 400, `${JSON.stringify(body)} answered ${res.status}`);
    assert.match(await res.text(), /receipt_id/, `the 400 answer to ${JSON.stringify(body)} does not say what is missing`);
  }
  const afterText = fs.existsSync(server.receiptsFile) ? await fsp.readFile(server.receiptsFile, 'utf8') : '';
  assert.equal(afterText, before, 'a refused receipt was stored');
});

test('a restarted server still knows the receipt ids in its file', async () => {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mohprompt-server-restart-'));
  try {
    const known = { receipt_id: randomUUID(), collection_method: 'banner' };
    let s = await startServer({ port: 0, dataDir: dir });
    assert.equal((await postReceipt(s.url, known)).status, 204);
    await s.close();

    s = await startServer({ port: 0, dataDir: dir });
    try {
      const fresh = { receipt_id: randomUUID(), collection_method: 'api' };
      assert.equal((await postReceipt(s.url, known)).status, 204, 'a known receipt was not answered 204 after a restart');
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
