// Shared harness for the end-to-end tests: one demo server (port 0, fresh data dir) and one
// headless Chromium per test file, a fresh browser context per test, and helpers that read what
// a regulator would look at: which scripts ran, which requests left, which cookies exist.
//
// Usage in a test file:
//   const demo = useDemo();                       // registers before/after hooks
//   test('…', async (t) => { const s = await demo.session(t); await s.goto('/'); … });

import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { before, after } from 'node:test';
import { Aes128Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';
import { chromium } from 'playwright-core';
import { startServer } from '../../www/server.mjs';
import { openSealed } from '../../www/sealing.mjs';

const require = createRequire(import.meta.url);

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const STRICT_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

// Short timeouts: every wait here is for something local; a slow answer is a failure to report.
const ACTION_TIMEOUT_MS = 5_000;
const READY_TIMEOUT_MS = 10_000;

export const SEL = {
  banner: '[data-privacy-banner]',
  bannerAction: (action) => `[data-privacy-banner] [data-privacy-action="${action}"]`,
  dialog: 'dialog[data-privacy-dialog]',
  dialogAction: (action) => `dialog[data-privacy-dialog] [data-privacy-action="${action}"]`,
  category: (id) => `dialog[data-privacy-dialog] input[type="checkbox"][data-privacy-category="${id}"]`,
  openLink: 'footer [data-privacy-open]',
  gpcNote: 'dialog[data-privacy-dialog] [data-privacy-gpc]',
  reloadNotice: '[data-privacy-reload-notice]',
  // The privacy centre (the preferences dialog) with purposes.
  purpose: (id) => `dialog[data-privacy-dialog] input[type="checkbox"][data-privacy-purpose="${id}"]`,
  notice: (id) => `dialog[data-privacy-dialog] [data-privacy-notice="${id}"]`,
  decided: (id) => `dialog[data-privacy-dialog] [data-privacy-decided="${id}"]`,
  controller: 'dialog[data-privacy-dialog] [data-privacy-controller]',
  policyLink: 'dialog[data-privacy-dialog] a[data-privacy-policy-link]',
  // The demo's registration form and the consent section the module renders into it.
  form: 'form[data-privacy-form="register"]',
  formControl: (name) => `form[data-privacy-form="register"] [name="${name}"]`,
  formSubmit: 'form[data-privacy-form="register"] [data-privacy-submit]',
  consentSection: 'form[data-privacy-form="register"] fieldset[data-privacy-consent]',
  formPurpose: (id) => `form[data-privacy-form="register"] fieldset[data-privacy-consent] input[type="checkbox"][data-privacy-purpose="${id}"]`,
  formNotice: (id) => `form[data-privacy-form="register"] fieldset[data-privacy-consent] [data-privacy-notice="${id}"]`,
  formStatus: 'form[data-privacy-form="register"] fieldset[data-privacy-consent] [role="status"]',
  // Field marking and validation (issue 4).
  formLabel: (id) => `form[data-privacy-form="register"] label[for="${id}"]`,
  fieldMark: (id) => `form[data-privacy-form="register"] label[for="${id}"] [data-privacy-field-mark]`,
  fieldWhy: (name) => `form[data-privacy-form="register"] [data-privacy-why="${name}"]`,
  fieldError: (name) => `form[data-privacy-form="register"] [data-privacy-error="${name}"]`,
  fieldGroup: (id) => `form[data-privacy-form="register"] [data-privacy-group="${id}"]`,
  fieldDepends: (purposeId) => `form[data-privacy-form="register"] [data-privacy-depends="${purposeId}"]`,
  formStatusLine: 'form[data-privacy-form="register"] fieldset[data-privacy-consent] [data-privacy-form-status]',
};

/** Where the demo form posts its JSON (the form's action). */
export const REGISTER_ENDPOINT = '/api/register';

/** Where the LIFF page's certificate form posts its JSON (its action). */
export const CERTIFICATE_ENDPOINT = '/api/certificate';

/** The LIFF page (/liff/): its certificate form, what the module renders into it, its header. */
const CERTIFICATE_FORM = 'form[data-privacy-form="certificate"]';
export const LIFF = {
  form: CERTIFICATE_FORM,
  control: (name) => `${CERTIFICATE_FORM} [name="${name}"]`,
  submit: `${CERTIFICATE_FORM} [data-privacy-submit]`,
  purpose: (id) => `${CERTIFICATE_FORM} input[type="checkbox"][data-privacy-purpose="${id}"]`,
  consentSection: `${CERTIFICATE_FORM} fieldset[data-privacy-consent]`,
  unavailable: `${CERTIFICATE_FORM} [data-demo-form-unavailable]`,
  privacyButton: 'header [data-privacy-open]',
};

/**
 * Submits the LIFF page's certificate form as it is filled and returns the privacy:submit detail
 * and the one request the server stored; fails unless the request was accepted and stored once.
 */
export async function submitCertificate(demo, s) {
  const before = (await demo.storedCertificates()).length;
  const event = await s.submitAndWait(LIFF.submit);
  assert.equal(event.form, 'certificate', 'privacy:submit detail.form');
  assert.equal(event.ok, true, `the certificate request was not accepted: ${JSON.stringify(event)}`);
  const stored = (await demo.storedCertificates()).slice(before);
  assert.equal(stored.length, 1, `the server stored ${stored.length} certificate requests, expected 1`);
  return { event, stored: stored[0] };
}

/**
 * LINE's in-app browser on Android (a WebView, `wv`): LINE appends `Line/<app version>` to the
 * system WebView's user agent. What `options.mobile` sessions present.
 */
export const LINE_ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 ' +
  '(KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.135 Mobile Safari/537.36 Line/14.19.0';

/**
 * A complete, valid registration: the ID has a correct check digit, the e-mail is an address.
 * Every value is distinctive, so a search of requests and storage finds it wherever it went.
 * The national ID and the phone are written as their fields group them while they are typed.
 */
export const REGISTRATION = Object.freeze({
  title: 'นางสาว',
  given_name: 'Kanyaratqv',
  family_name: 'Srisawatqw',
  date_of_birth: '1990-02-14',
  nationality: 'Thaiqx',
  national_id: '1-2345-45678-78-1',
  passport: 'AB1234567',
  phone: '081-234-5678',
  email: 'somchaiqz@example.com',
  address: '12/3 ถนนพหลโยธินทดสอบ Lumpiniqy',
  note: 'โปรดโทรหลังบ่ายโมง Notequp',
});

/** Fills the demo form's controls by name (a select by its option value); other controls stay. */
export async function fillForm(s, values) {
  for (const [name, value] of Object.entries(values)) {
    const selector = SEL.formControl(name);
    const tag = await s.page.locator(selector).evaluate((el) => el.tagName.toLowerCase());
    if (tag === 'select') await s.page.selectOption(selector, value);
    else await s.page.fill(selector, value);
  }
}

/**
 * The values of the demo form's own controls (not the module's purpose boxes), by name: what the
 * person typed. A control that shows its mask is read the way a person reads it: its reveal button
 * (`button[data-privacy-reveal]`, aria-pressed="false") is pressed, the value read, and the button
 * pressed again, so the control shows its mask as before.
 */
export async function formValues(s) {
  return s.page.$$eval(`${SEL.form} [name]:not([data-privacy-purpose])`, (els) => Object.fromEntries(els.map((el) => {
    const button = el.form?.querySelector(`button[data-privacy-reveal="${CSS.escape(el.name)}"][aria-pressed="false"]`);
    if (!button || el.value === '') return [el.name, el.value];
    button.click();
    const typed = el.value;
    button.click();
    return [el.name, typed];
  })));
}

// ----- identifiers (issue 5) ------------------------------------------------------------------
// The facts are in ../shared/DOMAIN.md ("Identifiers"); these helpers make test values and the
// spellings a leaked value could take.

/** The demo's deployment key for the keyed-hash operator (www/app.js passes it as hashKey). */
export const DEMO_HASH_KEY = 'mohprompt-demo-key-readable-by-anyone';

/**
 * What keyed_hash sends: HMAC-SHA256 under the key of the label (the field kind, or
 * 'line_user_id'), one zero byte and the normalised value, lowercase hex.
 */
export function keyedHash(label, normalised, key = DEMO_HASH_KEY) {
  return createHmac('sha256', key).update(`${label}\0${normalised}`, 'utf8').digest('hex');
}

const THAI_DIGITS = '๐๑๒๓๔๕๖๗๘๙';

/** Every ASCII digit written as a Thai digit (๐–๙). */
export const toThaiDigits = (text) => text.replace(/[0-9]/g, (d) => THAI_DIGITS[Number(d)]);

/** Every Thai digit written as an ASCII digit. */
export const fromThaiDigits = (text) => text.replace(/[๐-๙]/g, (d) => String(THAI_DIGITS.indexOf(d)));

/** N13 of a Thai national ID from N1..N12: S = 13·N1 + … + 2·N12, N13 = (11 − S mod 11) mod 10. */
export function thaiIdCheckDigit(first12) {
  assert.match(first12, /^[0-9]{12}$/, 'thaiIdCheckDigit takes 12 ASCII digits');
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(first12[i]) * (13 - i);
  return String((11 - (sum % 11)) % 10);
}

/** 13 digits grouped 1-4-5-2-1 with `sep` (the display grouping). */
export const groupThaiId = (digits, sep = '-') =>
  [digits.slice(0, 1), digits.slice(1, 5), digits.slice(5, 10), digits.slice(10, 12), digits.slice(12)].join(sep);

/** A small seeded generator (mulberry32), so a failing run can be repeated with its seed. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const randomDigits = (random, n) => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');
const pick = (random, items) => items[Math.floor(random() * items.length)];

/** A valid national ID (13 ASCII digits): N1 in 1–8, 11 random digits, the computed check digit. */
export function randomThaiId(random) {
  const first12 = String(1 + Math.floor(random() * 8)) + randomDigits(random, 11);
  return first12 + thaiIdCheckDigit(first12);
}

/** A Thai mobile number as dialled at home (10 digits): 061–066, 08 or 09, then the rest. */
export const randomThaiMobile = (random) => {
  const range = pick(random, ['6', '8', '9']);
  // Of the 06 numbers, libphonenumber's Thai metadata assigns 061 to 066 to mobiles (and a few
  // blocks of 067): the phone field accepts no other.
  return range === '6' ? `06${1 + Math.floor(random() * 6)}${randomDigits(random, 7)}` : `0${range}${randomDigits(random, 8)}`;
};

/** A Thai-pattern passport number: two letters, seven digits. */
export const randomPassport = (random) =>
  `${pick(random, [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'])}${pick(random, [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'])}${randomDigits(random, 7)}`;

/** A mobile number's E.164 form: +66 and the number without its leading 0. */
export const mobileE164 = (local) => `+66${local.slice(1)}`;

/** 0XX-XXX-XXXX, the usual way a Thai mobile number is written. */
export const groupThaiMobile = (local, sep = '-') => [local.slice(0, 3), local.slice(3, 6), local.slice(6)].join(sep);

/** The ways a national ID (13 ASCII digits) could appear if it leaked. */
export const thaiIdSpellings = (digits) => {
  const forms = [digits, groupThaiId(digits, '-'), groupThaiId(digits, ' ')];
  return [...forms, ...forms.map(toThaiDigits)];
};

/** The ways a mobile number (10 ASCII digits, leading 0) could appear if it leaked. */
export const thaiMobileSpellings = (local) => {
  const nsn = local.slice(1);
  const forms = [local, groupThaiMobile(local, '-'), groupThaiMobile(local, ' ')];
  const international = `+66 ${nsn.slice(0, 2)} ${nsn.slice(2, 5)} ${nsn.slice(5)}`;
  return [...forms, ...forms.map(toThaiDigits), mobileE164(local), international, `66${nsn}`, nsn, toThaiDigits(nsn)];
};

/** The ways a passport number could appear if it leaked (case is ignored by the searches). */
export const passportSpellings = (number) => [number, number.slice(2), toThaiDigits(number.slice(2))];

/**
 * Every place in `stacks` ([where, text] pairs) where one of the needles occurs, case-insensitive,
 * also in the percent-decoded text. `redact` strings are cut out first (values the test has
 * already checked, such as expected keyed hashes, in which a short needle could turn up by chance).
 */
export function findNeedles(stacks, needles, { redact = [] } = {}) {
  const wanted = needles.map((n) => n.toLowerCase());
  const found = [];
  for (const [where, raw] of stacks) {
    let text = raw ?? '';
    for (const r of redact) text = text.split(r).join('·');
    const forms = [text];
    try {
      forms.push(decodeURIComponent(text), decodeURIComponent(text.replace(/\+/g, ' ')));
    } catch {
      // not percent-encoded
    }
    const lower = forms.join('\n').toLowerCase();
    wanted.forEach((needle, i) => {
      if (lower.includes(needle)) found.push(`${where}: ${needles[i]}`);
    });
  }
  return found;
}

// ----- sealed fields ---------------------------------------------------------------------------
// The policy's `seal` operator: the browser encrypts the normalised value with HPKE to the key
// /policy.json lists (the demo server's, new at every start); only that server's private key,
// `demo.server.seal`, opens it, and only for the policy version, form and field it was sealed for.

/** The same sealed string with one character in the middle of its ciphertext changed. */
export function flipCiphertextChar(sealed) {
  const parts = sealed.split('.');
  const ct = parts[3];
  const i = Math.floor(ct.length / 2);
  parts[3] = ct.slice(0, i) + (ct[i] === 'A' ? 'B' : 'A') + ct.slice(i + 1);
  return parts.join('.');
}

/** A sealed value: hpke1.<kid>.<base64url enc>.<base64url ciphertext>. */
export const SEALED_VALUE = /^hpke1\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/**
 * sealSubmission of a form in the page (the register form unless named): { resolved } (as
 * JSON) or { rejected } (the message, whether it is an Error, and its code).
 */
export function sealInPage(s, formSelector = SEL.form) {
  return s.page.evaluate((sel) => window.privacy.sealSubmission(document.querySelector(sel)).then(
    (r) => ({ resolved: JSON.parse(JSON.stringify(r)) }),
    (err) => ({ rejected: String(err?.message ?? err), isError: err instanceof Error, code: err?.code }),
  ), formSelector);
}

/** The names of the fields the served policy seals in `form`. */
export function sealedFieldNames(policy, form) {
  const fields = policy.forms?.[form]?.fields;
  assert.ok(Array.isArray(fields), `the policy has no form "${form}"`);
  return fields.filter((f) => f.operator === 'seal').map((f) => f.name);
}

/**
 * Opens a value the page sent for `form`.`field` with the demo server's private key (@hpke/core,
 * through www/sealing.mjs) and returns the plaintext. Fails unless the value is a sealed string
 * naming this server's kid that opens for the served policy's version, this form and this field.
 */
export async function openSealedValue(demo, { form, field }, value) {
  const where = `${form}.${field}`;
  assert.equal(typeof value, 'string', `${where} is not a string: ${JSON.stringify(value)}`);
  const parts = SEALED_VALUE.exec(value);
  assert.ok(parts, `${where} is not a sealed value (hpke1.<kid>.<enc>.<ciphertext>): ${JSON.stringify(value)}`);
  assert.equal(parts[1], demo.server.seal.kid, `${where} is sealed to another kid than the demo server's`);
  try {
    return await openSealed(demo.server.seal, { version: demo.policy.version, form, field }, value);
  } catch (err) {
    assert.fail(`${where} does not open with the demo server's key: ${err.message}`);
  }
}

/**
 * `body` (a form's JSON as sent or stored) with every field the policy seals in `form` replaced by
 * what it opens to (openSealedValue); fields that are not sealed stay as they are.
 */
export async function openSealedBody(demo, form, body) {
  const opened = { ...body };
  for (const field of sealedFieldNames(demo.policy, form)) {
    if (Object.hasOwn(opened, field)) opened[field] = await openSealedValue(demo, { form, field }, opened[field]);
  }
  return opened;
}

/** Where the module POSTs consent receipts on the demo page (app.js receiptEndpoint). */
export const RECEIPTS_ENDPOINT = '/api/consent-receipts';

// The gated demo scripts and the demo analytics endpoint: none may be requested without consent.
export const STATS_SCRIPT = '/demo/stats.js';
export const PREFS_SCRIPT = '/demo/prefs.js';
export const COLLECT = '/collect';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Runs before any page script in every document: records CSP violations and the module's
// events, so a test can read them even when they happened during page load.
function installRecorders() {
  const rec = { csp: [], events: [] };
  Object.defineProperty(window, '__e2e', { value: rec, configurable: false, enumerable: false });
  document.addEventListener('securitypolicyviolation', (e) => {
    rec.csp.push({
      directive: e.effectiveDirective || e.violatedDirective,
      blockedURI: e.blockedURI,
      sourceFile: e.sourceFile,
      line: e.lineNumber,
      sample: e.sample,
    });
  });
  for (const type of ['privacy:consent', 'privacy:change', 'privacy:receipt', 'privacy:submit']) {
    document.addEventListener(type, (e) => {
      let detail;
      try {
        detail = JSON.parse(JSON.stringify(e.detail));
      } catch {
        detail = String(e.detail);
      }
      rec.events.push({ type, detail });
    });
  }
}

function enableGlobalPrivacyControl() {
  Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
    get: () => true,
    configurable: true,
  });
}

// What Safari/LIFF webviews do with storage blocked: touching window.localStorage throws.
function makeLocalStorageThrow() {
  Object.defineProperty(window, 'localStorage', {
    configurable: true,
    enumerable: true,
    get() {
      throw new DOMException('The operation is insecure.', 'SecurityError');
    },
  });
}

function plantLocalStorage({ key, value }) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // about:blank and other opaque origins have no storage; the page's own origin does.
  }
}

/**
 * Starts the server and the browser for one test file (before/after hooks).
 * @param {object} [options]
 * @param {string[]} [options.browserArgs] more Chromium switches, after CHROMIUM_ARGS (e.g.
 *   `--host-resolver-rules=MAP privacy-demo.test 127.0.0.1`, to reach the demo under a name
 *   that is not a secure context)
 */
export function useDemo(options = {}) {
  const demo = {};
  before(async () => {
    Object.assign(demo, await openDemo(options));
  });
  after(async () => {
    await demo.close?.();
  });
  return demo;
}

export async function openDemo({ browserArgs = [] } = {}) {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium); never run npx playwright install`);
  }
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mohprompt-e2e-'));
  const server = await startServer({ port: 0, dataDir });
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...browserArgs] });
  } catch (err) {
    await server.close();
    throw err;
  }
  const policyResponse = await fetch(`${server.url}/policy.json`);
  assert.equal(policyResponse.status, 200, '/policy.json must be served (policy/mohprompt.json)');
  const policy = await policyResponse.json();

  return {
    url: server.url,
    server,
    browser,
    dataDir,
    policy,
    session: (t, options) => openSession({ url: server.url, browser, policy }, t, options),
    /** Every receipt the demo server has stored so far (its JSON-lines file), in order. */
    storedReceipts: () => readJsonLines(server.receiptsFile),
    /** Every form submission the demo server has stored so far (/api/register), in order. */
    storedSubmissions: () => readJsonLines(server.registerFile),
    /** Every certificate request the demo server has stored so far (/api/certificate), in order. */
    storedCertificates: () => readJsonLines(server.certificateFile),
    /**
     * Waits until the server has stored a receipt for each id, reading its file until the
     * deadline; returns the stored receipts. Deliveries back off for up to 30 s, so callers
     * choose the deadline.
     */
    async waitForStoredReceipts(ids, { deadlineMs = 10_000 } = {}) {
      const end = Date.now() + deadlineMs;
      for (;;) {
        const stored = await readJsonLines(server.receiptsFile);
        const have = new Set(stored.map((r) => r.receipt_id));
        const missing = ids.filter((id) => !have.has(id));
        if (missing.length === 0) return stored;
        if (Date.now() > end) {
          throw new Error(`${missing.length} of ${ids.length} receipt(s) did not reach the server within ${deadlineMs} ms: ${missing.join(', ')}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await browser.close().catch(() => {});
      await server.close();
      await fsp.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh browser context + page for one test, closed when the test ends.
 * @param {object} demo
 * @param {import('node:test').TestContext} t
 * @param {object} [options]
 * @param {boolean} [options.gpc]                  navigator.globalPrivacyControl === true
 * @param {boolean} [options.throwingLocalStorage] window.localStorage throws SecurityError
 * @param {Record<string,string>} [options.localStorage] items planted before any page script
 * @param {Record<string,string>} [options.cookies] cookies planted before the first load
 * @param {{width:number,height:number}} [options.viewport] default 1024×768; 375×667 when mobile
 * @param {boolean} [options.mobile] a phone in LINE: touch, isMobile (the viewport meta counts),
 *   device scale factor 2 and LINE's in-app browser user agent (LINE_ANDROID_UA)
 * @param {string} [options.userAgent] overrides the user agent (mobile or not)
 * @param {'light'|'dark'} [options.colorScheme]    emulated prefers-color-scheme
 * @param {'reduce'|'no-preference'} [options.reducedMotion] emulated prefers-reduced-motion
 * @param {boolean} [options.allowCspViolations] for the control test that causes one on purpose
 * @param {string} [options.origin] the origin pages are opened at instead of the server's
 *   http://127.0.0.1:<port> (e.g. http://privacy-demo.test:<port> with a host-resolver rule, a
 *   page that is not a secure context); cookies are read for it
 */
export async function openSession(demo, t, options = {}) {
  const phone = options.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2, userAgent: LINE_ANDROID_UA } : {};
  const origin = options.origin ?? demo.url;
  const context = await demo.browser.newContext({
    baseURL: origin,
    locale: 'th-TH',
    viewport: options.viewport ?? (options.mobile ? { width: 375, height: 667 } : { width: 1024, height: 768 }),
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: options.reducedMotion ?? 'no-preference',
    ...phone,
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
  });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);

  await context.addInitScript(installRecorders);
  if (options.gpc) await context.addInitScript(enableGlobalPrivacyControl);
  if (options.throwingLocalStorage) await context.addInitScript(makeLocalStorageThrow);
  for (const [key, value] of Object.entries(options.localStorage ?? {})) {
    await context.addInitScript(plantLocalStorage, { key, value });
  }
  const cookies = Object.entries(options.cookies ?? {}).map(([name, value]) => ({
    name,
    value,
    url: origin,
    sameSite: 'Lax',
  }));
  if (cookies.length) await context.addCookies(cookies);

  const page = await context.newPage();
  const session = new Session({ ...demo, url: origin }, context, page);
  // Closed when the test ends; without a test context (a before hook) the caller closes it.
  // Every test also checks the two things no page may ever do: throw, or break the CSP.
  if (t) t.after(() => session.closeAndCheck(options));
  return session;
}

async function readJsonLines(file) {
  let text;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
}

export class Session {
  constructor(demo, context, page) {
    this.demo = demo;
    this.policy = demo.policy;
    this.context = context;
    this.page = page;
    /**
     * every request the context made, in order: { method, path, url, postData, headers, status }
     * (status: the HTTP status once answered, 'failed' when it never was, null while pending)
     */
    this.requests = [];
    this.pageErrors = [];
    this.consoleErrors = [];
    this.consoleWarnings = [];
    /** responses with status >= 400, e.g. a pkg/ file missing while the crate is rebuilt */
    this.failedResponses = [];
    this.pending = 0;
    this.lastNetworkActivity = Date.now();

    const entries = new WeakMap();
    context.on('request', (request) => {
      this.pending += 1;
      this.lastNetworkActivity = Date.now();
      const url = new URL(request.url());
      const entry = {
        method: request.method(),
        path: url.pathname,
        url: request.url(),
        postData: request.postData(),
        headers: request.headers(),
        status: null,
      };
      entries.set(request, entry);
      this.requests.push(entry);
    });
    const done = () => {
      this.pending = Math.max(0, this.pending - 1);
      this.lastNetworkActivity = Date.now();
    };
    context.on('response', (response) => {
      const entry = entries.get(response.request());
      if (entry) entry.status = response.status();
      if (response.status() >= 400) this.failedResponses.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    context.on('requestfinished', done);
    context.on('requestfailed', (request) => {
      const entry = entries.get(request);
      if (entry) entry.status = 'failed';
      done();
    });
    this.watchPage(page);
  }

  watchPage(page) {
    page.on('pageerror', (err) => this.pageErrors.push(String(err?.stack || err)));
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.consoleErrors.push(msg.text());
      if (msg.type() === 'warning') this.consoleWarnings.push(msg.text());
    });
  }

  /**
   * Closes the page and opens a fresh one in the same context (same storage and cookies): the
   * old document and everything it had scheduled are gone for sure, which navigating away does
   * not promise (the back/forward cache may keep it).
   */
  async replacePage() {
    await this.page.close();
    this.page = await this.context.newPage();
    this.watchPage(this.page);
    return this.page;
  }

  async closeAndCheck({ allowCspViolations = false } = {}) {
    let csp = [];
    if (!allowCspViolations) csp = await this.cspViolations().catch(() => []);
    await this.context.close().catch(() => {});
    assert.deepEqual(this.pageErrors, [], 'the page threw an uncaught error');
    assert.deepEqual(csp, [], 'the page violated its Content-Security-Policy');
  }

  /** Loads a page and waits until app.js has started the module (window.privacy exists). */
  async goto(pathAndQuery = '/') {
    const response = await this.page.goto(pathAndQuery);
    await this.waitForReady();
    return response;
  }

  async reload() {
    const response = await this.page.reload();
    await this.waitForReady();
    return response;
  }

  async waitForReady() {
    try {
      await this.page.waitForFunction(() => window.privacy !== undefined, null, { timeout: READY_TIMEOUT_MS });
    } catch (err) {
      throw new Error(
        `window.privacy never appeared (module did not start).\n` +
          `page errors: ${JSON.stringify(this.pageErrors)}\nconsole errors: ${JSON.stringify(this.consoleErrors)}\n` +
          `failed responses: ${JSON.stringify(this.failedResponses)} (is pkg/ being rebuilt?)`,
        { cause: err },
      );
    }
  }

  /**
   * Waits until the network has been quiet for quietMs and the page has run a frame, so a
   * "nothing happened" assertion is not made before something had the chance to happen.
   */
  /**
   * Clicks the form's submit button (the demo form's unless another is named), waits for that
   * attempt's privacy:submit, returns its detail.
   */
  async submitAndWait(submitSelector = SEL.formSubmit) {
    const before = (await this.events('privacy:submit')).length;
    await this.page.click(submitSelector);
    await this.page.waitForFunction(
      (n) => window.__e2e.events.filter((e) => e.type === 'privacy:submit').length > n,
      before,
    );
    await this.settle();
    return (await this.events('privacy:submit')).at(-1).detail;
  }

  async settle(quietMs = 200, maxMs = 4_000) {
    const start = Date.now();
    await this.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    while (Date.now() - start < maxMs) {
      if (this.pending === 0 && Date.now() - this.lastNetworkActivity >= quietMs) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  requested(pathname) {
    return this.requests.filter((r) => r.path === pathname);
  }

  async cookies() {
    return this.context.cookies(this.demo.url);
  }

  async cookie(name) {
    return (await this.cookies()).find((c) => c.name === name);
  }

  async localStorageItem(key) {
    return this.page.evaluate((k) => window.localStorage.getItem(k), key);
  }

  async statsRuns() {
    return this.page.evaluate(() => window.__demoStatsRuns);
  }

  async prefsRuns() {
    return this.page.evaluate(() => window.__demoPrefsRuns);
  }

  async decisions() {
    return this.page.evaluate(() => JSON.parse(JSON.stringify(window.privacy.decisions())));
  }

  async hasConsent(id) {
    return this.page.evaluate((c) => window.privacy.hasConsent(c), id);
  }

  /** privacy.receipts() as plain JSON, newest last. */
  async receipts() {
    return this.page.evaluate(() => JSON.parse(JSON.stringify(window.privacy.receipts())));
  }

  /** The receipts the page POSTed to the receipt endpoint: { receipt, status, contentType }. */
  receiptPosts() {
    return this.requests
      .filter((r) => r.method === 'POST' && r.path === RECEIPTS_ENDPOINT)
      .map((r) => {
        let receipt = null;
        try {
          receipt = JSON.parse(r.postData ?? '');
        } catch {
          // left null: a body that is not JSON is itself a finding for the caller
        }
        return { receipt, body: r.postData, status: r.status, contentType: r.headers['content-type'] ?? '' };
      });
  }

  /** The form submissions the page POSTed to /api/register: { body, json, status, contentType }. */
  registerPosts() {
    return this.requests
      .filter((r) => r.method === 'POST' && r.path === REGISTER_ENDPOINT)
      .map((r) => {
        let json = null;
        try {
          json = JSON.parse(r.postData ?? '');
        } catch {
          // left null: a body that is not JSON is itself a finding for the caller
        }
        return { body: r.postData, json, status: r.status, contentType: r.headers['content-type'] ?? '' };
      });
  }

  /** Every localStorage and sessionStorage item of the page's origin. */
  async webStorage() {
    return this.page.evaluate(() => {
      const dump = (store) => Object.fromEntries(Array.from({ length: store.length }, (_, i) => [store.key(i), store.getItem(store.key(i))]));
      return { localStorage: dump(window.localStorage), sessionStorage: dump(window.sessionStorage) };
    });
  }

  async cspViolations() {
    return this.page.evaluate(() => window.__e2e.csp.slice());
  }

  async events(type) {
    return this.page.evaluate((t) => window.__e2e.events.filter((e) => !t || e.type === t), type);
  }

  /** window.dataLayer as plain arrays (gtag pushes `arguments` objects). */
  async dataLayer() {
    return this.page.evaluate(() =>
      (window.dataLayer || []).map((entry) => JSON.parse(JSON.stringify(
        entry && typeof entry === 'object' && typeof entry.length === 'number' ? Array.from(entry) : entry,
      ))),
    );
  }

  async bannerVisible() {
    return this.page.locator(SEL.banner).isVisible();
  }

  async dialogState() {
    return this.page.evaluate((sel) => {
      const d = document.querySelector(sel);
      if (!d) return { exists: false, open: false, modal: false };
      return { exists: true, open: d.open, modal: d.matches(':modal') };
    }, SEL.dialog);
  }

  async waitForDialogOpen() {
    await this.page.waitForFunction((sel) => document.querySelector(sel)?.open === true, SEL.dialog);
  }

  async waitForDialogClosed() {
    await this.page.waitForFunction((sel) => !document.querySelector(sel)?.open, SEL.dialog);
  }

  async waitForBannerGone() {
    await this.page.waitForSelector(SEL.banner, { state: 'detached' });
  }

  /** A short description of the focused element, for keyboard tests. */
  async focused() {
    return this.page.evaluate((dialogSel) => {
      const el = document.activeElement;
      if (!el || el === document.body || el === document.documentElement) {
        return { tag: el ? el.tagName.toLowerCase() : null, inDialog: false, inBanner: false };
      }
      return {
        tag: el.tagName.toLowerCase(),
        action: el.getAttribute('data-privacy-action'),
        category: el.getAttribute('data-privacy-category'),
        inDialog: Boolean(el.closest(dialogSel)),
        inBanner: Boolean(el.closest('[data-privacy-banner]')),
        text: (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 60),
      };
    }, SEL.dialog);
  }

  /**
   * Runs axe-core inside the page. The strict CSP blocks an injected inline <script>, so the
   * source is evaluated through the DevTools protocol instead (not subject to the page's CSP).
   */
  async runAxe(context = null) {
    const loaded = await this.page.evaluate(() => typeof window.axe?.run === 'function');
    if (!loaded) {
      await this.page.evaluate(`${AXE_SOURCE}\n;undefined`);
      const ok = await this.page.evaluate(() => typeof window.axe?.run === 'function' && typeof window.axe.version === 'string');
      assert.ok(ok, 'axe-core could not be loaded into the page');
    }
    return this.page.evaluate(async (ctxSelector) => {
      const result = await window.axe.run(ctxSelector ? document.querySelector(ctxSelector) : document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      });
      return {
        passes: result.passes.length,
        violations: result.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
        })),
      };
    }, context);
  }

  /** Presses Tab until `predicate(focused)` holds; returns every focus stop seen on the way. */
  async tabUntil(predicate, maxPresses = 60) {
    const seen = [];
    for (let i = 0; i < maxPresses; i += 1) {
      await this.page.keyboard.press('Tab');
      const f = await this.focused();
      seen.push(f);
      if (predicate(f)) return seen;
    }
    throw new Error(`Tab never reached the wanted element; focus stops: ${JSON.stringify(seen.slice(0, 20))}`);
  }
}

// ----- policy helpers -------------------------------------------------------------------------

export function category(policy, id) {
  const found = policy.categories.find((c) => c.id === id);
  assert.ok(found, `the policy has no category "${id}"`);
  return found;
}

/** Cookie names the policy's always-on categories may set before any decision. */
export function isNecessaryCookie(policy, name) {
  return policy.categories
    .filter((c) => c.always_on)
    .flatMap((c) => c.cookies ?? [])
    .some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
}

export const THAI_LETTERS = /[\u0E00-\u0E7F]/;

// ----- purposes and receipts ------------------------------------------------------------------

export function purpose(policy, id) {
  const found = policy.purposes.find((p) => p.id === id);
  assert.ok(found, `the policy has no purpose "${id}"`);
  return found;
}

/** The purposes a form of the policy shows, in the policy's order for that form. */
export function formPurposes(policy, formId = 'register') {
  const form = policy.forms?.[formId];
  assert.ok(form, `the policy has no form "${formId}"`);
  return form.purposes.map((id) => purpose(policy, id));
}

export const isConsentPurpose = (p) => p.legal_basis === 'consent';

/** SHA-256 (lowercase hex) of the policy as app.js hands it over: JSON.stringify of the object. */
export function policySha256(policy) {
  return createHash('sha256').update(JSON.stringify(policy), 'utf8').digest('hex');
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// ----- stored consent value helpers --------------------------------------------------------------
// Value: 1|<policy version>|<cat>:<revision>:<g|d>:<base36 seconds>|…|<fnv1a-32 hex>

/** Applies `edit` to the plain value, keeping the original's percent-encoding if it had one. */
export function editStored(raw, edit) {
  const encoded = /%[0-9A-Fa-f]{2}/.test(raw);
  const plain = encoded ? decodeURIComponent(raw) : raw;
  const next = edit(plain);
  assert.notEqual(next, plain, 'a tampering edit must change the stored value');
  return encoded ? encodeURIComponent(next) : next;
}

export function fnv1a32(text) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Seals a stored body the way the module documents it (src/consent.rs): the body, `|`, and the
 * FNV-1a 32 of the body as 8 lowercase hex digits. Tests use it to build values that are
 * well-formed apart from the one rule under test.
 */
export function seal(body) {
  return `${body}|${fnv1a32(body).toString(16).padStart(8, '0')}`;
}

export function plainStored(raw) {
  return /%[0-9A-Fa-f]{2}/.test(raw) ? decodeURIComponent(raw) : raw;
}

/** Clicks through the banner in a throwaway context and returns what the module stored. */
export async function recordGenuineDecision(demo, action) {
  const s = await demo.session(null);
  await s.goto('/');
  await s.page.click(SEL.bannerAction(action));
  await s.waitForBannerGone();
  const cookie = await s.cookie('mp_consent');
  const stored = await s.localStorageItem('mp_consent');
  await s.context.close();
  assert.ok(cookie, `${action}: the module set no mp_consent cookie`);
  assert.ok(stored, `${action}: the module stored nothing in localStorage mp_consent`);
  return { cookie: cookie.value, localStorage: stored };
}

function formatViolations(violations) {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target}: ${n.summary}`).join('\n')}`)
    .join('\n');
}

/** Fails with axe-core's findings, and when axe checked nothing at all. */
export async function assertAxeClean(s, when) {
  const result = await s.runAxe();
  assert.ok(result.passes > 0, `${when}: axe checked nothing`);
  assert.deepEqual(result.violations.map((v) => v.id), [], `${when}:\n${formatViolations(result.violations)}`);
}

// ----- the demo server as a receiver -------------------------------------------------------------
// It takes only same-origin JSON (Origin must be its own, Content-Type application/json), so a
// test that posts from Node says where it comes from, as a browser on the page would.

/**
 * POSTs `body` (an object, sent as JSON, or a string sent as it is) to `pathname` of the server
 * at `serverUrl`, as the server's own page would: `Origin` is the server's, `Content-Type`
 * `application/json`. `origin: null` sends no Origin; `contentType: null` sends no type.
 * Resolves to `{ status, text, json }` (`json` is the parsed answer, or null).
 */
export async function postJson(serverUrl, pathname, body, { origin = new URL(serverUrl).origin, contentType = 'application/json' } = {}) {
  const headers = {};
  if (origin !== null) headers.Origin = origin;
  if (contentType !== null) headers['Content-Type'] = contentType;
  const res = await fetch(new URL(pathname, serverUrl), {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (a 204, or a plain-text answer)
  }
  return { status: res.status, text, json };
}

/**
 * A consent receipt as src/receipt.rs writes it for `policy` (the served one: its controller,
 * version, sha256 of JSON.stringify, every purpose and category), with a fresh receipt_id and
 * subject; `overrides` replace top-level fields.
 */
export function receiptFor(policy, overrides = {}) {
  return {
    version: 'mohprompt-receipt/1',
    receipt_id: crypto.randomUUID(),
    timestamp: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    jurisdiction: 'TH',
    collection_method: 'banner',
    language: 'th',
    subject: crypto.randomUUID(),
    controller: {
      name: policy.controller.name.th,
      phone: policy.controller.phone,
      email: policy.controller.email,
      website: policy.controller.website,
    },
    policy: { version: policy.version, sha256: policySha256(policy), url: policy.policy_url },
    changed: ['contact'],
    purposes: policy.purposes.map((p) => ({
      id: p.id,
      legal_basis: p.legal_basis,
      state: isConsentPurpose(p) ? (p.id === 'contact' ? 'granted' : 'unset') : 'notice',
      revision: createHash('sha256').update(p.id).digest('hex').slice(0, 8),
    })),
    cookie_categories: policy.categories.map((c) => ({ id: c.id, state: c.always_on ? 'granted' : 'denied', revision: c.revision })),
    ...overrides,
  };
}

/**
 * Seals `text` as the browser does: HPKE single-shot to `key` (a policy key entry), sequence 0,
 * empty aad, info = "mohprompt-privacy/seal/v1" 0x00 version 0x00 form 0x00 field in UTF-8.
 */
export async function sealAsBrowser(key, { version, form, field }, text) {
  const suite = new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });
  const recipientPublicKey = await suite.kem.deserializePublicKey(Buffer.from(key.public_key, 'base64url'));
  const info = new TextEncoder().encode(`mohprompt-privacy/seal/v1\0${version}\0${form}\0${field}`);
  const sender = await suite.createSenderContext({ recipientPublicKey, info });
  const ct = await sender.seal(new TextEncoder().encode(text));
  return `hpke1.${key.kid}.${Buffer.from(sender.enc).toString('base64url')}.${Buffer.from(ct).toString('base64url')}`;
}

/**
 * A demo server in a fresh temporary folder, serving the repo's policy with the register form's
 * passport keyed-hashed instead of sealed, so one registration has sealed fields (national_id,
 * phone) and a keyed_hash one. Resolves to `{ server, dataDir }`; the caller closes the server
 * and removes the folder.
 */
export async function startKeyedPassportServer(prefix) {
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  const repoPolicy = new URL('../../policy/mohprompt.json', import.meta.url);
  const policy = JSON.parse(await fsp.readFile(repoPolicy, 'utf8'));
  policy.forms.register.fields.find((f) => f.name === 'passport').operator = 'keyed_hash';
  const policyFile = path.join(dataDir, 'policy.json');
  await fsp.writeFile(policyFile, JSON.stringify(policy));
  const server = await startServer({ port: 0, dataDir: path.join(dataDir, 'data'), policyFile });
  return { server, dataDir };
}

/** The contents of a demo server's three data files, to compare before and after a request. */
export function serverDataFiles(server) {
  const files = [server.registerFile, server.certificateFile, server.receiptsFile];
  return Promise.all(files.map((f) => (fs.existsSync(f) ? fsp.readFile(f, 'utf8') : '')));
}
