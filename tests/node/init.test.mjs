// The built package (pkg/) in Node, where there is no page: before init every export throws an
// Error that says to call init() first (code init_required); after initSync the string utilities
// run and Privacy.start throws an Error that says a page is needed (code no_dom), where the wasm
// used to trap with "unreachable".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as privacy from '../../pkg/mohprompt_privacy_node.js';

const wasm = new URL('../../pkg/mohprompt_privacy_bg.wasm', import.meta.url);

function assertThrowsWith(run, code, words) {
  assert.throws(run, (error) => {
    assert.ok(error instanceof Error, `an Error, not ${error?.constructor?.name}`);
    assert.equal(error.code, code);
    assert.match(error.message, words);
    return true;
  });
}

test('before init, every export says to call init() first', () => {
  const notYet = /not initialised: call `await init\(\)`/;
  assertThrowsWith(() => privacy.validateThaiId('1-2345-45678-78-1'), 'init_required', notYet);
  assertThrowsWith(() => privacy.formatThaiId('1234545678781'), 'init_required', notYet);
  assertThrowsWith(() => privacy.normalizeThaiPhone('0812345678'), 'init_required', notYet);
  assertThrowsWith(() => privacy.maskValue('phone', '0812345678'), 'init_required', notYet);
  assertThrowsWith(() => privacy.scanText('โทร 081 234 5678'), 'init_required', notYet);
  assertThrowsWith(() => privacy.Privacy.start(), 'init_required', notYet);
});

test('after initSync, the string utilities run and Privacy.start says it needs a page', () => {
  privacy.initSync({ module: fs.readFileSync(wasm) });
  assert.equal(privacy.validateThaiId('1-2345-45678-78-1'), true);
  assertThrowsWith(() => privacy.Privacy.start(), 'no_dom', /needs a web page \(window and document\)/);
  assertThrowsWith(() => privacy.Privacy.start({ lang: 'en' }), 'no_dom', /only the string utilities run/);
  // Nothing was left half-done: the utilities still run after the refusals.
  assert.deepEqual(privacy.scanText('โทร 081 234 5678'), {
    text: 'โทร xxx xxx 5678',
    findings: [{ kind: 'phone', start: 4, end: 16 }],
  });
});

test('init() after initSync is the same instance, and initSync twice is harmless', async () => {
  const exports = privacy.initSync({ module: fs.readFileSync(wasm) });
  assert.equal(await privacy.default(), exports);
  assert.equal(privacy.formatThaiId('๑๒๓๔๕๔๕๖๗๘๗๘๑'), '1-2345-45678-78-1');
});
