// The egress guard (issue 15): no raw national ID, passport or phone number leaves the page,
// whichever control it is typed into and whatever page code does to the form. Every text value a
// guarded form sends goes through the leak scan after its field's operator; the module catches the
// submit in the window's capture phase and on the form itself; the form cannot be posted by the
// browser at all (method="dialog", no action, and the CSP's form-action 'none'), before, during
// and after the module; and while a form is attached, dropping the module's handle changes nothing.

import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import { test } from 'node:test';
import {
  useDemo, SEL, LIFF, REGISTRATION, REGISTER_ENDPOINT, CERTIFICATE_ENDPOINT, fillForm, toThaiDigits,
  groupThaiId, seededRandom, randomThaiId, randomThaiMobile, randomPassport, groupThaiMobile,
  thaiIdSpellings, thaiMobileSpellings, passportSpellings, findNeedles,
} from './harness.mjs';

// gc() in the page, to drop the module's handle for real.
const demo = useDemo({ browserArgs: ['--js-flags=--expose-gc'] });

// ----- what a person types -----------------------------------------------------------------------

/** A 13-digit run whose check digit is wrong: a typo of a real ID, still 12 of its 13 digits. */
const wrongCheckDigit = (id) => id.slice(0, 12) + String((Number(id[12]) + 1) % 10);

/** The spellings of a national ID, a phone and a passport that people type into text. */
function spellings({ id, mobile, passport }) {
  const nsn = mobile.slice(1);
  return [
    id, groupThaiId(id, '-'), groupThaiId(id, ' '), groupThaiId(id, '.'), toThaiDigits(id),
    toThaiDigits(groupThaiId(id, '-')), `บัตร${id}`, `ID${id}`, `(${id})`, wrongCheckDigit(id),
    mobile, groupThaiMobile(mobile, '-'), groupThaiMobile(mobile, ' '), groupThaiMobile(mobile, '.'),
    `+66${nsn}`, `+66 ${nsn.slice(0, 2)} ${nsn.slice(2, 5)} ${nsn.slice(5)}`, `+66 ${mobile}`, `+66${mobile}`,
    `66${nsn}`, toThaiDigits(mobile), `โทร${mobile}`, `tel:${mobile}`,
    passport, `passport ${passport}`, `หนังสือเดินทาง ${passport}`, `พาสปอร์ต${passport}`,
    // A mobile in a range the Thai metadata does not assign: still someone's number.
    `โทร 069-${mobile.slice(3, 6)}-${mobile.slice(6)}`,
  ];
}

/** What a search for a leak looks for: every spelling of each value, typed or canonical. */
const needlesOf = (person) => [
  ...spellings(person), `069${person.mobile.slice(3)}`, ...thaiIdSpellings(person.id), ...thaiIdSpellings(wrongCheckDigit(person.id)),
  ...thaiMobileSpellings(person.mobile), ...passportSpellings(person.passport),
];

const person = (random) => ({ id: randomThaiId(random), mobile: randomThaiMobile(random), passport: randomPassport(random) });

// The register form's text controls that are not identifier fields, and a sentence around what
// is typed into each.
const REGISTER_TEXT = {
  given_name: (x) => `สมหญิง ${x}`,
  family_name: (x) => `${x} ใจดี`,
  nationality: (x) => `ไทย ${x}`,
  address: (x) => `12/3 หมู่ 4 ต.บางรัก 10500 ${x} ชั้น 2`,
  note: (x) => `Please call after 1 pm. ${x}. ขอบคุณค่ะ`,
};

/** Everything a value could have reached: requests, cookies, Web Storage, console, events, server files. */
async function everywhere(s, consoleLines) {
  const storage = await s.webStorage();
  const readOrEmpty = (file) => fsp.readFile(file, 'utf8').catch(() => '');
  return [
    ...s.requests.map((r) => [`${r.method} ${r.url}`, `${r.url}\n${r.postData ?? ''}\n${JSON.stringify(r.headers)}`]),
    ...(await s.cookies()).map((c) => [`cookie ${c.name}`, `${c.name}=${c.value}`]),
    ...Object.entries(storage.localStorage).map(([k, v]) => [`localStorage ${k}`, `${k}=${v}`]),
    ...Object.entries(storage.sessionStorage).map(([k, v]) => [`sessionStorage ${k}`, `${k}=${v}`]),
    ['privacy:* event details', JSON.stringify(await s.events())],
    ['console', consoleLines.join('\n')],
    ['server: register file', await readOrEmpty(demo.server.registerFile)],
    ['server: certificate file', await readOrEmpty(demo.server.certificateFile)],
  ];
}

function recordConsole(s) {
  const lines = [];
  s.page.on('console', (msg) => lines.push(`${msg.type()}: ${msg.text()}`));
  return lines;
}

// ----- every spelling in every text control ------------------------------------------------------

test('identifiers typed in every spelling into every text control of the register form leave nowhere raw', async (t) => {
  const seed = Number(process.env.E2E_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`random identifiers from seed ${seed} (E2E_SEED=${seed} repeats them)`);
  const random = seededRandom(seed);
  const s = await demo.session(t);
  const consoleLines = recordConsole(s);
  await s.goto('/');
  await s.page.locator(SEL.bannerAction('reject-all')).click();

  const controls = Object.keys(REGISTER_TEXT);
  const rounds = spellings(person(random)).length;
  const people = [];
  for (let round = 0; round < rounds; round += 1) {
    // Each control gets every spelling once over the rounds, each time of a new person.
    const typed = {};
    for (const [c, name] of controls.entries()) {
      const p = person(random);
      people.push(p);
      typed[name] = REGISTER_TEXT[name](spellings(p)[(round + c) % rounds]);
    }
    await fillForm(s, { ...REGISTRATION, ...typed });
    const event = await s.submitAndWait();
    assert.equal(event.ok, true, `round ${round}: the form was not sent (status ${event.status}) for ${JSON.stringify(typed)}`);
    const masked = event.report.fields.filter((f) => controls.includes(f.name)).map((f) => [f.name, f.masked]);
    assert.deepEqual(masked.filter(([, n]) => n < 1), [], `round ${round}: a control whose identifier was not found and masked`);
  }
  const posts = s.registerPosts();
  assert.equal(posts.length, rounds, 'one POST a round');
  const control = findNeedles([['typed', JSON.stringify(people.map(spellings))]], needlesOf(people[0]));
  assert.ok(control.length > 0, 'control: the search finds a typed spelling');
  assert.deepEqual(findNeedles(await everywhere(s, consoleLines), people.flatMap(needlesOf)), [],
    'an identifier typed into a text control left the page or was kept, in some spelling');
});

test('the LIFF certificate form: identifiers in every control, in every spelling, leave only sealed', async (t) => {
  const random = seededRandom(0x15e9);
  const s = await demo.session(t, { mobile: true });
  const consoleLines = recordConsole(s);
  await s.goto('/liff/?mock=1');
  await s.page.locator(SEL.bannerAction('reject-all')).click();
  await s.page.locator(LIFF.purpose('contact')).check();
  const people = [];
  for (let i = 0; i < 12; i += 1) {
    const p = person(random);
    people.push(p);
    const typed = spellings(p);
    // The ID field takes the spellings of an ID it validates (digits, Thai digits, grouped with
    // dashes or spaces), the phone field those of a phone (the ten from the eleventh).
    await s.page.fill(LIFF.control('national_id'), typed[[0, 1, 2, 4, 5][i % 5]]);
    await s.page.fill(LIFF.control('phone'), typed[10 + (i % 10)]);
    await s.page.fill(LIFF.control('passport'), i % 2 ? p.passport.toLowerCase() : p.passport);
    await s.page.fill(LIFF.control('date_of_birth'), '1990-02-14');
    const errors = await s.page.$$eval(`${LIFF.form} [data-privacy-error]`, (els) => els.map((e) => e.textContent));
    const event = await s.submitAndWait(LIFF.submit).catch((err) => ({ ok: false, status: `${err.message} ${errors}` }));
    assert.equal(event.ok, true, `round ${i}: the certificate request was not sent (status ${event.status})`);
  }
  assert.ok(s.requested(CERTIFICATE_ENDPOINT).length >= 12, 'control: the requests were made');
  assert.deepEqual(findNeedles(await everywhere(s, consoleLines), people.flatMap(needlesOf)), [],
    'an identifier typed into the certificate form left the page or was kept raw');
});

test('prepareSubmission and sealSubmission return the guarded values too', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await fillForm(s, { ...REGISTRATION, address: '99/1 ถนนสุขุมวิท โทร0812345678', given_name: 'Somchai 3100600445635' });
  const sealed = await s.page.evaluate(async (sel) => JSON.parse(JSON.stringify(await window.privacy.sealSubmission(document.querySelector(sel)))), SEL.form);
  assert.deepEqual(findNeedles([['sealSubmission', JSON.stringify(sealed)]], [...thaiIdSpellings('3100600445635'), ...thaiMobileSpellings('0812345678')]), [],
    'sealSubmission returned a raw identifier');
  assert.match(sealed.payload.address, /^99\/1 ถนนสุขุมวิท โทร.*5678$/, 'the rest of the address is kept as typed');
  const byName = Object.fromEntries(sealed.report.fields.map((f) => [f.name, f]));
  assert.equal(byName.address.masked, 1, 'the report counts the identifier masked in the address');
  assert.equal(byName.given_name.masked, 1, 'the report counts the identifier masked in the name');
  assert.equal(byName.family_name.masked, 0, 'nothing masked in a clean field');
});

// ----- a field whose policy refuses identifiers -------------------------------------------------

test('where the policy says "identifiers": "refuse", the form is not sent and the field says why, keeping what was typed', async (t) => {
  const s = await demo.session(t);
  await s.page.route('**/policy.json', async (route) => {
    const policy = structuredClone(demo.policy);
    policy.forms.register.fields.find((f) => f.name === 'address').identifiers = 'refuse';
    await route.fulfill({ json: policy });
  });
  await s.goto('/');
  await s.page.locator(SEL.bannerAction('reject-all')).click();
  const address = '12/3 ต.บางรัก 10500 โทร 081-234-5678';
  await fillForm(s, { ...REGISTRATION, address });
  await s.page.locator(SEL.formSubmit).click();
  const error = s.page.locator(`${SEL.form} [data-privacy-error="address"]`);
  await error.waitFor();
  await s.settle();
  assert.equal(s.registerPosts().length, 0, 'a POST left');
  const message = await error.innerText();
  assert.match(message, /เบอร์โทรศัพท์/, 'the message at the address says what it holds (Thai)');
  assert.equal(/[0-9]/.test(message), false, 'the message shows no digit of the value');
  assert.equal(await s.page.inputValue(SEL.formControl('address')), address, 'what was typed is kept');
  assert.equal(await s.page.locator(SEL.formControl('address')).getAttribute('aria-invalid'), 'true', 'the address is marked invalid');
  const thrown = await s.page.evaluate((sel) => {
    try {
      window.privacy.prepareSubmission(document.querySelector(sel));
      return null;
    } catch (err) {
      return err.message;
    }
  }, SEL.form);
  assert.match(thrown ?? '', /field 'address'/, 'prepareSubmission names the field');
  assert.equal(/[0-9]{4}/.test(thrown ?? ''), false, 'prepareSubmission\'s error holds no digits of the value');
});

// ----- page code against the guard ---------------------------------------------------------------

const RAW = { national_id: '3100600445635', address: '12/3 โทร 0812345678', note: 'passport AB1234567' };
const RAW_NEEDLES = [...thaiIdSpellings('3100600445635'), ...thaiMobileSpellings('0812345678'), ...passportSpellings('AB1234567')];

/** Fills the register form with raw identifiers, then runs `attack` in the page and waits. */
async function attackRegister(t, attack, { before, sessionOptions } = {}) {
  const s = await demo.session(t, sessionOptions);
  const consoleLines = recordConsole(s);
  if (before) await s.context.addInitScript(before);
  await s.goto('/');
  await s.page.locator(SEL.bannerAction('reject-all')).click();
  await fillForm(s, { ...REGISTRATION, ...RAW });
  const url = s.page.url();
  await attack(s);
  await s.settle(300);
  assert.equal(s.page.url(), url, 'the page navigated: the browser submitted the form');
  const posted = s.requests.filter((r) => r.method !== 'GET' || r.url.includes('?'));
  const leaks = findNeedles(await everywhere(s, consoleLines), RAW_NEEDLES);
  assert.deepEqual(leaks, [], `a raw identifier reached the network or storage (requests: ${posted.map((r) => `${r.method} ${r.url}`).join(', ')})`);
  return s;
}

const clickSubmit = (s) => s.page.evaluate((sel) => {
  const button = document.querySelector(sel);
  button.disabled = false;
  button.click();
}, SEL.formSubmit);

test('after destroy() the form is back to fail-closed, and neither a click nor Enter sends it', async (t) => {
  const s = await attackRegister(t, async (s) => {
    await s.page.evaluate(() => window.privacy.destroy());
    const state = await s.page.evaluate((sel) => {
      const form = document.querySelector(sel);
      return {
        attached: form.hasAttribute('data-privacy-attached'),
        disabled: [...form.querySelectorAll('[data-privacy-submit]')].every((b) => b.disabled),
        status: form.querySelector('[data-privacy-form-status]')?.textContent ?? '',
        method: form.getAttribute('method'),
        action: form.getAttribute('action'),
      };
    }, SEL.form);
    assert.deepEqual({ attached: state.attached, disabled: state.disabled, method: state.method, action: state.action },
      { attached: false, disabled: true, method: 'dialog', action: null }, 'the destroyed form is not fail-closed');
    assert.match(state.status, /ส่งไม่ได้/, 'the status line does not say the form cannot be sent');
    await s.page.locator(SEL.formControl('given_name')).press('Enter');
    // Page code enabling the button again gets no further.
    await clickSubmit(s);
  });
  assert.equal(s.registerPosts().length, 0, 'a destroyed module sent the form');
});

test('with the handle dropped and collected, the module still guards the form and sends it masked', async (t) => {
  const s = await attackRegister(t, async (s) => {
    const collected = await s.page.evaluate(async () => {
      let done = false;
      const registry = new FinalizationRegistry(() => { done = true; });
      registry.register(window.privacy, 'privacy');
      delete window.privacy;
      for (let i = 0; i < 50 && !done; i += 1) {
        globalThis.gc();
        await new Promise((r) => setTimeout(r, 20));
      }
      return done;
    });
    assert.equal(collected, true, 'control: the handle was not collected');
    await s.page.locator(SEL.formSubmit).click();
    await s.page.waitForFunction(() => window.__e2e.events.some((e) => e.type === 'privacy:submit'));
  });
  const [post] = s.registerPosts();
  assert.ok(post, 'the collected module no longer sent the form');
  assert.match(post.json?.address ?? '', /^12\/3 โทร .*5678$/, 'the address was not sent masked');
});

test('a page handler that stops the submit event on the form, or at the window after the module, does not get around it', async (t) => {
  for (const [where, install] of [
    ['form, bubbling', () => document.querySelector('form[data-privacy-form="register"]').addEventListener('submit', (e) => e.stopPropagation())],
    ['form, capture', () => document.querySelector('form[data-privacy-form="register"]').addEventListener('submit', (e) => e.stopImmediatePropagation(), true)],
    ['window, capture', () => window.addEventListener('submit', (e) => e.stopImmediatePropagation(), true)],
    ['document, capture', () => document.addEventListener('submit', (e) => { e.stopImmediatePropagation(); }, true)],
  ]) {
    const s = await attackRegister(t, async (s) => {
      await s.page.evaluate(install);
      await s.page.locator(SEL.formSubmit).click();
      await s.page.waitForFunction(() => window.__e2e.events.some((e) => e.type === 'privacy:submit'));
    });
    const posts = s.registerPosts();
    assert.equal(posts.length, 1, `${where}: the form was not sent once by the module`);
    assert.match(posts[0].json?.address ?? '', /5678$/, `${where}: not the module's masked body`);
  }
});

test('a window capture handler that runs before the module and stops the event: nothing leaves', async (t) => {
  const s = await attackRegister(t, async (s) => {
    await s.page.locator(SEL.formSubmit).click();
    await s.page.locator(SEL.formControl('note')).press('Control+Enter');
    await s.page.locator(SEL.formControl('given_name')).press('Enter');
  }, { before: () => window.addEventListener('submit', (e) => e.stopImmediatePropagation(), true) });
  assert.equal(s.registerPosts().length, 0, 'the module could not have sent it');
});

test('form.submit(), the prototype\'s submit and requestSubmit() never post raw', async (t) => {
  const s = await attackRegister(t, async (s) => {
    await s.page.evaluate((sel) => {
      const form = document.querySelector(sel);
      form.submit();
      HTMLFormElement.prototype.submit.call(form);
    }, SEL.form);
    await s.settle(300);
    assert.equal(s.registerPosts().length, 0, 'form.submit() sent something');
    await s.page.evaluate((sel) => document.querySelector(sel).requestSubmit(), SEL.form);
    await s.page.waitForFunction(() => window.__e2e.events.some((e) => e.type === 'privacy:submit'));
  });
  const posts = s.registerPosts();
  assert.equal(posts.length, 1, 'requestSubmit() went through the module once');
});

test('page code turning the form back into a posting one is stopped by the CSP\'s form-action', async (t) => {
  const s = await attackRegister(t, async (s) => {
    await s.page.evaluate((sel) => {
      const form = document.querySelector(sel);
      form.setAttribute('method', 'post');
      form.setAttribute('action', '/api/register');
      HTMLFormElement.prototype.submit.call(form);
    }, SEL.form);
  }, { sessionOptions: { allowCspViolations: true } });
  const violations = await s.cspViolations();
  assert.ok(violations.some((v) => v.directive === 'form-action'), `no form-action violation: ${JSON.stringify(violations)}`);
});

test('before the module: with the wasm blocked, form.submit() and Enter send nothing', async (t) => {
  const s = await demo.session(t);
  const consoleLines = recordConsole(s);
  await s.page.route('**/*.wasm', (route) => route.abort());
  await s.page.goto('/');
  await s.page.waitForFunction(() => [...document.querySelectorAll('[data-demo-form-unavailable]')].some((el) => !el.hidden));
  await fillForm(s, { ...REGISTRATION, ...RAW });
  await s.page.locator(SEL.formControl('given_name')).press('Enter');
  await s.page.evaluate((sel) => HTMLFormElement.prototype.submit.call(document.querySelector(sel)), SEL.form);
  await s.settle(300);
  assert.equal(s.registerPosts().length, 0, 'the form was posted without the module');
  assert.deepEqual(findNeedles(await everywhere(s, consoleLines), RAW_NEEDLES), [], 'a raw identifier left without the module');
});

test('attaching to a form that could post natively makes it one that cannot, for good, and warns naming it', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  const warnings = [];
  s.page.on('console', (msg) => { if (msg.type() === 'warning') warnings.push(msg.text()); });
  const state = await s.page.evaluate(() => {
    const form = document.createElement('form');
    form.dataset.privacyForm = 'register';
    form.method = 'post';
    form.action = '/api/register';
    form.innerHTML = '<input name="given_name"><button type="submit" formmethod="get" formaction="/x" data-privacy-submit>Send</button>';
    document.body.append(form);
    window.privacy.attachForm(form);
    const read = () => ({
      method: form.getAttribute('method'),
      action: form.getAttribute('action'),
      endpoint: form.getAttribute('data-privacy-endpoint'),
      submitter: [form.querySelector('button').getAttribute('formmethod'), form.querySelector('button').getAttribute('formaction')],
    });
    const attached = read();
    window.privacy.destroy();
    return { attached, destroyed: read() };
  });
  const neutral = { method: 'dialog', action: null, endpoint: '/api/register', submitter: [null, null] };
  assert.deepEqual(state.attached, neutral, 'attached: the form can still post natively');
  assert.deepEqual(state.destroyed, neutral, 'destroyed: the form was restored to a posting one');
  await s.settle();
  assert.ok(warnings.some((w) => w.includes("form 'register'") && w.includes('data-privacy-endpoint')),
    `no warning naming the form: ${JSON.stringify(warnings)}`);
});

test('the demo pages\' forms carry their endpoint where the browser cannot post to it', async (t) => {
  for (const [page, selector, endpoint] of [['/', SEL.form, REGISTER_ENDPOINT], ['/liff/?mock=1', LIFF.form, CERTIFICATE_ENDPOINT]]) {
    const response = await fetch(new URL(page, demo.url));
    const html = await response.text();
    const tag = html.match(/<form\b[^>]*>/g)?.find((f) => f.includes('data-privacy-form')) ?? '';
    assert.match(tag, /method="dialog"/, `${page}: ${selector} is not method="dialog" in the markup`);
    assert.ok(tag.includes(`data-privacy-endpoint="${endpoint}"`), `${page}: the endpoint is not in data-privacy-endpoint`);
    assert.equal(/\baction=/.test(tag), false, `${page}: the form has an action`);
    assert.match(response.headers.get('content-security-policy') ?? '', /form-action 'none'/, `${page}: the CSP has no form-action 'none'`);
  }
});
