// A smoke test of the main flows in WebKit, the engine of LINE's in-app browser on iOS: a banner
// decision is remembered, a purpose granted in the privacy centre is recorded, and a registration
// reaches the server without a raw national ID or phone number. Playwright cannot drive WebKitGTK,
// so WebKitGTK's MiniBrowser is driven through WebKitWebDriver with plain W3C WebDriver calls
// (Node's fetch); scripts/test-webkit.sh starts the display and the driver and says where it is.
// The deep checks stay in tests/e2e (Chromium); this only proves the same flows work in WebKit.
//
//   WEBKIT_WEBDRIVER_URL  the driver, e.g. http://127.0.0.1:4444 (set by scripts/test-webkit.sh)
//   MINIBROWSER           the browser binary (default: Debian's webkit2gtk-4.1 MiniBrowser)
//   WEBKIT_DRIVER_LOG     the driver's output file; its end is printed when a test fails

import assert from 'node:assert/strict';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { test, before, after } from 'node:test';
import { startServer } from '../../www/server.mjs';
import { SEL, REGISTRATION, thaiIdSpellings, thaiMobileSpellings, findNeedles } from '../e2e/harness.mjs';

const DRIVER_URL = process.env.WEBKIT_WEBDRIVER_URL;
const MINIBROWSER = process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const DRIVER_LOG = process.env.WEBKIT_DRIVER_LOG;

// Every wait is for something local: a slow answer is a failure to report.
const COMMAND_TIMEOUT_MS = 30_000;
const WAIT_TIMEOUT_MS = 10_000;

// ----- a tiny W3C WebDriver client ---------------------------------------------------------------

/** The key under which W3C WebDriver returns an element reference. */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/** One WebDriver command; answers its `value`, or throws the driver's error and message. */
async function command(method, path, body) {
  let response;
  try {
    response = await fetch(`${DRIVER_URL}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(COMMAND_TIMEOUT_MS),
    });
  } catch (err) {
    throw new Error(`WebDriver ${method} ${path}: ${err.message}`, { cause: err });
  }
  const { value } = await response.json();
  if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
  return value;
}

/** One MiniBrowser window. Each session is a fresh, ephemeral profile (no cookies, no storage). */
class Browser {
  static async open() {
    const { sessionId, capabilities } = await command('POST', '/session', {
      capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
    });
    const browser = new Browser(sessionId, capabilities);
    await browser.call('POST', '/timeouts', { script: WAIT_TIMEOUT_MS + 5_000, pageLoad: 15_000, implicit: 0 });
    return browser;
  }

  constructor(id, capabilities) {
    this.id = id;
    this.capabilities = capabilities;
    /** What the pages of this session reported (see installErrorRecorder). */
    this.pageErrors = [];
  }

  call(method, path, body) {
    return command(method, `/session/${this.id}${path}`, body);
  }

  async navigate(url) {
    await this.call('POST', '/url', { url });
  }

  async refresh() {
    await this.call('POST', '/refresh', {});
  }

  /** Runs `fn(...args)` in the page and answers its (JSON) result. */
  execute(fn, ...args) {
    return this.call('POST', '/execute/sync', { script: `return (${fn}).apply(null, arguments);`, args });
  }

  /**
   * Runs the async `fn(...args)` (a function or its source) in the page; answers what its promise
   * resolves to, throws what it rejects.
   */
  async executeAsync(fn, ...args) {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve().then(() => (${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
        .then((value) => done({ value }), (err) => done({ error: String(err && err.message || err) }));`;
    const { value, error } = await this.call('POST', '/execute/async', { script, args });
    if (error !== undefined) throw new Error(error);
    return value;
  }

  /** Waits in the page until `fn(...args)` is truthy and answers that value; fails with `what`. */
  waitFor(what, fn, ...args) {
    // The predicate's source goes into the script itself: the page's CSP forbids eval.
    const poll = `async (...args) => {
      const predicate = ${fn};
      const end = Date.now() + ${WAIT_TIMEOUT_MS};
      for (;;) {
        const value = await predicate(...args);
        if (value) return value;
        if (Date.now() > end) throw new Error(${JSON.stringify(`timed out after ${WAIT_TIMEOUT_MS} ms waiting until ${what}`)});
        await new Promise((r) => setTimeout(r, 50));
      }
    }`;
    return this.executeAsync(poll, ...args);
  }

  /** The first element matching a CSS selector (a WebDriver element reference). */
  async find(selector) {
    return this.call('POST', '/element', { using: 'css selector', value: selector });
  }

  /**
   * Clicks an element the way a person does: scrolled to the middle of its scroll box first, then
   * clicked by the driver, which fails if something covers it. WebDriver's own scrolling only
   * brings it to the nearest edge, where the privacy centre's sticky action bar covers it.
   */
  async click(selector) {
    const element = await this.find(selector);
    await this.execute((el) => el.scrollIntoView({ block: 'center', inline: 'center' }), element);
    await this.call('POST', `/element/${element[ELEMENT]}/click`, {});
  }

  /** Types text into an element with key events, one character at a time. */
  async type(selector, text) {
    const element = await this.find(selector);
    await this.call('POST', `/element/${element[ELEMENT]}/value`, { text });
  }

  async close() {
    await this.call('DELETE', '');
  }
}

// ----- the page ----------------------------------------------------------------------------------

// Records the page's errors from the moment it is called. Plain WebDriver cannot run a script
// before the page's own, and MiniBrowser under automation does not write console messages out,
// so a failure during start-up is reported by what the page shows instead (see ready()).
function installErrorRecorder() {
  if (window.__smoke) return;
  const errors = [];
  window.__smoke = { errors };
  const original = console.error;
  console.error = (...args) => {
    errors.push(`console.error: ${args.map(String).join(' ')}`);
    original.apply(console, args);
  };
  window.addEventListener('error', (e) => errors.push(`error: ${e.message} (${e.filename}:${e.lineno})`));
  window.addEventListener('unhandledrejection', (e) => errors.push(`unhandled rejection: ${e.reason}`));
}

/** Loads a page of the demo and waits until app.js has started the module (window.privacy). */
async function open(b, path) {
  await b.navigate(`${server.url}${path}`);
  await ready(b);
}

async function reload(b) {
  await collectErrors(b);
  await b.refresh();
  await ready(b);
}

/** Moves what the page recorded into `b.pageErrors`, before the document goes. */
async function collectErrors(b) {
  const errors = await b.execute(() => window.__smoke?.errors.splice(0) ?? [])
    .catch((err) => [`(the page's errors could not be read: ${err.message})`]);
  b.pageErrors.push(...errors);
}

async function ready(b) {
  await b.execute(installErrorRecorder);
  try {
    await b.waitFor('window.privacy exists (the module started)', () => window.privacy !== undefined);
  } catch (err) {
    // app.js shows this note when the module did not start (the wasm or the policy failed).
    const failClosed = await b.execute(() => [...document.querySelectorAll('[data-demo-form-unavailable]')].some((el) => !el.hidden));
    throw new Error(`${err.message}${failClosed ? '; the page shows its "privacy module did not start" note' : ''} (is pkg/ built?)`);
  }
}

const bannerShown = (b) =>
  b.execute((sel) => Boolean(document.querySelector(sel)?.getClientRects().length), SEL.banner);

async function decideInBanner(b, action) {
  await b.waitFor('the banner is shown', (sel) => document.querySelector(sel)?.getClientRects().length > 0, SEL.banner);
  await b.click(SEL.bannerAction(action));
  await b.waitFor(`the banner is gone after ${action}`, (sel) => !document.querySelector(sel), SEL.banner);
}

const hasConsent = (b, id) => b.execute((x) => window.privacy.hasConsent(x), id);
const receipts = (b) => b.execute(() => JSON.parse(JSON.stringify(window.privacy.receipts())));
const hasCookie = (b, name) =>
  b.execute((n) => document.cookie.split('; ').some((c) => c.startsWith(`${n}=`)), name);

/** Lets the page run what it scheduled (gated scripts, requests) before asserting that nothing ran. */
const settle = (b) => b.executeAsync(() => new Promise((r) => setTimeout(r, 500)));

// ----- the session per test ----------------------------------------------------------------------

let server;
let webkitVersion;

before(async () => {
  assert.ok(DRIVER_URL, 'WEBKIT_WEBDRIVER_URL is not set: run scripts/test-webkit.sh');
  assert.ok(fs.existsSync(MINIBROWSER), `MiniBrowser not found at ${MINIBROWSER} (scripts/setup.sh test installs webkit2gtk-driver)`);
  server = await startServer({ port: 0 });
});

after(async () => {
  await server?.close();
});

/**
 * A fresh MiniBrowser for one test, closed when the test ends. A page that reported an error
 * fails the test; a failing test prints what the pages reported and the end of the driver's log.
 */
async function browser(t) {
  const b = await Browser.open();
  if (!webkitVersion) {
    webkitVersion = `${b.capabilities.browserName} ${b.capabilities.browserVersion}`;
    t.diagnostic(`browser: ${webkitVersion}`);
  }
  t.after(async () => {
    await collectErrors(b);
    if (!t.passed) {
      console.error(`[${t.name}] page errors: ${JSON.stringify(b.pageErrors, null, 2)}`);
      // WebKitWebDriver and the browsers it starts write here (a crashed web process, say).
      const log = DRIVER_LOG ? await fsp.readFile(DRIVER_LOG, 'utf8').catch(() => '') : '';
      if (log.trim()) {
        console.error(`[${t.name}] end of the driver log (${DRIVER_LOG}):\n${log.split('\n').slice(-40).join('\n')}`);
      }
    }
    await b.close().catch(() => {});
    if (t.passed) assert.deepEqual(b.pageErrors, [], 'the page reported errors');
  });
  return b;
}

// ----- the flows ---------------------------------------------------------------------------------

test('reject-all is remembered after a reload: no banner, no statistics, no _demo_stats cookie', async (t) => {
  const b = await browser(t);
  await open(b, '/');
  assert.equal(await bannerShown(b), true, 'no banner before any decision');
  await decideInBanner(b, 'reject-all');
  await settle(b);
  assert.equal(await hasCookie(b, '_demo_stats'), false, 'the statistics script set its cookie after reject-all');

  await reload(b);
  await settle(b);
  assert.equal(await bannerShown(b), false, 'the banner came back after reject-all');
  assert.equal(await hasConsent(b, 'statistics'), false, 'hasConsent(statistics) after reject-all');
  assert.equal(await b.execute(() => window.__demoStatsRuns), null, 'the gated statistics script ran');
  assert.equal(await hasCookie(b, '_demo_stats'), false, '_demo_stats cookie exists after reject-all');
});

test('accept-all is remembered after a reload: no banner, statistics allowed, the gated script ran', async (t) => {
  const b = await browser(t);
  await open(b, '/');
  await decideInBanner(b, 'accept-all');
  await b.waitFor('the statistics script ran', () => window.__demoStatsRuns === 1);

  await reload(b);
  assert.equal(await bannerShown(b), false, 'the banner came back after accept-all');
  assert.equal(await hasConsent(b, 'statistics'), true, 'hasConsent(statistics) after accept-all');
  await b.waitFor('the statistics script ran on the reloaded page', () => window.__demoStatsRuns === 1);
  assert.equal(await hasCookie(b, '_demo_stats'), true, '_demo_stats cookie missing after accept-all');
});

test('a purpose granted in the privacy centre is recorded in a receipt and kept after a reload', async (t) => {
  const b = await browser(t);
  await open(b, '/');
  await decideInBanner(b, 'reject-all');
  assert.equal(await hasConsent(b, 'news'), false, 'news is granted before it was asked');

  await b.click(SEL.openLink);
  await b.waitFor('the privacy centre is open', (sel) => document.querySelector(sel)?.open === true, SEL.dialog);
  await b.click(SEL.purpose('news'));
  assert.equal(await b.execute((sel) => document.querySelector(sel).checked, SEL.purpose('news')), true, 'the click did not tick news');
  const count = (await receipts(b)).length;
  await b.click(SEL.dialogAction('save'));
  await b.waitFor('a new receipt is recorded', (n) => window.privacy.receipts().length > n, count);

  const receipt = (await receipts(b)).at(-1);
  assert.ok(receipt.changed.includes('news'), `the receipt does not name news as changed: ${receipt.changed}`);
  assert.equal(receipt.purposes.find((p) => p.id === 'news')?.state, 'granted', 'the receipt does not record news as granted');
  assert.equal(await hasConsent(b, 'news'), true, 'hasConsent(news) after granting it');

  await reload(b);
  assert.equal(await hasConsent(b, 'news'), true, 'news is no longer granted after a reload');
});

test('a registration reaches the server with its national ID and phone protected, never raw', async (t) => {
  const b = await browser(t);
  await open(b, '/');
  const security = await b.execute(() => ({ isSecureContext: window.isSecureContext, subtle: Boolean(crypto.subtle) }));
  t.diagnostic(`${server.url}: isSecureContext ${security.isSecureContext}, crypto.subtle ${security.subtle}`);
  // Out of the way of the form's buttons; the decision itself is not under test here.
  await decideInBanner(b, 'reject-all');

  // What a person types is typed with WebDriver key events; the module groups the national ID and
  // the phone as they are typed, which must work in WebKit too, so their digits go in ungrouped.
  // The title (a <select>) and the date of birth take no typing: they are set by script, with the
  // events a choice fires.
  const chosen = ['title', 'date_of_birth'];
  await b.execute((formSel, values) => {
    const form = document.querySelector(formSel);
    for (const [name, value] of Object.entries(values)) {
      const el = form.querySelector(`[name="${name}"]`);
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }
  }, SEL.form, Object.fromEntries(chosen.map((name) => [name, REGISTRATION[name]])));
  for (const [name, value] of Object.entries(REGISTRATION).filter(([name]) => !chosen.includes(name))) {
    const typed = ['national_id', 'phone'].includes(name) ? digits(value) : value;
    await b.type(SEL.formControl(name), typed);
    const shown = await b.execute((n) => document.activeElement?.name === n && document.activeElement.value, name);
    assert.equal(shown, value, `${name}: typing ${typed} left the focused control showing ${JSON.stringify(shown)}`);
  }
  // The phone is sent only for a contact purpose the person agreed to.
  await b.click(SEL.formPurpose('contact'));
  await b.click(SEL.formSubmit);

  const line = await waitForLine(server.registerFile).catch(async (err) => {
    const status = await b.execute((sel) => document.querySelector(sel)?.textContent.replace(/\s+/g, ' ').trim(), SEL.formStatusLine);
    throw new Error(`${err.message}; the form says: ${JSON.stringify(status)}`);
  });
  const stored = JSON.parse(line);
  for (const name of ['national_id', 'phone']) {
    assert.equal(typeof stored[name], 'string', `${name} is missing from the stored registration: ${line}`);
    assert.notEqual(stored[name].trim(), '', `${name} was stored empty`);
  }
  const leaks = findNeedles([['stored registration', line]], [
    ...thaiIdSpellings(digits(REGISTRATION.national_id)),
    ...thaiMobileSpellings(digits(REGISTRATION.phone)),
  ]);
  assert.deepEqual(leaks, [], `raw identifiers in the stored registration: ${line}`);
  t.diagnostic(`stored national_id ${JSON.stringify(stored.national_id)}, phone ${JSON.stringify(stored.phone)}`);
});

const digits = (text) => text.replace(/\D/g, '');

/** The first line the server appends to `file`, once it has. */
async function waitForLine(file) {
  const end = Date.now() + WAIT_TIMEOUT_MS;
  for (;;) {
    const text = await fsp.readFile(file, 'utf8').catch(() => '');
    const line = text.split('\n').find((l) => l.trim() !== '');
    if (line) return line;
    if (Date.now() > end) throw new Error(`nothing was stored in ${file} within ${WAIT_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
