// Sealed fields in the browser (the policy's `seal` operator): headless Chromium encrypts the
// national ID, the passport and the phone with HPKE (RFC 9180 base mode, DHKEM(P-256,
// HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM) to the key /policy.json lists, and only the demo
// server's private key opens them. What is checked here, with values sealed in Chromium:
// - interop: what the page seals opens in Node with @hpke/core (not the server's code) to the
//   normalised value, the info built here from the format;
// - the real submit, with the body changed on its way: a value moved to another field or form,
//   a changed ciphertext, another kid or another key are refused (422) and nothing is stored;
// - a registration leaves no raw ID, passport or phone anywhere the page or the server keeps;
// - where sealing cannot run (a page that is not a secure context, so no WebCrypto) the form says
//   so before anyone types, and a submit sends nothing;
// - with a policy that has no key, a form whose sealed fields are absent or empty is sent (the
//   console tells the integrator of the missing key), and one with a filled sealed field whose
//   purpose is allowed says why it cannot be sent and sends nothing, until that field is emptied;
// - the LIFF page's certificate request arrives sealed for the certificate form.
//
// The insecure page is the demo under another name: Chromium maps privacy-demo.test to 127.0.0.1
// (--host-resolver-rules), and http://privacy-demo.test:<port> is not a secure context, where
// http://127.0.0.1 is.

import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import { test } from 'node:test';
import { Aes128Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';
import { createRecipient } from '../../www/sealing.mjs';
import {
  useDemo, SEL, REGISTRATION, REGISTER_ENDPOINT, CERTIFICATE_ENDPOINT, fillForm, formValues, SEALED_VALUE,
  openSealedValue, openSealedBody, seededRandom, randomThaiId, randomThaiMobile, randomPassport, groupThaiId,
  groupThaiMobile, toThaiDigits, mobileE164, thaiIdSpellings, thaiMobileSpellings, passportSpellings, findNeedles,
  flipCiphertextChar, LIFF, submitCertificate, sealInPage, sealedFieldNames,
} from './harness.mjs';

const INSECURE_HOST = 'privacy-demo.test';
const demo = useDemo({ browserArgs: [`--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`] });

/** The demo under a name that is not a secure context (same server, same port). */
const insecureOrigin = () => {
  const url = new URL(demo.url);
  url.hostname = INSECURE_HOST;
  return url.origin;
};

// What the module says where it cannot seal (src/i18n.rs), by page language.
const CANNOT_SEAL = {
  insecure: {
    th: 'ส่งไม่ได้: ฟอร์มนี้ต้องเข้ารหัสเลขประจำตัวก่อนส่ง แต่หน้านี้ไม่ได้เปิดผ่านการเชื่อมต่อที่ปลอดภัย (https)',
    en: 'Cannot send: this form encrypts ID numbers before sending, and this page is not on a secure (https) connection.',
  },
  noKey: {
    th: 'ส่งไม่ได้: ยังไม่มีกุญแจสำหรับเข้ารหัสเลขประจำตัวถึงหน่วยงาน กรุณาลองใหม่ภายหลัง',
    en: "Cannot send: the service's key for encrypting ID numbers is missing. Please try again later.",
  },
};
const REASON = {
  insecure: 'sealing needs WebCrypto, which only a secure (https) page has',
  noKey: 'the policy has no usable key to seal to',
};
/** The stable `code` of each rejection, which page code matches on. */
const CODE = { insecure: 'seal_no_webcrypto', noKey: 'seal_no_key' };

// ----- helpers ----------------------------------------------------------------------------------

/** The suite of sealed fields, from @hpke/core directly. */
const hpkeSuite = () => new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });

/** info = "mohprompt-privacy/seal/v1" 0x00 version 0x00 form 0x00 field, in UTF-8 (built from the format). */
const hpkeInfo = (version, form, field) => new TextEncoder().encode(`mohprompt-privacy/seal/v1\0${version}\0${form}\0${field}`);

/**
 * Opens a sealed string with @hpke/core and the demo server's private key, checking each part on
 * the way: the kid, a 65-byte uncompressed point as enc, a ciphertext of the plaintext's length
 * plus the 16-byte tag. Returns the plaintext.
 */
async function openWithHpkeCore(suite, { form, field }, sealed) {
  const parts = SEALED_VALUE.exec(sealed);
  assert.ok(parts, `${form}.${field} is not hpke1.<kid>.<enc>.<ciphertext>: ${JSON.stringify(sealed)}`);
  const [, kid, encText, ctText] = parts;
  assert.equal(kid, demo.server.seal.kid, `${form}.${field}: sealed to kid ${kid}, not the server's`);
  const enc = Buffer.from(encText, 'base64url');
  assert.equal(enc.toString('base64url'), encText, `${form}.${field}: enc is not canonical unpadded base64url`);
  assert.equal(enc.length, 65, `${form}.${field}: enc is ${enc.length} bytes, not a 65-byte P-256 point`);
  assert.equal(enc[0], 4, `${form}.${field}: enc is not an uncompressed point (0x04 first)`);
  const ct = Buffer.from(ctText, 'base64url');
  assert.equal(ct.toString('base64url'), ctText, `${form}.${field}: the ciphertext is not canonical unpadded base64url`);
  const recipient = await suite.createRecipientContext({
    recipientKey: demo.server.seal.recipientKey,
    enc: new Uint8Array(enc),
    info: hpkeInfo(demo.policy.version, form, field),
  });
  const plaintext = new TextDecoder('utf-8', { fatal: true }).decode(await recipient.open(new Uint8Array(ct)));
  assert.equal(ct.length, Buffer.byteLength(plaintext) + 16, `${form}.${field}: the ciphertext is not the plaintext plus a 16-byte tag`);
  return plaintext;
}

/** Status line text of the register form (whitespace folded). */
async function statusText(s, selector = SEL.formStatusLine) {
  return ((await s.page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Every console line of the page, from the first load on. */
function recordConsole(s) {
  const lines = [];
  s.page.on('console', (msg) => lines.push(`${msg.type()}: ${msg.text()}`));
  return lines;
}

/** A person with distinctive random identifiers (seeded), and how the test types them. */
function person(seed) {
  const random = seededRandom(seed);
  const id = randomThaiId(random);
  const mobile = randomThaiMobile(random);
  const passport = randomPassport(random);
  return {
    id,
    mobile,
    passport,
    typed: { national_id: groupThaiId(id), passport: passport.toLowerCase(), phone: groupThaiMobile(mobile) },
    normalised: { national_id: id, passport, phone: mobileE164(mobile) },
  };
}

/** Every spelling in which the person's identifiers could leak (searches ignore case). */
const spellingsOf = (p) => [
  ...thaiIdSpellings(p.id), ...thaiMobileSpellings(p.mobile), ...passportSpellings(p.passport), p.passport.toLowerCase(),
];

// ----- interop ----------------------------------------------------------------------------------

test('100 national IDs and 100 phones sealed by sealSubmission in Chromium open in Node with @hpke/core to their normalised values', async (t) => {
  assert.deepEqual(sealedFieldNames(demo.policy, 'register'), ['national_id', 'passport', 'phone'], 'precondition: the register form seals these');
  const seed = Number(process.env.E2E_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`random identifiers from seed ${seed} (E2E_SEED=${seed} repeats them)`);
  const random = seededRandom(seed);
  const N = 100;
  // Each written in one of the ways people write it; the page must seal the normalised value.
  const people = Array.from({ length: N }, (_, i) => {
    const id = randomThaiId(random);
    const mobile = randomThaiMobile(random);
    return {
      id,
      mobile,
      idTyped: [id, groupThaiId(id), groupThaiId(id, ' '), toThaiDigits(id)][i % 4],
      phoneTyped: [mobile, groupThaiMobile(mobile), mobileE164(mobile), `+66 ${mobile.slice(1, 3)} ${mobile.slice(3, 6)} ${mobile.slice(6)}`, toThaiDigits(mobile)][i % 5],
    };
  });

  const s = await demo.session(t);
  await s.goto('/');
  const { national_id: _i, passport: _p, phone: _m, ...rest } = REGISTRATION;
  await fillForm(s, rest);
  await s.page.evaluate(() => window.privacy.set('contact', true));
  // Every key pair the page generates from here on, as WebCrypto made it.
  await s.page.evaluate(() => {
    const generateKey = crypto.subtle.generateKey.bind(crypto.subtle);
    window.__generatedPairs = [];
    crypto.subtle.generateKey = async (algorithm, extractable, usages) => {
      const pair = await generateKey(algorithm, extractable, usages);
      window.__generatedPairs.push({
        name: algorithm.name,
        privateExtractable: pair.privateKey?.extractable,
        publicExtractable: pair.publicKey?.extractable,
      });
      return pair;
    };
  });

  const started = Date.now();
  const results = await s.page.evaluate(async ([formSel, list]) => {
    const form = document.querySelector(formSel);
    const set = (name, value) => {
      const el = form.querySelector(`[name="${name}"]`);
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    };
    const out = [];
    for (const { idTyped, phoneTyped } of list) {
      set('national_id', idTyped);
      set('phone', phoneTyped);
      try {
        const { payload, report } = await window.privacy.sealSubmission(form);
        const entry = (name) => report.fields.find((f) => f.name === name);
        out.push({
          nationalId: payload.national_id,
          phone: payload.phone,
          hasPassport: 'passport' in payload,
          reported: [entry('national_id'), entry('phone')].map((e) => `${e?.operator}/${e?.action}`),
        });
      } catch (err) {
        out.push({ error: String(err?.message ?? err) });
      }
    }
    return out;
  }, [SEL.form, people.map(({ idTyped, phoneTyped }) => ({ idTyped, phoneTyped }))]);
  t.diagnostic(`${2 * N} fields sealed in Chromium in ${Date.now() - started} ms`);

  const suite = hpkeSuite();
  const opening = Date.now();
  const wrong = [];
  const sealed = [];
  for (const [i, r] of results.entries()) {
    const p = people[i];
    if (r.error) {
      wrong.push(`#${i + 1}: sealSubmission rejected: ${r.error}`);
      continue;
    }
    if (r.hasPassport) wrong.push(`#${i + 1}: an empty passport was sent`);
    if (r.reported.join() !== 'seal/sent,seal/sent') wrong.push(`#${i + 1}: report of national_id, phone: ${r.reported.join(', ')}`);
    for (const [field, value, expected, typed] of [
      ['national_id', r.nationalId, p.id, p.idTyped],
      ['phone', r.phone, mobileE164(p.mobile), p.phoneTyped],
    ]) {
      sealed.push(value);
      try {
        const plaintext = await openWithHpkeCore(suite, { form: 'register', field }, value);
        if (plaintext !== expected) wrong.push(`#${i + 1}: ${field} typed ${JSON.stringify(typed)} opens to ${JSON.stringify(plaintext)}, not ${expected}`);
      } catch (err) {
        wrong.push(`#${i + 1}: ${field} typed ${JSON.stringify(typed)}: ${err.message.split('\n')[0]}`);
      }
    }
  }
  t.diagnostic(`${sealed.length} sealed values opened in Node in ${Date.now() - opening} ms`);
  assert.deepEqual(wrong, [], `${wrong.length} of ${2 * N} sealed values are wrong`);
  assert.equal(sealed.length, 2 * N, 'not every field was sealed');
  assert.equal(new Set(sealed).size, sealed.length, 'two sealed values are the same string');
  const encs = sealed.map((v) => v.split('.')[2]);
  assert.equal(new Set(encs).size, encs.length, 'an ephemeral key (enc) was used twice');
  // Each ephemeral private key stays inside WebCrypto: generated not extractable. (Its public
  // key, enc, is extractable whatever the flag, as WebCrypto makes every public key.)
  const pairs = await s.page.evaluate(() => window.__generatedPairs);
  assert.equal(pairs.length, 2 * N, `${pairs.length} key pairs generated for ${2 * N} seals`);
  assert.deepEqual(pairs.filter((p) => p.name !== 'ECDH' || p.privateExtractable !== false || p.publicExtractable !== true), [],
    'an ephemeral key pair was generated with an extractable private key');

  // Bound to its field: a national ID's sealed value does not open as the phone, nor for the other form.
  await assert.rejects(openWithHpkeCore(suite, { form: 'register', field: 'phone' }, results[0].nationalId),
    'a national_id sealed value opened as phone');
  await assert.rejects(openWithHpkeCore(suite, { form: 'certificate', field: 'national_id' }, results[0].nationalId),
    'a register national_id sealed value opened for the certificate form');
  assert.deepEqual(s.registerPosts(), [], 'sealSubmission posted the form');
});

// ----- the real submit, changed on its way --------------------------------------------------------

/** A sealed string with its kid replaced. */
const withKid = (sealed, kid) => sealed.split('.').map((part, i) => (i === 1 ? kid : part)).join('.');

/**
 * Fills and submits the register form (contact granted, so phone is sent too) with the body the
 * page sealed changed by `change(body)` on its way to the server (route.fetch, as anyone between
 * the page and the server could). Returns the privacy:submit detail, the body as the page made
 * it, the body as sent, the server's answer and what it stored meanwhile.
 */
async function submitChanged(t, change, { endpoint = REGISTER_ENDPOINT, policy } = {}) {
  const s = await demo.session(t);
  if (policy) await s.page.route((url) => url.pathname === '/policy.json', (route) => route.fulfill({ json: policy }));
  let sent;
  let answer;
  await s.page.route((url) => url.pathname === REGISTER_ENDPOINT, async (route) => {
    const original = JSON.parse(route.request().postData());
    sent = change(structuredClone(original));
    const response = await route.fetch({ url: new URL(endpoint, demo.url).href, postData: JSON.stringify(sent) });
    answer = { status: response.status(), text: await response.text() };
    await route.fulfill({ response, body: answer.text });
  });
  await s.goto('/?lang=en');
  await fillForm(s, REGISTRATION);
  await s.page.check(SEL.formPurpose('contact'));
  const storedBefore = { register: await demo.storedSubmissions(), certificate: await demo.storedCertificates() };
  const event = await s.submitAndWait();
  const [post] = s.registerPosts();
  assert.ok(post, 'control: the page did not post the form');
  const storedNow = {
    register: (await demo.storedSubmissions()).slice(storedBefore.register.length),
    certificate: (await demo.storedCertificates()).slice(storedBefore.certificate.length),
  };
  return { s, event, made: post.json, sent, answer, stored: storedNow };
}

/** The refusal: 422 naming the field, nothing stored, the page says it failed and keeps what was typed. */
async function assertRefused(result, { field, reason }) {
  const { s, event, answer, stored, sent } = result;
  assert.equal(answer.status, 422, `the server answered ${answer.status}: ${answer.text}`);
  assert.match(answer.text, new RegExp(`\\b${field}\\b`), `the refusal does not name ${field}: ${answer.text}`);
  // The demo server answers a refusal as JSON, { error, message, path }.
  let message = answer.text;
  try {
    message = JSON.parse(answer.text).message ?? answer.text;
  } catch {
    // not JSON: the text is the message
  }
  if (reason) assert.match(message, reason, 'the reason of the refusal');
  for (const value of Object.values(sent)) {
    if (typeof value === 'string' && SEALED_VALUE.test(value)) assert.ok(!answer.text.includes(value), 'the refusal echoes a sealed value');
  }
  assert.deepEqual(stored, { register: [], certificate: [] }, 'a refused body was stored');
  assert.equal(event.ok, false, 'privacy:submit detail.ok after a refusal');
  assert.equal(event.status, 422, 'privacy:submit detail.status after a refusal');
  assert.deepEqual(await formValues(s), REGISTRATION, 'what was typed was not kept for a retry');
}

test('control: the body the page sealed, passed on unchanged, is accepted and stored as sent', async (t) => {
  const result = await submitChanged(t, (body) => body);
  assert.equal(result.answer.status, 200, `the server answered ${result.answer.status}: ${result.answer.text}`);
  assert.equal(result.event.ok, true, 'privacy:submit detail.ok');
  assert.deepEqual(result.stored.register, [result.made], 'the server did not store the body as sent');
  for (const field of ['national_id', 'passport', 'phone']) assert.match(result.made[field], SEALED_VALUE, `${field} is not sealed`);
});

test('a sealed value from Chromium moved to another field is refused (422) and nothing is stored', async (t) => {
  // The national ID's sealed value posted as the passport.
  let result = await submitChanged(t, (body) => ({ ...body, passport: body.national_id }));
  await assertRefused(result, { field: 'passport', reason: /does not open/ });
  // The national ID and the phone swapped.
  result = await submitChanged(t, (body) => ({ ...body, national_id: body.phone, phone: body.national_id }));
  await assertRefused(result, { field: 'national_id', reason: /does not open/ });
});

test('a register body sealed in Chromium, posted to /api/certificate, is refused (422) and nothing is stored', async (t) => {
  const result = await submitChanged(t, (body) => ({ national_id: body.national_id, date_of_birth: body.date_of_birth, phone: body.phone }),
    { endpoint: CERTIFICATE_ENDPOINT });
  await assertRefused(result, { field: 'national_id', reason: /form "certificate"/ });
});

test('a sealed value from Chromium with one character of its ciphertext changed is refused (422)', async (t) => {
  const result = await submitChanged(t, (body) => ({ ...body, national_id: flipCiphertextChar(body.national_id) }));
  await assertRefused(result, { field: 'national_id', reason: /does not open/ });
});

test('a sealed value from Chromium under another kid, or sealed to another key, is refused (422)', async (t) => {
  // The same ciphertext, labelled with a kid that is not the server's.
  const otherKid = demo.server.seal.kid === 'demo-00000000' ? 'demo-00000001' : 'demo-00000000';
  let result = await submitChanged(t, (body) => ({ ...body, phone: withKid(body.phone, otherKid) }));
  await assertRefused(result, { field: 'phone', reason: /not this server's key/ });

  // A page holding another recipient's key (an old or a forged policy): it seals to that kid.
  const other = await createRecipient();
  const policy = { ...structuredClone(demo.policy), keys: [other.keyEntry] };
  result = await submitChanged(t, (body) => body, { policy });
  assert.equal(SEALED_VALUE.exec(result.made.national_id)?.[1], other.kid, 'control: the page did not seal to the routed key');
  await assertRefused(result, { field: 'national_id', reason: /not this server's key/ });

  // Another key under the server's own kid: the kid matches, the value does not open.
  const forged = { ...structuredClone(demo.policy), keys: [{ ...other.keyEntry, kid: demo.server.seal.kid }] };
  result = await submitChanged(t, (body) => body, { policy: forged });
  assert.equal(SEALED_VALUE.exec(result.made.national_id)?.[1], demo.server.seal.kid, 'control: the page did not seal under the server\'s kid');
  await assertRefused(result, { field: 'national_id', reason: /does not open/ });
});

// ----- no raw identifier anywhere ---------------------------------------------------------------

test('a registration with national ID, passport and phone leaves none of them raw in any request, cookie, storage, event or console line', async (t) => {
  const p = person(0x5ea1ed);
  const s = await demo.session(t);
  const consoleLines = recordConsole(s);
  await s.goto('/');
  await fillForm(s, { ...REGISTRATION, ...p.typed });
  await s.page.check(SEL.formPurpose('contact'));
  const event = await s.submitAndWait();
  assert.equal(event.ok, true, `the registration was not accepted: ${JSON.stringify(event)}`);
  // Open the privacy centre too, so whatever it shows or stores is searched as well.
  await s.page.click(SEL.openLink);
  await s.waitForDialogOpen();
  await s.settle();

  // Controls: the values did go, sealed, and open to what was typed.
  const [post] = s.registerPosts();
  assert.ok(post, 'control: the registration was not posted');
  const opened = await openSealedBody(demo, 'register', post.json);
  assert.deepEqual({ national_id: opened.national_id, passport: opened.passport, phone: opened.phone }, p.normalised,
    'control: the sealed values do not open to what was typed');
  const needles = spellingsOf(p);
  const typedStack = [['typed', JSON.stringify(p.typed)]];
  for (const value of Object.values(p.typed)) {
    assert.ok(findNeedles(typedStack, needles).some((f) => f.toLowerCase() === `typed: ${value}`.toLowerCase()),
      `control: the search would miss ${value}`);
  }

  const events = await s.events();
  assert.ok(['privacy:consent', 'privacy:change', 'privacy:receipt', 'privacy:submit'].every((type) => events.some((e) => e.type === type)),
    `control: not every privacy:* event was recorded: ${[...new Set(events.map((e) => e.type))].join(', ')}`);
  const storage = await s.webStorage();
  assert.ok(Object.keys(storage.localStorage).length > 0, 'control: nothing in localStorage to search');
  const cookies = await s.cookies();
  assert.ok(cookies.length > 0, 'control: no cookie to search');
  const readOrEmpty = (file) => fsp.readFile(file, 'utf8').catch(() => '');
  const stacks = [
    ...s.requests.map((r, i) => [`request ${i} ${r.method} ${r.url}`, `${r.url}\n${r.postData ?? ''}\n${JSON.stringify(r.headers)}`]),
    ...cookies.map((c) => [`cookie ${c.name}`, `${c.name}=${c.value}`]),
    ...Object.entries(storage.localStorage).map(([k, v]) => [`localStorage ${k}`, `${k}=${v}`]),
    ...Object.entries(storage.sessionStorage).map(([k, v]) => [`sessionStorage ${k}`, `${k}=${v}`]),
    ...events.map((e, i) => [`event ${i} ${e.type}`, JSON.stringify(e.detail)]),
    ['privacy.receipts()', JSON.stringify(await s.receipts())],
    ...consoleLines.map((line, i) => [`console line ${i}`, line]),
    ['page errors', s.pageErrors.join('\n')],
    ['server: register file', await readOrEmpty(demo.server.registerFile)],
    ['server: consent receipts file', await readOrEmpty(demo.server.receiptsFile)],
  ];
  // Sealed values are base64url and not redacted: a digit run of a needle's length (7 or more)
  // turns up in one by chance about never.
  assert.deepEqual(findNeedles(stacks, needles), [], 'a national ID, passport or phone left the page or was kept raw');
  assert.ok(!events.some((e) => JSON.stringify(e.detail).includes('hpke1.')), 'a sealed value is in a privacy:* event detail');
});

// ----- where sealing cannot run -----------------------------------------------------------------

/**
 * Opens the register form where it cannot seal (`why`: insecure or noKey), checks what it says
 * before anyone types (on an insecure page: that it cannot send; with no key: nothing, as an
 * empty form needs no key), then fills it completely and validly, checks that it now says why,
 * submits it, and checks that nothing left and nothing was stored.
 */
async function assertCannotSeal(t, why, { lang, origin, policy }) {
  const s = await demo.session(t, origin ? { origin } : {});
  if (policy) await s.page.route((url) => url.pathname === '/policy.json', (route) => route.fulfill({ json: policy }));
  await s.goto(lang ? `/?lang=${lang}` : '/');
  if (origin) {
    const context = await s.page.evaluate(() => ({
      origin: window.location.origin,
      secure: window.isSecureContext,
      subtle: typeof globalThis.crypto?.subtle,
    }));
    assert.deepEqual(context, { origin, secure: false, subtle: 'undefined' }, 'precondition: the page is not a secure context');
  }
  const pageLang = await s.page.evaluate(() => document.documentElement.lang);
  const expected = CANNOT_SEAL[why][lang ?? 'th'];
  assert.equal(pageLang, lang ?? 'th', 'precondition: the page language');
  // Said at attach time, before anyone types, where nothing sealed can ever leave the page.
  assert.equal(await statusText(s), why === 'insecure' ? expected : '', 'the status line before anything was typed');

  await fillForm(s, REGISTRATION);
  await s.page.check(SEL.formPurpose('contact'));
  assert.equal(await statusText(s), expected, 'the status line once the sealed fields are filled');
  assert.equal(await s.page.locator(SEL.formStatusLine).isVisible(), true, 'the status line is not visible');
  const direct = await sealInPage(s);
  assert.deepEqual(direct, { rejected: `sealSubmission: ${REASON[why]}`, isError: true, code: CODE[why] }, 'sealSubmission of the filled form');

  const stored = (await demo.storedSubmissions()).length;
  const event = await s.submitAndWait();
  assert.equal(event.ok, false, 'privacy:submit detail.ok');
  assert.deepEqual(event.report, { form: 'register', code: CODE[why] }, 'privacy:submit detail.report');
  assert.deepEqual(s.registerPosts(), [], `the form was POSTed to ${REGISTER_ENDPOINT} although nothing could be sealed`);
  assert.deepEqual(s.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/') && r.path !== '/api/consent-receipts'), [],
    'a form POST left the page');
  assert.deepEqual((await demo.storedSubmissions()).slice(stored), [], 'something was stored');
  assert.equal(await statusText(s), expected, 'the status line after the submit');
  assert.ok(s.consoleWarnings.includes(`privacy: the form was not sent: ${REASON[why]}`),
    `no console warning says why: ${JSON.stringify(s.consoleWarnings)}`);
  assert.deepEqual(await formValues(s), REGISTRATION, 'what was typed changed');
  const leaked = findNeedles(s.requests.map((r) => [`${r.method} ${r.url}`, `${r.url}\n${r.postData ?? ''}`]), [
    ...thaiIdSpellings('1234545678781'), ...passportSpellings(REGISTRATION.passport), ...thaiMobileSpellings('0812345678'),
  ]);
  assert.deepEqual(leaked, [], 'an identifier left the page');
}

for (const lang of [undefined, 'en']) {
  test(`on a page that is not a secure context (no WebCrypto) the form says so and a submit sends nothing (${lang ?? 'th, the default'})`, async (t) => {
    await assertCannotSeal(t, 'insecure', { lang, origin: insecureOrigin() });
  });
}

test('control: the same page at http://127.0.0.1 is a secure context and has WebCrypto', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  assert.deepEqual(await s.page.evaluate(() => ({ secure: window.isSecureContext, subtle: typeof crypto.subtle })), { secure: true, subtle: 'object' });
  assert.equal(await statusText(s), '', 'the status line says something before anything was typed');
});

for (const lang of [undefined, 'en']) {
  test(`with no key in the policy the form says the key is missing and a submit sends nothing (${lang ?? 'th, the default'})`, async (t) => {
    const policy = { ...structuredClone(demo.policy), keys: [] };
    await assertCannotSeal(t, 'noKey', { lang, policy });
  });
}

// ----- a policy without a key ---------------------------------------------------------------------

/**
 * The served policy with no key, and the register form's national ID and passport optional (the
 * bundled policy asks for one of the two, and both are sealed): a form that may be sent without
 * anything sealed.
 */
function keylessPolicy() {
  const policy = { ...structuredClone(demo.policy), keys: [] };
  for (const field of policy.forms.register.fields) {
    if (field.group !== 'identity') continue;
    field.class = 'optional';
    delete field.group;
  }
  policy.forms.register.groups = policy.forms.register.groups.filter((g) => g.id !== 'identity');
  return policy;
}

/** What the console tells the integrator at attach when the policy has no key. */
const NO_KEY_WARNING = "privacy: the policy has no key to seal to: form 'register' is sent only while its sealed fields are empty " +
  "(national_id, passport, phone); add the receiver's public key to the policy's keys";

/** The demo form's field blocks of the sealed controls (label, control, hint). */
const SEALED_FIELD_BLOCKS = /<div class="form-field">\s*<label for="reg-(?:national-id|passport|phone)">[\s\S]*?<\/div>/g;

/**
 * A session on the demo page in English with the keyless policy; `withoutSealedControls`: the
 * page's form has no national ID, passport or phone control at all.
 */
async function keylessSession(t, { withoutSealedControls = false } = {}) {
  const s = await demo.session(t);
  await s.page.route((url) => url.pathname === '/policy.json', (route) => route.fulfill({ json: keylessPolicy() }));
  if (withoutSealedControls) {
    await s.page.route((url) => url.pathname === '/', async (route) => {
      const response = await route.fetch();
      const html = await response.text();
      const stripped = html.replace(SEALED_FIELD_BLOCKS, '');
      assert.equal(html.match(SEALED_FIELD_BLOCKS)?.length, 3, 'precondition: the demo form has the three sealed controls');
      await route.fulfill({ response, body: stripped });
    });
  }
  await s.goto('/?lang=en');
  assert.deepEqual(s.consoleErrors, [], 'precondition: the page took the keyless policy');
  assert.equal(await statusText(s), '', 'the status line at attach: an empty form needs no key');
  assert.ok(s.consoleWarnings.includes(NO_KEY_WARNING), `no console warning tells of the missing key: ${JSON.stringify(s.consoleWarnings)}`);
  return s;
}

/** The registration without national ID, passport and phone. */
const { national_id: _id, passport: _passport, phone: _phone, ...UNSEALED } = REGISTRATION;

/** The identifiers of REGISTRATION in every spelling, to search requests for. */
const REGISTRATION_NEEDLES = [
  ...thaiIdSpellings('1234545678781'), ...passportSpellings(REGISTRATION.passport), ...thaiMobileSpellings('0812345678'),
];

/**
 * Submits the form and checks it was sent: privacy:submit ok, one POST that reached the server and
 * was stored, with no sealed field in it and no raw identifier in any request. Returns the body.
 */
async function assertSentWithoutSealing(s) {
  const stored = (await demo.storedSubmissions()).length;
  const event = await s.submitAndWait();
  assert.equal(event.ok, true, `the form was not sent: ${JSON.stringify(event)}; console: ${JSON.stringify(s.consoleWarnings)}`);
  const posts = s.registerPosts();
  assert.equal(posts.length, 1, `${posts.length} POSTs to ${REGISTER_ENDPOINT}`);
  const [post] = posts;
  assert.equal(post.status, 200, `the server answered ${post.status}`);
  assert.deepEqual((await demo.storedSubmissions()).slice(stored), [post.json], 'the server did not store the body as sent');
  for (const field of ['national_id', 'passport', 'phone']) assert.ok(!(field in post.json), `${field} was sent: ${JSON.stringify(post.json)}`);
  assert.equal(post.json.given_name, REGISTRATION.given_name, 'control: the body holds what was typed');
  const leaked = findNeedles(s.requests.map((r) => [`${r.method} ${r.url}`, `${r.url}\n${r.postData ?? ''}`]), REGISTRATION_NEEDLES);
  assert.deepEqual(leaked, [], 'an identifier left the page');
  const status = await statusText(s);
  assert.notEqual(status, CANNOT_SEAL.noKey.en, 'the status line says the key is missing');
  assert.equal(status, 'Sent. Thank you.', 'the status line after sending');
  return post.json;
}

test('with no key in the policy, a form whose sealed controls are empty is sent, without a word about the key', async (t) => {
  const s = await keylessSession(t);
  await fillForm(s, { ...UNSEALED, national_id: '', passport: '', phone: '' });
  await s.page.check(SEL.formPurpose('contact'));
  assert.equal(await statusText(s), '', 'the status line with the sealed fields empty');
  // Page code that prepares the submission itself gets it too, without sealing.
  const prepared = await s.page.evaluate((sel) => {
    const form = document.querySelector(sel);
    const plain = window.privacy.prepareSubmission(form);
    return window.privacy.sealSubmission(form).then((sealed) => ({ plain, sealed }), (err) => ({ plain, error: err.code }));
  }, SEL.form);
  assert.equal(prepared.error, undefined, 'sealSubmission rejected');
  assert.deepEqual(prepared.sealed.payload, prepared.plain.payload, 'sealSubmission and prepareSubmission differ');
  assert.ok(!('national_id' in prepared.plain.payload), 'prepareSubmission would send the empty national_id');
  const body = await assertSentWithoutSealing(s);
  assert.match(body.email, /\*/, 'control: the e-mail went masked, so contact was granted');
});

test('with no key in the policy, a form without any sealed control is sent', async (t) => {
  const s = await keylessSession(t, { withoutSealedControls: true });
  assert.equal(await s.page.locator(`${SEL.form} [name="national_id"], ${SEL.form} [name="passport"], ${SEL.form} [name="phone"]`).count(), 0,
    'precondition: the form has no sealed control');
  await fillForm(s, UNSEALED);
  await s.page.check(SEL.formPurpose('contact'));
  assert.equal(await statusText(s), '', 'the status line once the form is filled');
  await assertSentWithoutSealing(s);
});

test('with no key in the policy, a filled national ID stops the form with seal_no_key and nothing leaves; emptied, the form is sent', async (t) => {
  const s = await keylessSession(t);
  await fillForm(s, { ...UNSEALED, national_id: REGISTRATION.national_id });
  // Said as soon as the ID is typed, and visible.
  assert.equal(await statusText(s), CANNOT_SEAL.noKey.en, 'the status line once the national ID is typed');
  assert.equal(await s.page.locator(SEL.formStatusLine).isVisible(), true, 'the status line is not visible');
  const direct = await sealInPage(s);
  assert.deepEqual(direct, { rejected: `sealSubmission: ${REASON.noKey}`, isError: true, code: CODE.noKey }, 'sealSubmission of the filled form');

  const stored = (await demo.storedSubmissions()).length;
  const event = await s.submitAndWait();
  assert.deepEqual(event, { form: 'register', ok: false, status: 0, report: { form: 'register', code: 'seal_no_key' } }, 'privacy:submit detail');
  assert.deepEqual(s.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/') && r.path !== '/api/consent-receipts'), [],
    'a form POST left the page');
  assert.deepEqual((await demo.storedSubmissions()).slice(stored), [], 'something was stored');
  assert.equal(await statusText(s), CANNOT_SEAL.noKey.en, 'the status line after the submit');
  assert.ok(s.consoleWarnings.includes(`privacy: the form was not sent: ${REASON.noKey}`),
    `no console warning says why: ${JSON.stringify(s.consoleWarnings)}`);
  assert.equal((await formValues(s)).national_id, REGISTRATION.national_id, 'what was typed changed');

  // The ID taken out again: the notice goes, and the form is sent without it.
  // As a person does it: into the field (which shows what was typed again), then delete it.
  await s.page.focus(SEL.formControl('national_id'));
  await s.page.fill(SEL.formControl('national_id'), '');
  assert.equal(await statusText(s), '', 'the status line once the national ID is emptied');
  await assertSentWithoutSealing(s);
});

test('with no key in the policy, a filled phone stops the form only while its purpose (contact) is ticked', async (t) => {
  const s = await keylessSession(t);
  await fillForm(s, { ...UNSEALED, phone: REGISTRATION.phone });
  assert.equal(await statusText(s), '', 'the status line with contact unticked: the phone would not be sent');
  await s.page.check(SEL.formPurpose('contact'));
  assert.equal(await statusText(s), CANNOT_SEAL.noKey.en, 'the status line once contact is ticked');
  const event = await s.submitAndWait();
  assert.equal(event.ok, false, 'privacy:submit detail.ok');
  assert.equal(event.report.code, 'seal_no_key', 'privacy:submit detail.report.code');
  assert.deepEqual(s.registerPosts(), [], 'the form was posted');
  // Contact was granted by that submit; unticking the box withdraws it at the next one.
  await s.page.uncheck(SEL.formPurpose('contact'));
  assert.equal(await statusText(s), '', 'the status line once contact is unticked');
  await assertSentWithoutSealing(s);
});

// ----- the LIFF page ----------------------------------------------------------------------------

test('the LIFF page\'s certificate request arrives with national_id and phone, or the passport, sealed for the certificate form', async (t) => {
  assert.deepEqual(sealedFieldNames(demo.policy, 'certificate'), ['national_id', 'passport', 'phone'], 'precondition: the certificate form seals these');
  const s = await demo.session(t, { mobile: true });
  const consoleLines = recordConsole(s);
  await s.goto('/liff/?mock=1');
  await s.page.locator(SEL.bannerAction('reject-all')).click();
  await s.waitForBannerGone();
  const p = person(0x11ffce);

  const request = async (values) => {
    for (const [name, value] of Object.entries(values)) await s.page.locator(LIFF.control(name)).fill(value);
    const { event, stored } = await submitCertificate(demo, s);
    const byName = Object.fromEntries(event.report.fields.map((f) => [f.name, f]));
    return { stored, byName };
  };

  // National ID and phone, contact ticked.
  await s.page.locator(LIFF.purpose('contact')).check();
  let { stored, byName } = await request({ national_id: p.typed.national_id, date_of_birth: '1987-06-23', phone: p.typed.phone });
  assert.deepEqual(Object.keys(stored).sort(), ['date_of_birth', 'national_id', 'phone'], 'the fields of the request');
  const posted = s.requested(CERTIFICATE_ENDPOINT).at(-1);
  assert.deepEqual(JSON.parse(posted.postData), stored, 'the server stored something else than the page sent');
  for (const [field, expected] of [['national_id', p.id], ['phone', mobileE164(p.mobile)]]) {
    assert.equal(await openSealedValue(demo, { form: 'certificate', field }, stored[field]), expected, `certificate.${field} does not open to ${expected}`);
    assert.deepEqual([byName[field]?.operator, byName[field]?.action], ['seal', 'sent'], `the report of ${field}`);
    await assert.rejects(openSealedValue(demo, { form: 'register', field }, stored[field]), `certificate.${field} opened for the register form`);
  }
  assert.equal(stored.date_of_birth, '1987-06-23', 'date_of_birth was not kept');

  // The passport instead (typed in lower case), no phone (the form was reset after the first request).
  ({ stored, byName } = await request({ passport: p.typed.passport, date_of_birth: '1987-06-23' }));
  assert.deepEqual(Object.keys(stored).sort(), ['date_of_birth', 'passport'], 'the fields of the passport request');
  assert.equal(await openSealedValue(demo, { form: 'certificate', field: 'passport' }, stored.passport), p.passport,
    'certificate.passport does not open to the upper-case passport number');
  assert.deepEqual([byName.passport?.operator, byName.passport?.action], ['seal', 'sent'], 'the report of passport');

  const stacks = [
    ...s.requests.map((r, i) => [`request ${i} ${r.method} ${r.url}`, `${r.url}\n${r.postData ?? ''}`]),
    ...(await demo.storedCertificates()).map((r, i) => [`stored certificate request ${i}`, JSON.stringify(r)]),
    ...(await s.events()).map((e, i) => [`event ${i} ${e.type}`, JSON.stringify(e.detail)]),
    ...consoleLines.map((line, i) => [`console line ${i}`, line]),
  ];
  assert.deepEqual(findNeedles(stacks, spellingsOf(p)), [], 'an identifier left the LIFF page raw');
});
