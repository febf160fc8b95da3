// The command-line tool (src/bin/mohprompt-privacy/) against the two other implementations of
// the same rules, with no code shared on the crypto side:
// - a registration sealed in headless Chromium by the module (WebCrypto, src/web/seal.js) to a key
//   made by `mohprompt-privacy keys new` opens with `mohprompt-privacy open` (the RustCrypto hpke
//   crate) to the normalised values; a changed value, another field or another kid is refused;
// - a value sealed by @hpke/core in Node opens too;
// - `scan` finds what the browser's scanText finds, kind, line and column, over the leak scan's
//   corpus files (written by tests/cli.rs to target/tmp/scan-corpus/, made here when missing).
// The page gets a policy whose `keys` list the CLI's key instead of the demo server's: the route
// below serves it in place of /policy.json.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, before, after } from 'node:test';
import { useDemo, REGISTRATION, fillForm, sealInPage, sealAsBrowser, flipCiphertextChar } from './harness.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(REPO, 'target', 'debug', 'mohprompt-privacy');
const CORPUS_DIR = path.join(REPO, 'target', 'tmp', 'scan-corpus');
const CORPUS_FILES = ['positive.txt', 'negative.txt', 'operator.txt'];
const MODULE_URL = '/pkg/mohprompt_privacy.js';
// What the module seals for REGISTRATION: each identifier normalised.
const NORMALISED = { national_id: '1234545678781', passport: 'AB1234567', phone: '+66812345678' };

const demo = useDemo();
let dir;
let policy;
let keyEntry;

function cargo(args) {
  const run = spawnSync('cargo', args, { cwd: REPO, encoding: 'utf8', timeout: 570_000 });
  assert.equal(run.status, 0, `cargo ${args.join(' ')} failed:\n${run.stderr}`);
}

/** Runs the CLI in the test's folder: { code, stdout, stderr }. */
function cli(...args) {
  const run = spawnSync(CLI, args, { cwd: dir, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

before(async () => {
  cargo(['build', '--quiet', '--features', 'cli', '--bin', 'mohprompt-privacy']);
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mohprompt-cli-e2e-'));
  await fsp.copyFile(path.join(REPO, 'policy', 'mohprompt.json'), path.join(dir, 'policy.json'));
  for (const kid of ['cli-old', 'cli-new']) {
    const made = cli('keys', 'new', '--kid', kid);
    assert.equal(made.code, 0, made.stderr);
    await fsp.writeFile(path.join(dir, `${kid}.json`), made.stdout);
    const added = cli('keys', 'add', 'policy.json', `${kid}.json`);
    assert.equal(added.code, 0, added.stderr);
  }
  policy = JSON.parse(await fsp.readFile(path.join(dir, 'policy.json'), 'utf8'));
  keyEntry = policy.keys[0];
  assert.equal(keyEntry.kid, 'cli-new', 'keys add puts the newest key first');
});
after(async () => {
  if (dir) await fsp.rm(dir, { recursive: true, force: true });
});

function open(form, field, value, keys = ['cli-new']) {
  return cli('open', ...keys.flatMap((k) => ['--key', `${k}.private.pem`]), '--policy', 'policy.json',
    '--form', form, '--field', field, value);
}

/** The register form's payload, sealed by the module in Chromium to the CLI's newest key. */
async function sealedInChromium(t) {
  const s = await demo.session(t);
  await s.page.route('**/policy.json', (route) => route.fulfill({ json: policy }));
  await s.goto('/');
  await fillForm(s, REGISTRATION);
  // The phone is sent only for the contact purpose.
  await s.page.evaluate(() => window.privacy.set('contact', true));
  const sealed = await sealInPage(s);
  assert.ok(sealed.resolved, `sealSubmission rejected: ${JSON.stringify(sealed)}`);
  return sealed.resolved.payload;
}

test('what the module seals in Chromium opens with the CLI to the normalised values', async (t) => {
  const payload = await sealedInChromium(t);
  for (const [field, plaintext] of Object.entries(NORMALISED)) {
    assert.match(payload[field], /^hpke1\.cli-new\./, `${field} is sealed to the newest key`);
    const opened = open('register', field, payload[field]);
    assert.equal(opened.code, 0, `${field}: ${opened.stderr}`);
    assert.equal(opened.stdout, `${plaintext}\n`, field);
  }
});

test('the CLI refuses a browser-sealed value that was changed, moved or is not its key\'s, and says why without it', async (t) => {
  const payload = await sealedInChromium(t);
  const cases = [
    ['changed', open('register', 'phone', flipCiphertextChar(payload.phone)), /does not open for form "register", field "phone"/],
    ['moved to another field', open('register', 'national_id', payload.phone), /does not open for form "register", field "national_id"/],
    ['moved to another form', open('certificate', 'phone', payload.phone), /does not open for form "certificate", field "phone"/],
    ['only the old key at hand', open('register', 'phone', payload.phone, ['cli-old']), /was sealed to key "cli-new": give that key's private key/],
  ];
  for (const [what, result, reason] of cases) {
    assert.equal(result.code, 1, `${what}: exit code`);
    assert.equal(result.stdout, '', `${what}: printed a plaintext`);
    assert.match(result.stderr, reason, what);
    assert.ok(!result.stderr.includes('812345678'), `${what}: the refusal holds the value`);
  }
});

test('a value sealed by @hpke/core opens with the CLI, under either key of the rotation', async () => {
  for (const entry of policy.keys) {
    const value = await sealAsBrowser(entry, { version: policy.version, form: 'certificate', field: 'passport' }, 'AB1234567');
    const opened = open('certificate', 'passport', value, ['cli-new', 'cli-old']);
    assert.equal(opened.code, 0, `${entry.kid}: ${opened.stderr}`);
    assert.equal(opened.stdout, 'AB1234567\n');
  }
});

test('scan finds what the browser\'s scanText finds in the corpus files, by line, column and kind', async (t) => {
  if (!CORPUS_FILES.every((f) => fs.existsSync(path.join(CORPUS_DIR, f)))) {
    cargo(['test', '--quiet', '--features', 'cli', '--test', 'cli', 'scan_agrees_with_the_library_on_the_corpus_files']);
  }
  const s = await demo.session(t);
  await s.goto('/');
  for (const name of CORPUS_FILES) {
    const file = path.join(CORPUS_DIR, name);
    const lines = (await fsp.readFile(file, 'utf8')).split('\n');
    const browser = await s.page.evaluate(async ([url, texts]) => {
      const m = await import(url);
      return texts.flatMap((text, i) => m.scanText(text).findings.map((f) => ({
        line: i + 1,
        // scanText counts UTF-16 units; the CLI counts characters.
        column: Array.from(text.slice(0, f.start)).length + 1,
        kind: f.kind,
      })));
    }, [MODULE_URL, lines]);
    const run = cli('scan', '--format', 'json', file);
    assert.equal(run.code, browser.length ? 1 : 0, `${name}: exit code`);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.findings, browser, `${name}: the CLI and scanText disagree`);
    if (name === 'positive.txt') assert.ok(browser.length > 1000, `${name}: ${browser.length} findings`);
  }
});
