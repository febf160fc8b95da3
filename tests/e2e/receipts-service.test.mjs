// The demo page with the receipts service behind it, as `make run` has them: receipts the module
// makes in Chromium reach `mohprompt-privacy serve` (SQLite) through the demo server on the
// page's own origin, and the office's consent-at-a-time answer is what the person chose; when
// the store cannot be written the service answers 503, the module keeps the receipt in its queue
// and delivers it later, once.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from '../../www/server.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH, RECEIPTS_ENDPOINT, SEL, openSession } from './harness.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(REPO, 'target', 'debug', 'mohprompt-privacy');
const TOKEN = 'e2e-office-token-0123456789';
const QUEUE_KEY = 'mp_receipts';

const demo = {};

before(async () => {
  const build = spawnSync('cargo', ['build', '--quiet', '--features', 'serve', '--bin', 'mohprompt-privacy'], {
    cwd: REPO, encoding: 'utf8', timeout: 570_000,
  });
  assert.equal(build.status, 0, `cargo build --features serve failed:\n${build.stderr}`);
  demo.dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mohprompt-service-e2e-'));
  demo.dbFile = path.join(demo.dataDir, 'receipts.db');
  await fsp.writeFile(path.join(demo.dataDir, 'token'), TOKEN);
  // The service needs the page's origin, known once the demo server has its port.
  demo.server = await startServer({ port: 0, dataDir: demo.dataDir, receiptsService: () => demo.serviceUrl });
  const port = new URL(demo.server.url).port;
  demo.service = spawn(CLI, [
    'serve', '--db', `sqlite://${demo.dbFile}`, '--listen', '127.0.0.1:0',
    '--allow-origin', demo.server.url, '--allow-origin', `http://localhost:${port}`,
    '--admin-token-file', path.join(demo.dataDir, 'token'),
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await readline.createInterface({ input: demo.service.stdout })[Symbol.asyncIterator]().next()
    .then(({ value }) => [value]);
  assert.match(line ?? '', /^listening on http:\/\//, 'the receipts service did not start');
  demo.serviceUrl = line.replace('listening on ', '');
  demo.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  demo.policy = await (await fetch(`${demo.server.url}/policy.json`)).json();
  demo.session = (t) => openSession({ url: demo.server.url, browser: demo.browser, policy: demo.policy }, t);
});

after(async () => {
  await demo.browser?.close().catch(() => {});
  await demo.server?.close();
  demo.service?.kill('SIGKILL');
  if (demo.dataDir) await fsp.rm(demo.dataDir, { recursive: true, force: true });
});

/** A GET of the office's endpoints, with the token. */
async function office(pathname) {
  const response = await fetch(`${demo.serviceUrl}${pathname}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: response.status, body: await response.json() };
}

/** Waits until the service holds each id for `subject`; returns its receipts, oldest first. */
async function waitForService(subject, ids, deadlineMs) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const { body } = await office(`/subjects/${subject}/receipts`);
    const have = body.map((r) => r.receipt_id);
    if (ids.every((id) => have.includes(id))) return body;
    if (Date.now() > end) throw new Error(`${ids.filter((id) => !have.includes(id)).length} receipt(s) did not reach the service in ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One decision through the page's API, then its receipt and decisions() after it. */
async function decide(s, act) {
  const count = await s.page.evaluate(() => window.privacy.receipts().length);
  await act();
  await s.page.waitForFunction((n) => window.privacy.receipts().length > n, count);
  return s.page.evaluate(() => ({ receipt: window.privacy.receipts().at(-1), decisions: window.privacy.decisions() }));
}

test('receipts made in Chromium land in the service, and consent at each time is what the person chose', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  const steps = [];
  steps.push(await decide(s, async () => {
    await s.page.click(SEL.bannerAction('reject-all'));
    await s.waitForBannerGone();
  }));
  // Receipts name whole seconds: a second apart, each time answers with its own receipt.
  for (const [id, granted] of [['statistics', true], ['news', true], ['contact', true], ['news', false]]) {
    await new Promise((r) => setTimeout(r, 1100));
    steps.push(await decide(s, () => s.page.evaluate(([i, g]) => window.privacy.set(i, g), [id, granted])));
  }
  const subject = steps[0].receipt.subject;
  const ids = steps.map((step) => step.receipt.receipt_id);
  const stored = await waitForService(subject, ids, 15_000);
  assert.deepEqual(stored.map((r) => r.receipt_id), ids, 'the service holds each receipt once, oldest first');
  assert.deepEqual(stored, steps.map((step) => step.receipt), 'the service holds the receipts as the module made them');

  const ids_of = (list) => Object.fromEntries(list.map((id) => [id, true]));
  for (const [i, { receipt, decisions }] of steps.entries()) {
    const { status, body } = await office(`/subjects/${subject}/consent?at=${receipt.timestamp}`);
    assert.equal(status, 200, `step ${i}`);
    assert.equal(body.receipt_id, receipt.receipt_id, `step ${i}: the receipt in force`);
    assert.equal(body.policy.version, demo.policy.version, `step ${i}: the policy version`);
    for (const p of demo.policy.purposes) {
      assert.equal(body.purposes[p.id].state, decisions[p.id], `step ${i}: purpose ${p.id}`);
    }
    for (const c of demo.policy.categories) {
      assert.equal(body.cookie_categories[c.id].state, decisions[c.id], `step ${i}: category ${c.id}`);
    }
    const granted = Object.keys(decisions).filter((id) => decisions[id] === 'granted');
    assert.deepEqual(ids_of(body.granted), ids_of(granted), `step ${i}: granted`);
  }
  const first = Date.parse(steps[0].receipt.timestamp) - 1000;
  const before = await office(`/subjects/${subject}/consent?at=${new Date(first).toISOString().replace(/\.\d+Z$/, 'Z')}`);
  assert.equal(before.status, 404, 'nothing was in force before the first decision');
});

test('with the store locked the service answers 503; the module keeps the receipt and delivers it later, once', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  // Another process holds SQLite's write lock for longer than the service waits (5 s).
  const lock = spawn('python3', ['-c', [
    'import sqlite3, sys',
    `c = sqlite3.connect(${JSON.stringify(demo.dbFile)}, isolation_level=None)`,
    "c.execute('BEGIN EXCLUSIVE')",
    "print('locked', flush=True)",
    'sys.stdin.read()',
  ].join('\n')], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => lock.kill());
  const { value: locked } = await readline.createInterface({ input: lock.stdout })[Symbol.asyncIterator]().next();
  assert.equal(locked, 'locked');

  const { receipt } = await decide(s, async () => {
    await s.page.click(SEL.bannerAction('accept-all'));
    await s.waitForBannerGone();
  });
  const id = receipt.receipt_id;
  await s.page.waitForFunction(() => true);
  const end = Date.now() + 15_000;
  while (!s.requests.some((r) => r.path === RECEIPTS_ENDPOINT && r.status === 503 && r.postData?.includes(id))) {
    assert.ok(Date.now() < end, 'no 503 answer for the receipt while the store was locked');
    await new Promise((r) => setTimeout(r, 100));
  }
  const queued = await s.localStorageItem(QUEUE_KEY);
  assert.ok(queued?.includes(id), 'the receipt is not in the module\'s queue after the 503');
  assert.deepEqual((await office(`/subjects/${receipt.subject}/receipts`)).body, [], 'stored while the store was locked');

  lock.stdin.end();
  const stored = await waitForService(receipt.subject, [id], 40_000);
  assert.deepEqual(stored, [receipt], 'the receipt landed once, as made');
  const answers = s.requests.filter((r) => r.path === RECEIPTS_ENDPOINT && r.postData?.includes(id)).map((r) => r.status);
  t.diagnostic(`answers to the receipt's POSTs: ${answers.join(', ')}`);
  assert.ok(answers.includes(201), 'no 201 once the store was free again');
});

test('a page of another origin cannot post to the service through the demo', async () => {
  const response = await fetch(`${demo.server.url}${RECEIPTS_ENDPOINT}`, {
    method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}',
  });
  assert.equal(response.status, 403);
  assert.equal((await response.json()).error, 'cross_origin');
  assert.ok(fs.existsSync(demo.dbFile));
});
