// The LINE LIFF mini-app page (/liff/, www/liff/): LINE's own mock plugin (?mock=1) stands in for
// the LINE app, and the sessions look like a phone in LINE (375×667, touch, LINE's in-app browser
// user agent). What is checked: the page and the banner follow LINE's language; inside LINE the
// banner is a bottom sheet and knows the OS; the privacy centre opens from the header; a
// certificate request leaves with the national ID and the phone sealed to the demo server's key
// (for the certificate form) and the LINE account only as a keyed hash and only with consent; the LINE userId and display name and the
// typed identifiers leak nowhere; storage that throws (as LIFF browsers may) never turns into
// consent; axe-core finds nothing; and the README's screenshots are written.
//
// Every test also fails on an uncaught page error or a CSP violation (harness closeAndCheck).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, test } from 'node:test';
import {
  useDemo, SEL, THAI_LETTERS, CERTIFICATE_ENDPOINT, RECEIPTS_ENDPOINT, DEMO_HASH_KEY, keyedHash, purpose,
  seededRandom, randomThaiId, randomThaiMobile, groupThaiMobile, mobileE164, thaiIdSpellings, thaiMobileSpellings, findNeedles,
  assertAxeClean, openSealedValue, SEALED_VALUE, LIFF, submitCertificate,
} from './harness.mjs';

const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// The profile LINE's mock returns in the page. These MUST match MOCK_USER_ID and
// MOCK_DISPLAY_NAME in www/liff/app.js (the first test checks that they do).
const MOCK_USER_ID = 'U4af4980629f1c0b0e3a5a7c3d2e1f0a9';
const MOCK_DISPLAY_NAME = 'สมหญิง ใจดี';

/** What the policy's `line` link sends: HMAC-SHA256 of the userId under the deployment key, hex. */
const LINE_USER_HASH = keyedHash('line_user_id', MOCK_USER_ID, DEMO_HASH_KEY);

const SCREENSHOTS = {
  banner: path.join(REPO_DIR, 'docs', 'liff-banner.png'),
  privacyCentre: path.join(REPO_DIR, 'docs', 'liff-privacy-centre.png'),
  form: path.join(REPO_DIR, 'docs', 'liff-form.png'),
};

const demo = useDemo();

// The page loads the bundle scripts/build-liff.sh writes; build it when it is missing or older
// than its source, so these tests never run an old page script.
before(() => {
  const source = path.join(REPO_DIR, 'www', 'liff', 'app.js');
  const bundle = path.join(REPO_DIR, 'www', 'liff', 'dist', 'app.js');
  if (!fs.existsSync(bundle) || fs.statSync(bundle).mtimeMs < fs.statSync(source).mtimeMs) {
    execFileSync(path.join(REPO_DIR, 'scripts', 'build-liff.sh'), { stdio: 'inherit' });
  }
});

// ----- steps ------------------------------------------------------------------------------------

/** The LIFF page's URL with LINE's mock and the given mock parameters. */
const liffUrl = (params = {}) => `/liff/?${new URLSearchParams({ mock: '1', ...params })}`;

/** A phone in LINE (harness `mobile`), with every console line of the page recorded. */
async function phoneSession(t, options = {}) {
  const s = await demo.session(t, { mobile: true, ...options });
  recordConsole(s, s.page);
  return s;
}

function recordConsole(s, page) {
  s.consoleLines ??= [];
  page.on('console', (msg) => s.consoleLines.push(`${msg.type()}: ${msg.text()}`));
}

async function openLiff(t, params = {}, options = {}) {
  const s = await phoneSession(t, options);
  await s.goto(liffUrl(params));
  return s;
}

async function decideBanner(s, action = 'reject-all') {
  await s.page.locator(SEL.bannerAction(action)).click();
  await s.waitForBannerGone();
}

/** A citizen's request: a valid national ID, a date of birth and a mobile number. */
function citizen(seed) {
  const random = seededRandom(seed);
  return { nationalId: randomThaiId(random), dateOfBirth: '1987-06-23', phone: randomThaiMobile(random) };
}

/** Ticks the given purposes in the form, fills it as a person would, and submits it. */
async function requestCertificate(s, person, { tick = ['contact', 'line_link'] } = {}) {
  for (const id of tick) await s.page.locator(LIFF.purpose(id)).check();
  await s.page.locator(LIFF.control('national_id')).fill(person.nationalId);
  await s.page.locator(LIFF.control('date_of_birth')).fill(person.dateOfBirth);
  await s.page.locator(LIFF.control('phone')).fill(groupThaiMobile(person.phone));
  return (await submitCertificate(demo, s)).stored;
}

/** The ids of non-necessary categories and of purposes: none may be granted before a decision. */
function assertNothingGranted(decisions, when) {
  const alwaysOn = new Set(demo.policy.categories.filter((c) => c.always_on).map((c) => c.id));
  const granted = Object.entries(decisions).filter(([id, state]) => state === 'granted' && !alwaysOn.has(id));
  assert.deepEqual(granted, [], `${when}: granted without a decision`);
}

/** localStorage and sessionStorage items; a store that throws is reported as such, not as empty. */
function webStorage(s) {
  return s.page.evaluate(() => {
    const dump = (name) => {
      try {
        const store = window[name];
        return Object.fromEntries(Array.from({ length: store.length }, (_, i) => [store.key(i), store.getItem(store.key(i))]));
      } catch (err) {
        return { threw: String(err?.name ?? err) };
      }
    };
    return { localStorage: dump('localStorage'), sessionStorage: dump('sessionStorage') };
  });
}

/** The banner's own text (what is visible in it). */
const bannerText = (s) => s.page.locator(SEL.banner).innerText();

/** Whether the document is wider than the viewport (horizontal scrolling). */
const horizontalOverflow = (s) =>
  s.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function waitUntil(predicate, deadlineMs, message) {
  const end = Date.now() + deadlineMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(message);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
function pngSize(bytes) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function screenshot(s, file) {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await fsp.rm(file, { force: true });
  await s.page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  const bytes = await fsp.readFile(file);
  const size = pngSize(bytes);
  assert.ok(size, `${path.relative(REPO_DIR, file)} is not a PNG (${bytes.length} bytes)`);
  // 375×667 CSS pixels at device scale factor 2.
  assert.deepEqual(size, { width: 750, height: 1334 }, `${path.relative(REPO_DIR, file)} has the wrong size`);
}

// ----- the page and its script --------------------------------------------------------------------

test('the page script documents the mock profile these tests look for', async () => {
  const source = await fsp.readFile(path.join(REPO_DIR, 'www', 'liff', 'app.js'), 'utf8');
  assert.match(MOCK_USER_ID, /^U[0-9a-f]{32}$/, 'MOCK_USER_ID is not shaped like a LINE userId');
  assert.ok(source.includes(`const MOCK_USER_ID = '${MOCK_USER_ID}';`), 'MOCK_USER_ID differs from www/liff/app.js');
  assert.ok(source.includes(`const MOCK_DISPLAY_NAME = '${MOCK_DISPLAY_NAME}';`), 'MOCK_DISPLAY_NAME differs from www/liff/app.js');
  assert.match(MOCK_DISPLAY_NAME, THAI_LETTERS, 'the mock display name is not Thai');
});

test('/liff/ serves the mini-app page, mobile and fail-closed in its markup', async () => {
  for (const url of ['/liff/', '/liff']) {
    const response = await fetch(`${demo.url}${url}`);
    assert.equal(response.status, 200, `${url}: HTTP ${response.status}`);
    const html = await response.text();
    assert.match(html, /data-privacy-form="certificate"/, `${url} is not the LIFF page`);
  }
  const html = await (await fetch(`${demo.url}/liff/`)).text();
  assert.match(html, /<meta name="viewport" content="[^"]*viewport-fit=cover/, 'no viewport-fit=cover');
  assert.match(html, /<html lang="th">/, 'the page is not Thai by default');
  assert.match(html, /<button[^>]*data-privacy-submit[^>]*\bdisabled\b/, 'the submit button is not disabled in the markup');
  for (const name of ['national_id', 'passport', 'date_of_birth', 'phone']) {
    assert.match(html, new RegExp(`name="${name}"`), `no control named ${name}`);
  }
});

test('in mock mode the page makes no request outside its own origin', async (t) => {
  const s = await openLiff(t);
  await s.settle();
  const foreign = s.requests.filter((r) => new URL(r.url).origin !== demo.url).map((r) => r.url);
  assert.deepEqual(foreign, [], 'the LIFF SDK or its mock went to the network');
  assert.equal(s.failedResponses.length, 0, `failed responses: ${s.failedResponses.join(', ')}`);
  assert.deepEqual(s.consoleErrors, [], 'console errors in mock mode');
});

test('without LINE (no mock, LIFF cannot start) consent and the form still work, with no LINE link', async (t) => {
  // The real SDK tries LINE's servers, which the demo's CSP refuses: that is the failure here.
  const s = await phoneSession(t, { allowCspViolations: true });
  await s.goto('/liff/');
  const banner = s.page.locator(SEL.banner);
  await banner.waitFor({ state: 'visible' });
  assert.equal(await banner.getAttribute('data-privacy-os'), null, 'the module was given a LIFF object that never started');
  const blocked = (await s.cspViolations()).map((v) => new URL(v.blockedURI).origin);
  assert.deepEqual(blocked.filter((origin) => !/\.line(-scdn)?\.(me|net)$/.test(origin)), [], 'something other than LINE was blocked');
  await decideBanner(s, 'reject-all');
  const stored = await requestCertificate(s, citizen(0x11ff05), { tick: ['contact', 'line_link'] });
  assert.equal('line_user' in stored, false, 'line_user was sent without a LINE account');
  assert.equal(await s.page.locator(LIFF.unavailable).isVisible(), false, 'the form says it is unavailable');
});

test('with the module blocked the certificate form stays disabled and says why', async (t) => {
  const s = await phoneSession(t);
  await s.page.route('**/pkg/mohprompt_privacy_bg.wasm', (route) => route.abort('blockedbyclient'));
  await s.page.goto(liffUrl());
  await s.page.locator(LIFF.unavailable).waitFor({ state: 'visible' });
  assert.equal(await s.page.locator(LIFF.submit).isDisabled(), true, 'the submit button was enabled without the module');
  assert.equal(await s.page.evaluate(() => window.privacy), undefined, 'window.privacy exists without the module');
});

// ----- language -----------------------------------------------------------------------------------

for (const lang of ['th', 'en']) {
  test(`the page and the banner follow LINE's language (mock_lang=${lang})`, async (t) => {
    const s = await openLiff(t, { mock_lang: lang });
    await s.page.locator(SEL.banner).waitFor({ state: 'visible' });
    assert.equal(await s.page.evaluate(() => document.documentElement.lang), lang, '<html lang>');
    const banner = await bannerText(s);
    const lineLink = purpose(demo.policy, 'line_link').title[lang];
    const consent = await s.page.locator(LIFF.consentSection).innerText();
    if (lang === 'th') {
      assert.match(banner, THAI_LETTERS, `the banner is not Thai: ${banner}`);
    } else {
      assert.doesNotMatch(banner, THAI_LETTERS, `the English banner has Thai text: ${banner}`);
      assert.match(banner, /cookies/i, `the banner is not the English cookie banner: ${banner}`);
    }
    assert.ok(consent.includes(lineLink), `the form does not offer "${lineLink}" in ${lang}: ${consent}`);
    const privacyLabel = await s.page.locator(LIFF.privacyButton).innerText();
    assert.equal(privacyLabel.trim(), lang === 'th' ? 'ความเป็นส่วนตัว' : 'Privacy', 'the header button is in the other language');
  });
}

test('LINE languages other than Thai get English (mock_lang=ja)', async (t) => {
  const s = await openLiff(t, { mock_lang: 'ja' });
  await s.page.locator(SEL.banner).waitFor({ state: 'visible' });
  assert.equal(await s.page.evaluate(() => document.documentElement.lang), 'en', '<html lang>');
  assert.doesNotMatch(await bannerText(s), THAI_LETTERS, 'the banner is not English');
});

// ----- layout -------------------------------------------------------------------------------------

test('in LINE at 320 px the banner is a bottom sheet on the bottom edge, and nothing scrolls sideways', async (t) => {
  const s = await openLiff(t, {}, { viewport: { width: 320, height: 640 } });
  const banner = s.page.locator(SEL.banner);
  await banner.waitFor({ state: 'visible' });
  assert.equal(await banner.getAttribute('data-privacy-layout'), 'sheet', 'data-privacy-layout');
  assert.equal(await banner.getAttribute('data-privacy-os'), 'android', 'data-privacy-os');
  await s.settle();
  // The sheet rises into place (prefers-reduced-motion: no-preference): measure where it rests.
  await banner.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
  const { bottom, viewportHeight } = await banner.evaluate((el) => ({
    bottom: el.getBoundingClientRect().bottom,
    viewportHeight: window.innerHeight,
  }));
  assert.ok(Math.abs(bottom - viewportHeight) <= 1, `the sheet's bottom edge is at ${bottom}px, the viewport ends at ${viewportHeight}px`);
  assert.ok((await horizontalOverflow(s)) <= 0, 'the page scrolls sideways at 320 px with the banner');

  await decideBanner(s);
  assert.ok((await horizontalOverflow(s)) <= 0, 'the page scrolls sideways at 320 px with the form');
  await s.page.locator(LIFF.privacyButton).click();
  await s.waitForDialogOpen();
  assert.equal(await s.page.locator(SEL.dialog).getAttribute('data-privacy-layout'), 'sheet', 'the privacy centre is not a sheet in LINE');
  assert.ok((await horizontalOverflow(s)) <= 0, 'the page scrolls sideways at 320 px with the privacy centre');
});

test('outside LINE (mock_client=0) the banner is not a sheet but still knows the OS', async (t) => {
  const s = await openLiff(t, { mock_client: '0' });
  const banner = s.page.locator(SEL.banner);
  await banner.waitFor({ state: 'visible' });
  assert.equal(await banner.getAttribute('data-privacy-layout'), null, 'data-privacy-layout outside LINE');
  assert.equal(await banner.getAttribute('data-privacy-os'), 'android', 'data-privacy-os');
});

test('on iOS the banner says so (mock_os=ios)', async (t) => {
  const s = await openLiff(t, { mock_os: 'ios' });
  const banner = s.page.locator(SEL.banner);
  await banner.waitFor({ state: 'visible' });
  assert.equal(await banner.getAttribute('data-privacy-os'), 'ios', 'data-privacy-os');
  assert.equal(await banner.getAttribute('data-privacy-layout'), 'sheet', 'data-privacy-layout');
});

// ----- the privacy centre -------------------------------------------------------------------------

test('the header button opens the privacy centre from the keyboard, with the LINE link purpose', async (t) => {
  const s = await openLiff(t);
  await s.page.locator(LIFF.privacyButton).focus();
  await s.page.keyboard.press('Enter');
  await s.waitForDialogOpen();
  assert.equal((await s.dialogState()).modal, true, 'the privacy centre is not a modal dialog');
  const lineLink = s.page.locator(SEL.purpose('line_link'));
  await lineLink.waitFor({ state: 'attached' });
  assert.equal(await lineLink.isChecked(), false, 'line_link is ticked before any decision');
  const dialog = await s.page.locator(SEL.dialog).innerText();
  const title = purpose(demo.policy, 'line_link').title.th;
  assert.ok(dialog.includes(title), `the privacy centre does not name the LINE link "${title}"`);
});

// ----- a certificate request ----------------------------------------------------------------------

test('a request with the LINE link ticked sends the ID and the phone sealed and the LINE account hashed', async (t) => {
  const s = await openLiff(t);
  await decideBanner(s, 'reject-all');
  const person = citizen(0x11ff01);
  const stored = await requestCertificate(s, person, { tick: ['contact', 'line_link'] });

  assert.deepEqual(Object.keys(stored).sort(), ['date_of_birth', 'line_user', 'national_id', 'phone'], 'the fields of the request');
  const open = (field) => openSealedValue(demo, { form: 'certificate', field }, stored[field]);
  assert.equal(await open('national_id'), person.nationalId, 'national_id does not open to the 13 digits');
  assert.equal(stored.date_of_birth, person.dateOfBirth, 'date_of_birth was not kept');
  assert.equal(stored.line_user, LINE_USER_HASH, 'line_user is not HMAC-SHA256(key, userId)');
  assert.equal(await open('phone'), mobileE164(person.phone), 'phone does not open to the number in E.164');
  assert.deepEqual(findNeedles([['stored request', JSON.stringify(stored)]], [...thaiIdSpellings(person.nationalId), ...thaiMobileSpellings(person.phone)]),
    [], 'the raw national ID or phone was stored');
  const decisions = await s.decisions();
  assert.equal(decisions.line_link, 'granted', 'the ticked LINE link was not recorded');
  assert.equal(decisions.contact, 'granted', 'the ticked contact box was not recorded');
});

test('a request without the LINE link ticked carries no line_user', async (t) => {
  const s = await openLiff(t);
  await decideBanner(s, 'reject-all');
  const person = citizen(0x11ff02);
  const stored = await requestCertificate(s, person, { tick: ['contact'] });
  assert.equal('line_user' in stored, false, `line_user was sent without consent: ${stored.line_user}`);
  assert.deepEqual(Object.keys(stored).sort(), ['date_of_birth', 'national_id', 'phone'], 'the fields of the request');
  assert.notEqual((await s.decisions()).line_link, 'granted', 'line_link granted without its box ticked');
});

test('the LINE userId, display name, national ID and phone leak nowhere', async (t) => {
  const s = await openLiff(t);
  await decideBanner(s, 'reject-all');
  const person = citizen(0x11ff03);
  const stored = await requestCertificate(s, person, { tick: ['contact', 'line_link'] });
  await s.page.locator(LIFF.privacyButton).click();
  await s.waitForDialogOpen();
  await s.settle();

  const needles = [MOCK_USER_ID, MOCK_DISPLAY_NAME, ...thaiIdSpellings(person.nationalId), ...thaiMobileSpellings(person.phone)];
  const storage = await webStorage(s);
  const stacks = [
    ...s.requests.flatMap((r, i) => [[`request ${i} URL ${r.method} ${r.path}`, r.url], [`request ${i} body ${r.method} ${r.path}`, r.postData]]),
    ...(await demo.storedReceipts()).map((r, i) => [`stored receipt ${i}`, JSON.stringify(r)]),
    ...(await demo.storedCertificates()).map((r, i) => [`stored certificate request ${i}`, JSON.stringify(r)]),
    ...(await s.cookies()).map((c) => [`cookie ${c.name}`, `${c.name}=${c.value}`]),
    ...Object.entries(storage.localStorage).map(([k, v]) => [`localStorage ${k}`, `${k}=${v}`]),
    ...Object.entries(storage.sessionStorage).map(([k, v]) => [`sessionStorage ${k}`, `${k}=${v}`]),
    ...s.consoleLines.map((line, i) => [`console line ${i}`, line]),
  ];
  // Controls: the search looks at what was sent and stored.
  assert.ok(s.requests.some((r) => r.path === CERTIFICATE_ENDPOINT), 'control: the certificate request is not among the recorded requests');
  assert.equal(stored.line_user, LINE_USER_HASH, 'control: the request is not linked to the LINE account');
  assert.ok(Object.keys(storage.localStorage).length + Object.keys(storage.sessionStorage).length > 0, 'control: nothing in Web Storage to search');
  // Sealed values are base64url, not redacted: a digit run of a needle's length turns up in one by chance
  // about never; the hex hash is redacted (it was checked above).
  assert.match(stored.national_id, SEALED_VALUE, 'control: the stored national_id is sealed');
  assert.deepEqual(findNeedles(stacks, needles, { redact: [LINE_USER_HASH] }), [],
    'the LINE profile or a typed identifier left the page or was kept raw');
});

// ----- storage that throws ------------------------------------------------------------------------

test('with localStorage throwing: no consent before a decision, the request goes through, the decision lasts the session only', async (t) => {
  const options = { throwingLocalStorage: true };
  const s = await openLiff(t, {}, options);
  await s.page.locator(SEL.banner).waitFor({ state: 'visible' });
  assertNothingGranted(await s.decisions(), 'first visit, localStorage throwing');

  await decideBanner(s, 'reject-all');
  await requestCertificate(s, citizen(0x11ff04), { tick: ['contact', 'line_link'] });
  const decided = await s.decisions();

  // Same tab: sessionStorage survives the reload, and so does the decision.
  await s.reload();
  await s.settle();
  assert.equal(await s.page.locator(SEL.banner).count(), 0, 'the banner is asked again after a reload in the same session');
  assert.deepEqual(await s.decisions(), decided, 'the decisions changed across a reload in the same session');

  // A new session (new browser context): nothing carried over, nothing granted.
  const fresh = await phoneSession(t, options);
  await fresh.goto(liffUrl());
  await fresh.page.locator(SEL.banner).waitFor({ state: 'visible' });
  assertNothingGranted(await fresh.decisions(), 'new session, localStorage throwing');
});

test('with localStorage throwing, a receipt that could not be sent survives a reload and arrives once', async (t) => {
  const s = await phoneSession(t, { throwingLocalStorage: true });
  let aborted = 0;
  const abort = (route) => {
    aborted += 1;
    return route.abort('failed');
  };
  await s.context.route(`**${RECEIPTS_ENDPOINT}`, abort);
  await s.goto(liffUrl());
  const before = (await s.receipts()).length;
  await decideBanner(s, 'reject-all');
  const made = (await s.receipts()).slice(before);
  assert.equal(made.length, 1, `the decision made ${made.length} receipts`);
  const ids = made.map((r) => r.receipt_id);
  await waitUntil(() => aborted >= 1, 5_000, 'control: no receipt POST was attempted (and failed) before the reload');
  await s.settle();

  await s.reload();
  await s.settle();
  await s.context.unroute(`**${RECEIPTS_ENDPOINT}`, abort);
  await demo.waitForStoredReceipts(ids, { deadlineMs: 40_000 });
  await s.settle(500);

  const subject = made[0].subject;
  const stored = (await demo.storedReceipts()).filter((r) => r.subject === subject);
  assert.deepEqual(stored.map((r) => r.receipt_id), ids, 'the server holds other receipts of this device than the one decision');
  const delivered = s.receiptPosts().filter((p) => typeof p.status === 'number' && p.status < 300);
  assert.deepEqual(delivered.map((p) => p.receipt?.receipt_id), ids, 'the receipt was delivered more or less than once');
  assert.equal(await s.page.locator(SEL.banner).count(), 0, 'the decision was lost in the reload');
});

// ----- accessibility and screenshots --------------------------------------------------------------

for (const lang of ['th', 'en']) {
  test(`axe finds no violation on the LIFF page: banner, privacy centre and form (${lang})`, async (t) => {
    const s = await openLiff(t, { mock_lang: lang });
    await s.page.locator(SEL.banner).waitFor({ state: 'visible' });
    await assertAxeClean(s, `LIFF page with the banner, ${lang}`);

    await s.page.locator(LIFF.privacyButton).click();
    await s.waitForDialogOpen();
    await assertAxeClean(s, `LIFF page with the privacy centre open, ${lang}`);
    await s.page.keyboard.press('Escape');
    await s.waitForDialogClosed();

    await decideBanner(s, 'reject-all');
    await s.page.locator(LIFF.purpose('line_link')).check();
    await assertAxeClean(s, `LIFF page with the form, ${lang}`);
  });
}

test('screenshots of the LIFF page in Thai at 375×667 (docs/)', async (t) => {
  const s = await openLiff(t, { mock_lang: 'th' });
  await s.page.locator(SEL.banner).waitFor({ state: 'visible' });
  await s.settle();
  await screenshot(s, SCREENSHOTS.banner);

  await s.page.locator(LIFF.privacyButton).click();
  await s.waitForDialogOpen();
  await s.settle();
  await screenshot(s, SCREENSHOTS.privacyCentre);
  await s.page.keyboard.press('Escape');
  await s.waitForDialogClosed();

  await decideBanner(s, 'reject-all');
  await s.page.evaluate(() => window.scrollTo(0, 0));
  await s.settle();
  await screenshot(s, SCREENSHOTS.form);
});
