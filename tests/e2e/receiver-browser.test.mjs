// The demo server as a receiver, seen from headless Chromium: what the module itself sends from
// the demo page (receipts, a registration with sealed and keyed-hashed fields) passes the checks
// and is stored; a page of another origin cannot get a body stored; and form-action 'none' stops
// a native form submission before it leaves the page. The HTTP-level rules are in
// receiver.test.mjs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test, before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from '../../www/server.mjs';
import {
  CHROMIUM_ARGS, CHROMIUM_PATH, REGISTRATION, SEL, fillForm, keyedHash, serverDataFiles, startKeyedPassportServer,
} from './harness.mjs';

let server;
let dataDir;

// The served policy with the register form's passport keyed-hashed instead of sealed, so one
// registration has sealed fields (national_id, phone) and a keyed_hash one.
before(async () => {
  ({ server, dataDir } = await startKeyedPassportServer('mohprompt-receiver-browser-'));
});
after(async () => {
  await server?.close();
  await fsp.rm(dataDir, { recursive: true, force: true });
});

const dataFiles = () => serverDataFiles(server);

/** A page server on another loopback port (another origin), with no CSP of its own. */
async function foreignSite(html) {
  const site = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${site.address().port}/`,
    close: () => new Promise((resolve) => { site.closeAllConnections(); site.close(resolve); }),
  };
}

async function withBrowser(run) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests = [];
    context.on('request', (r) => requests.push({ method: r.method(), url: r.url(), headers: r.headers() }));
    const answers = [];
    context.on('response', (r) => answers.push({ url: r.url(), status: r.status() }));
    return await run({ page, requests, answers });
  } finally {
    await browser.close();
  }
}

test('what the module itself sends from the demo page passes: its receipts and a filled registration are stored', async () => {
  await withBrowser(async ({ page, answers }) => {
    const [registers, receipts] = await Promise.all([server.registerFile, server.receiptsFile]
      .map(async (f) => (fs.existsSync(f) ? (await fsp.readFile(f, 'utf8')).split('\n').filter(Boolean).length : 0)));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => window.privacy !== undefined);
    await page.click(`${SEL.banner} [data-privacy-action="accept-all"]`);
    await fillForm({ page }, REGISTRATION);
    await page.check(SEL.formPurpose('contact'));
    const submitted = page.evaluate(() => new Promise((resolve) => {
      document.addEventListener('privacy:submit', (e) => resolve(JSON.parse(JSON.stringify(e.detail))), { once: true });
    }));
    await page.click(SEL.formSubmit);
    const detail = await submitted;
    assert.equal(detail.ok, true, `the registration was not accepted: ${JSON.stringify(detail)}`);
    const lines = async (f) => (await fsp.readFile(f, 'utf8')).split('\n').filter(Boolean);
    assert.equal((await lines(server.registerFile)).length, registers + 1, 'the registration was not stored once');
    const stored = JSON.parse((await lines(server.registerFile)).at(-1));
    assert.equal(stored.passport, keyedHash('passport', 'AB1234567'), 'precondition: the passport left keyed-hashed, as the test policy says');
    const deadline = Date.now() + 5_000;
    while ((await lines(server.receiptsFile).catch(() => [])).length < receipts + 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok((await lines(server.receiptsFile)).length >= receipts + 2, 'the banner\'s and the form\'s receipts were not both stored');
    const refused = answers.filter((a) => a.url.includes('/api/') && a.status >= 400);
    assert.deepEqual(refused, [], 'the server refused something the module sent');
  });
});

test('a page of another origin cannot get a body stored: a simple POST gets 403, a JSON one never passes the preflight', async () => {
  const target = `${server.url}/api/register`;
  const site = await foreignSite('<!doctype html><title>elsewhere</title>');
  try {
    await withBrowser(async ({ page, answers }) => {
      await page.goto(site.url);
      const before = await dataFiles();
      const outcome = await page.evaluate(async (url) => {
        const body = JSON.stringify({ given_name: 'Kanyaratqv' });
        const simple = await fetch(url, { method: 'POST', mode: 'no-cors', body }).then((r) => r.type, (e) => `failed: ${e.message}`);
        const json = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }).then((r) => r.status, () => 'failed');
        const beacon = navigator.sendBeacon(url, body);
        return { simple, json, beacon };
      }, target);
      // The beacon is sent after the call returns; give it a moment to arrive.
      await page.waitForTimeout(500);
      assert.equal(outcome.simple, 'opaque', 'the no-cors POST was not sent');
      assert.equal(outcome.json, 'failed', 'the cross-origin JSON POST was answered to the page');
      const posts = answers.filter((a) => a.url === target);
      assert.ok(posts.length >= 1, 'no POST reached the server (control)');
      assert.ok(posts.every((a) => a.status === 403 || a.status === 405), `answers: ${JSON.stringify(posts)}`);
      assert.deepEqual(await dataFiles(), before, 'a page of another origin got something stored');
    });
  } finally {
    await site.close();
  }
});

test('form-action \'none\': a native form submission of a page of this server never leaves it', async () => {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'mohprompt-form-action-'));
  await fsp.writeFile(path.join(root, 'index.html'), [
    '<!doctype html><html lang="th"><title>native form</title>',
    '<form method="post" action="/api/register"><input name="national_id" value="1-2345-45678-78-1"></form>',
    '<script src="submit.js"></script></html>',
  ].join('\n'));
  await fsp.writeFile(path.join(root, 'submit.js'), [
    "document.addEventListener('securitypolicyviolation', (e) => { window.violations = (window.violations || []).concat(e.effectiveDirective); });",
    'window.addEventListener(\'load\', () => document.forms[0].submit());',
  ].join('\n'));
  const own = await startServer({ port: 0, dataDir: path.join(root, 'data'), extraRoots: { '/native-form/': root } });
  try {
    await withBrowser(async ({ page, requests }) => {
      const response = await page.goto(`${own.url}/native-form/`);
      assert.match(response.headers()['content-security-policy'], /form-action 'none'/);
      await page.waitForFunction(() => (window.violations ?? []).length > 0, null, { timeout: 5_000 });
      assert.deepEqual(await page.evaluate(() => window.violations), ['form-action']);
      assert.deepEqual(requests.filter((r) => r.method === 'POST'), [], 'the form was posted');
      assert.equal(page.url(), `${own.url}/native-form/`, 'the page navigated away');
    });
    assert.equal(fs.existsSync(own.registerFile), false, 'something was stored');
  } finally {
    await own.close();
    await fsp.rm(root, { recursive: true, force: true });
  }
});
