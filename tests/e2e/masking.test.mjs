// Local masking before submission (issue 5; guideline section 8, ../shared/DOMAIN.md
// "Identifiers"): a national ID, passport or phone number leaves the page only in the form the
// policy names for its field, never raw in any spelling; the demo policy seals all three to the
// demo server's key (each opens there to its normalised value); a keyed_hash field goes hashed
// under the deployment's key and not at all without one; a free-text note goes through the leak
// scan; and the JS utilities (validateThaiId, formatThaiId, normalizeThaiPhone, maskValue,
// scanText) keep the rules of DOMAIN.md.

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fsp from 'node:fs/promises';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import {
  useDemo, SEL, REGISTRATION, REGISTER_ENDPOINT, fillForm, toThaiDigits, fromThaiDigits,
  thaiIdCheckDigit, groupThaiId, seededRandom, randomThaiId, randomThaiMobile, randomPassport, mobileE164,
  groupThaiMobile, thaiIdSpellings, thaiMobileSpellings, passportSpellings, findNeedles, THAI_LETTERS,
  openSealedValue, sealInPage, keyedHash, DEMO_HASH_KEY,
} from './harness.mjs';

const demo = useDemo();

/**
 * A random mobile that libphonenumber's Thai metadata has (08x, 09x, 061 to 066): the harness's
 * randomThaiMobile also draws 067x and 069x, which that metadata, and so the module, refuses.
 */
function metadataMobile(random) {
  for (;;) {
    const mobile = randomThaiMobile(random);
    if (/^0(?:8|9|6[1-6])/.test(mobile)) return mobile;
  }
}

const SUBMISSIONS = 200;
const MODULE_URL = '/pkg/mohprompt_privacy.js';

const field = (name, policy = demo.policy) => {
  const found = policy.forms.register.fields.find((f) => f.name === name);
  assert.ok(found, `the policy has no field "${name}" in forms.register`);
  return found;
};

// What the demo policy does with each identifier: the three identifiers are sealed (HPKE to the
// demo server's key), the e-mail masked, the (scanned) note kept.
const DEMO_OPERATORS = { national_id: 'seal', passport: 'seal', phone: 'seal', email: 'mask', note: 'keep' };

// ----- helpers ----------------------------------------------------------------------------------

/**
 * Calls functions the module exports, in the page (the module instance app.js started):
 * `calls` is a list of [name, ...args]; each result comes back as { value } (JSON-cloned, so a
 * result that only looks like an object through wasm getters shows up as such), { undefined: true }
 * or { error }.
 */
async function callModule(s, calls) {
  return s.page.evaluate(async ([url, list]) => {
    const m = await import(url);
    return list.map(([name, ...args]) => {
      if (typeof m[name] !== 'function') return { error: `${name} is not exported by the module` };
      try {
        const value = m[name](...args);
        return value === undefined ? { undefined: true } : { value: JSON.parse(JSON.stringify(value)) };
      } catch (err) {
        return { error: String(err?.message ?? err) };
      }
    });
  }, [MODULE_URL, calls]);
}

/** Calls one exported function in the page and returns its (JSON-cloned) result; fails if it threw. */
async function call(s, name, ...args) {
  const [result] = await callModule(s, [[name, ...args]]);
  assert.ok(!result.error, `${name}(${args.map((a) => JSON.stringify(a)).join(', ')}) threw: ${result.error}`);
  assert.ok(!result.undefined, `${name}(${args.map((a) => JSON.stringify(a)).join(', ')}) returned undefined`);
  return result.value;
}

/** Checks a list of [args, expected] against one exported function; reports every mismatch at once. */
async function assertVectors(s, name, vectors) {
  const results = await callModule(s, vectors.map(([args]) => [name, ...args]));
  const wrong = [];
  vectors.forEach(([args, expected], i) => {
    const r = results[i];
    const got = r.error ? `threw ${r.error}` : r.undefined ? 'undefined' : r.value;
    if (!r.error && !r.undefined && JSON.stringify(r.value) === JSON.stringify(expected)) return;
    wrong.push(`${name}(${args.map((a) => JSON.stringify(a)).join(', ')}) = ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
  });
  assert.deepEqual(wrong, [], `${name}: ${wrong.length} of ${vectors.length} vectors differ`);
}

/**
 * Fills the demo form quickly, for the many-submission test: the plain controls are set in one go
 * (value, then input and change events, as a person's typing ends), each identifier is typed into
 * its focused control as one text insertion (trusted input events, as page.fill makes, without its
 * per-call waits for visibility and stability).
 */
async function quickFill(s, plain, identifiers) {
  let values = plain;
  for (const [name, value] of Object.entries(identifiers)) {
    await s.page.evaluate(([formSel, v, next]) => {
      const form = document.querySelector(formSel);
      for (const [n, text] of Object.entries(v)) {
        const el = form.querySelector(`[name="${n}"]`);
        el.value = text;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }
      const el = form.querySelector(`[name="${next}"]`);
      el.focus();
      el.select();
    }, [SEL.form, values, name]);
    await s.page.keyboard.insertText(value);
    values = {};
  }
}

/** Clicks submit on a form that must not be sent and waits for the status line to say something. */
async function submitRefused(s) {
  await s.page.click(SEL.formSubmit);
  await s.page.waitForFunction((sel) => (document.querySelector(sel)?.textContent ?? '').trim() !== '', SEL.formStatusLine);
  await s.settle();
  return (await s.page.locator(SEL.formStatusLine).innerText()).replace(/\s+/g, ' ').trim();
}

/** What the field messages say now, by control name (only those shown). */
async function fieldErrors(s) {
  return s.page.$$eval(`${SEL.form} [data-privacy-error]`, (els) => Object.fromEntries(
    els.filter((el) => el.checkVisibility() && el.textContent.trim() !== '')
      .map((el) => [el.getAttribute('data-privacy-error'), el.textContent.replace(/\s+/g, ' ').trim()]),
  ));
}

const digitCount = (text) => (text.match(/[0-9๐-๙０-９]/g) ?? []).length;

/** A registration without its identifiers and note; the identifiers are set per test. */
const REGISTRATION_REST = Object.fromEntries(
  Object.entries(REGISTRATION).filter(([name]) => !['national_id', 'passport', 'phone', 'note'].includes(name)),
);

// ----- the 200 random submissions ---------------------------------------------------------------

/** One person: the values as the test types them (in some spelling) and as they really are. */
function makePerson(random, i) {
  const id = randomThaiId(random);
  const mobile = metadataMobile(random);
  const passport = randomPassport(random);
  // People write the same number in different ways; each way must be caught.
  const idTyped = [id, groupThaiId(id, '-'), groupThaiId(id, ' '), toThaiDigits(id), toThaiDigits(groupThaiId(id, '-'))][i % 5];
  const phoneTyped = [
    mobile, groupThaiMobile(mobile, '-'), `+66 ${mobile.slice(1, 3)} ${mobile.slice(3, 6)} ${mobile.slice(6)}`,
    toThaiDigits(groupThaiMobile(mobile, '-')), mobileE164(mobile),
  ][i % 5];
  // Every other passport typed in lower case: it is sealed upper case.
  const passportTyped = i % 2 ? passport.toLowerCase() : passport;
  return { id, mobile, passport, typed: { national_id: idTyped, passport: passportTyped, phone: phoneTyped } };
}

test(`${SUBMISSIONS} random national IDs, phones and passports: each leaves only sealed, opening to its normalised value, none raw anywhere`, async (t) => {
  assert.equal(field('national_id').operator, DEMO_OPERATORS.national_id, 'precondition: the demo policy seals national_id');
  assert.equal(field('passport').operator, DEMO_OPERATORS.passport, 'precondition: the demo policy seals passport');
  assert.equal(field('phone').operator, DEMO_OPERATORS.phone, 'precondition: the demo policy seals phone');

  const seed = Number(process.env.E2E_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`random identifiers from seed ${seed} (E2E_SEED=${seed} repeats them)`);
  const random = seededRandom(seed);
  const people = Array.from({ length: SUBMISSIONS }, (_, i) => makePerson(random, i));

  const s = await demo.session(t);
  const consoleMessages = [];
  s.page.on('console', (msg) => consoleMessages.push(`${msg.type()}: ${msg.text()}`));
  await s.goto('/');
  await s.page.locator(SEL.formPurpose('contact')).check();

  const expectedBodies = [];
  const submitted = (await s.events('privacy:submit')).length;
  for (const [i, p] of people.entries()) {
    await quickFill(s, REGISTRATION_REST, p.typed);
    // Enter in the last field submits, as the submit button would (implicit submission).
    await s.page.keyboard.press('Enter');
    // Sent and the form reset (ready for the next person), or refused.
    const outcome = await s.page.waitForFunction(([n, sel]) => {
      const events = window.__e2e.events.filter((e) => e.type === 'privacy:submit');
      if (events.length <= n) return false;
      if (!events.at(-1).detail.ok) return `refused (status ${events.at(-1).detail.status})`;
      return document.querySelector(sel).value === '' && 'sent';
    }, [submitted + i, SEL.formControl('national_id')]).then((h) => h.jsonValue(), (err) => `not sent (${err.message.split('\n')[0]})`);
    if (outcome !== 'sent') {
      assert.fail(`submission ${i + 1} (${JSON.stringify(p.typed)}): ${outcome}; ` +
        `field messages ${JSON.stringify(await fieldErrors(s))}`);
    }
    expectedBodies.push({ ...REGISTRATION_REST, email: 's***@example.com' });
  }
  await s.settle();

  // The bodies: one per person, in order, each answered 200.
  const posts = s.registerPosts();
  assert.equal(posts.length, SUBMISSIONS, `expected ${SUBMISSIONS} POSTs to ${REGISTER_ENDPOINT}`);
  const wrong = [];
  const sealedValues = [];
  for (const [i, post] of posts.entries()) {
    const p = people[i];
    const body = post.json ?? {};
    const { national_id: nationalId, passport, phone, ...rest } = body;
    const expectedRest = expectedBodies[i];
    if (post.status !== 200) wrong.push(`#${i + 1}: answered ${post.status}`);
    if (!isDeepStrictEqual(rest, expectedRest)) {
      wrong.push(`#${i + 1} (typed ${JSON.stringify(p.typed)}): body ${JSON.stringify(rest)} is not ${JSON.stringify(expectedRest)}`);
    }
    // Each identifier sealed to the demo server for this form and field, holding the normalised
    // value: the ID's 13 digits, the passport upper case, the phone in E.164.
    const normalised = { national_id: p.id, passport: p.passport.toUpperCase(), phone: mobileE164(p.mobile) };
    for (const [name, value] of Object.entries({ national_id: nationalId, passport, phone })) {
      sealedValues.push(value);
      let plaintext;
      try {
        plaintext = await openSealedValue(demo, { form: 'register', field: name }, value);
      } catch (err) {
        wrong.push(`#${i + 1}: ${name} ${JSON.stringify(p.typed[name])}: ${err.message.split('\n')[0]}`);
        continue;
      }
      if (plaintext !== normalised[name]) {
        wrong.push(`#${i + 1}: ${name} ${JSON.stringify(p.typed[name])} opens to ${JSON.stringify(plaintext)}, not ${normalised[name]}`);
      }
    }
  }
  assert.deepEqual(wrong, [], `${wrong.length} problems in ${SUBMISSIONS} bodies: not what the policy says`);
  // A fresh ephemeral key per seal: no two sealed strings alike, even of the same kind.
  assert.equal(new Set(sealedValues).size, sealedValues.length, 'two sealed values are the same string');
  const stored = await demo.storedSubmissions();
  assert.deepEqual(stored.slice(-SUBMISSIONS), posts.map((p) => p.json), 'the server stored other bodies than were posted');

  // Everywhere a value could have gone.
  const storage = await s.webStorage();
  const readOrEmpty = (file) => fsp.readFile(file, 'utf8').catch(() => '');
  const stacks = [
    ...s.requests.map((r) => [`${r.method} ${r.url}`, `${r.url}\n${r.postData ?? ''}\n${JSON.stringify(r.headers)}`]),
    ...(await s.cookies()).map((c) => [`cookie ${c.name}`, `${c.name}=${c.value}`]),
    ...Object.entries(storage.localStorage).map(([k, v]) => [`localStorage ${k}`, `${k}=${v}`]),
    ...Object.entries(storage.sessionStorage).map(([k, v]) => [`sessionStorage ${k}`, `${k}=${v}`]),
    ['privacy:* event details', JSON.stringify(await s.events())],
    ['privacy.receipts()', JSON.stringify(await s.receipts())],
    ['console messages', consoleMessages.join('\n')],
    ['page errors', s.pageErrors.join('\n')],
    ['server: register file', await readOrEmpty(demo.server.registerFile)],
    ['server: consent receipts file', await readOrEmpty(demo.server.receiptsFile)],
  ];
  const needles = people.flatMap((p) => [...thaiIdSpellings(p.id), ...thaiMobileSpellings(p.mobile), ...passportSpellings(p.passport)]);
  // The sealed values are not redacted: they are base64url, in which a digit run of a needle's
  // length (7 or more) turns up by chance about never.

  // Control: the search finds each value where it really is, in what was typed.
  const control = findNeedles([['typed', JSON.stringify(people.map((p) => p.typed))]], needles);
  for (const p of people) {
    for (const value of [p.typed.national_id, p.typed.phone, p.passport]) {
      assert.ok(control.includes(`typed: ${value}`), `the search would miss ${value} (control)`);
    }
  }
  assert.ok(s.requests.length > SUBMISSIONS, 'nothing to search');
  assert.deepEqual(findNeedles(stacks, needles), [], 'a national ID, phone or passport number left the page or was kept in some spelling');
});

// ----- the note: the leak scan ------------------------------------------------------------------

// A note with identifiers in it, between things that only look like them. `kind` marks what the
// scan must find; the rest must arrive exactly as typed.
const NOTE_PARTS = [
  'ขอเลื่อนนัดครับ เลขบัตร ', { kind: 'national_id', text: '1-2345-45678-78-1' },
  ' โทร ', { kind: 'phone', text: '081-234-5678' },
  ' หรือ ', { kind: 'email', text: 'somchaiqz@example.com' },
  '. Passport ', { kind: 'passport', text: 'AB1234567' },
  '. Paid 1,250.00 THB on 2024-01-31 (31/01/2567), ref ', { kind: 'national_id_unverified', text: '1234545678782' },
  '. เลขของลูก ',
  { kind: 'national_id', text: '๓๑๐๐๖๐๐๔๔๕๖๓๕' },
  ' ขอบคุณครับ',
];
const noteText = (parts) => parts.map((p) => (typeof p === 'string' ? p : p.text)).join('');

test('the note goes through the leak scan: identifiers arrive masked (a 13-digit number that fails the check digit too, as a mistyped ID), a date and an amount arrive as typed', async (t) => {
  assert.equal(field('note').kind, 'free_text', 'precondition: note is free text');
  assert.equal(field('note').operator, DEMO_OPERATORS.note, 'precondition: the demo policy keeps the (scanned) note');
  const s = await demo.session(t);
  await s.goto('/');
  const note = noteText(NOTE_PARTS);
  const masks = await callModule(s, NOTE_PARTS.filter((p) => typeof p !== 'string').map((p) => ['maskValue', p.kind, p.text]));
  let k = 0;
  const expected = NOTE_PARTS.map((p) => {
    if (typeof p === 'string') return p;
    const m = masks[k++];
    assert.ok(typeof m.value === 'string', `maskValue('${p.kind}', '${p.text}') gave ${JSON.stringify(m)}`);
    assert.ok(digitCount(m.value) <= 4, `maskValue('${p.kind}', '${p.text}') shows ${digitCount(m.value)} digits: ${m.value}`);
    return m.value;
  }).join('');

  await fillForm(s, { ...REGISTRATION, note });
  const prepared = await s.page.evaluate(async (sel) => JSON.parse(JSON.stringify(await window.privacy.sealSubmission(document.querySelector(sel)))), SEL.form);
  assert.equal(prepared.payload.note, expected, 'sealSubmission: the note is not the scanned note');
  const event = await s.submitAndWait();
  assert.equal(event.ok, true, `the form was not sent (status ${event.status}, messages ${JSON.stringify(await fieldErrors(s))})`);
  const [post] = s.registerPosts();
  assert.equal(post.json?.note, expected, 'the note as posted: identifiers masked, everything else as typed');
  assert.equal(event.report.fields.find((f) => f.name === 'note')?.action, 'sent', 'the report of the note');

  const leaked = findNeedles(s.requests.map((r) => [`${r.method} ${r.url}`, `${r.url}\n${r.postData ?? ''}`]), [
    ...thaiIdSpellings('1234545678781'), ...thaiIdSpellings('3100600445635'),
    ...thaiMobileSpellings('0812345678'), 'AB1234567', '1234567', 'somchaiqz',
  ]);
  assert.deepEqual(leaked, [], 'an identifier in the note left the page');
  const events = JSON.stringify(await s.events());
  assert.ok(!events.includes('Paid 1,250.00') && !events.includes('เลื่อนนัด'), 'the note is in a privacy:* event detail');
});

// ----- the JS utilities -------------------------------------------------------------------------

test('validateThaiId and formatThaiId: the DOMAIN.md vectors, Thai and full-width digits, and every wrong check digit', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  const withCheck = (first12) => first12 + thaiIdCheckDigit(first12);
  await assertVectors(s, 'validateThaiId', [
    [['3100600445635'], true],
    [['1-2345-45678-78-1'], true],
    [['1112034563562'], true],
    [['1-2345-45678-78-9'], false],
    [['1 2345 45678 78 1'], true],
    [['๓๑๐๐๖๐๐๔๔๕๖๓๕'], true],
    [['๑-๒๓๔๕-๔๕๖๗๘-๗๘-๑'], true],
    [['３１００６００４４５６３５'], true],
    [['1234545678782'], false],
    [['123454567878'], false],
    [['12345456787810'], false],
    [[''], false],
    [['abcdefghijklm'], false],
    // The check digit is right, but no ID starts with 0 or 9.
    [[withCheck('012345678901')], false],
    [[withCheck('912345678901')], false],
    [[withCheck('812345678901')], true],
  ]);

  // Any 12 digits (first 1–8) with the computed check digit pass; the nine other 13th digits fail.
  const random = seededRandom(20261123);
  const vectors = [];
  for (let i = 0; i < 100; i += 1) {
    const id = randomThaiId(random);
    vectors.push([[id], true]);
    for (let d = 0; d < 10; d += 1) if (String(d) !== id[12]) vectors.push([[id.slice(0, 12) + d], false]);
  }
  await assertVectors(s, 'validateThaiId', vectors);

  await assertVectors(s, 'formatThaiId', [
    [['1234545678781'], '1-2345-45678-78-1'],
    [['1 2345 45678 78 1'], '1-2345-45678-78-1'],
    [['๓๑๐๐๖๐๐๔๔๕๖๓๕'], '3-1006-00445-63-5'],
    [['1112034563562'], '1-1120-34563-56-2'],
    [['1-2345-45678-78-9'], null],
    [['12345'], null],
    [[''], null],
  ]);
});

test('normalizeThaiPhone gives E.164 for Thai mobiles, fixed lines and toll-free numbers however written, and null otherwise', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await assertVectors(s, 'normalizeThaiPhone', [
    // Mobile: 06, 08, 09 and eight more digits.
    [['0812345678'], '+66812345678'],
    [['081-234-5678'], '+66812345678'],
    [['081 234 5678'], '+66812345678'],
    [['081.234.5678'], '+66812345678'],
    [['+66812345678'], '+66812345678'],
    [['+66 81 234 5678'], '+66812345678'],
    [['+660812345678'], '+66812345678'],
    [['66812345678'], '+66812345678'],
    [['๐๘๑-๒๓๔-๕๖๗๘'], '+66812345678'],
    [['0612345678'], '+66612345678'],
    [['0912345678'], '+66912345678'],
    // Bangkok: 02 and seven digits.
    [['021234567'], '+6621234567'],
    [['02-123-4567'], '+6621234567'],
    [['(02) 123-4567'], '+6621234567'],
    [['+66 2 123 4567'], '+6621234567'],
    // Other fixed lines: 03, 04, 05, 07 and seven digits.
    [['053123456'], '+6653123456'],
    [['053-123-456'], '+6653123456'],
    [['038 123 456'], '+6638123456'],
    [['044123456'], '+6644123456'],
    [['076-123-456'], '+6676123456'],
    // Toll-free: 1800 and six digits.
    [['1800-123-456'], '+661800123456'],
    [['1800123456'], '+661800123456'],
    // Not Thai numbers, or not whole ones.
    [['12345'], null],
    [[''], null],
    [['0812345'], null],
    [['08123456789'], null],
    [['0212345678'], null],
    [['0712345678'], null],
    [['01-234-5678'], null],
    [['+1 415 555 0100'], null],
    [['1800-123-45'], null],
    [['not a phone'], null],
    // libphonenumber reads 0066 as the international prefix 006 and country code 681.
    [['0066812345678'], null],
  ]);
});

test('maskValue shows at most the last digits the rules allow, separators kept', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await assertVectors(s, 'maskValue', [
    [['national_id', '1234545678781'], 'x-xxxx-xxxxx-78-1'],
    [['national_id', '1-2345-45678-78-1'], 'x-xxxx-xxxxx-78-1'],
    [['phone', '081-234-5678'], 'xxx-xxx-5678'],
    [['phone', '0812345678'], 'xxxxxx5678'],
    [['passport', 'AA1234567'], 'xxxxxx567'],
    [['email', 'somchai@example.com'], 's***@example.com'],
  ]);
  // Random IDs: the mask is the grouping with all but the last three digits hidden.
  const random = seededRandom(5);
  const ids = Array.from({ length: 50 }, () => randomThaiId(random));
  await assertVectors(s, 'maskValue', ids.map((id) => [['national_id', id], `x-xxxx-xxxxx-${id.slice(10, 12)}-${id[12]}`]));
  const mobiles = Array.from({ length: 50 }, () => randomThaiMobile(random));
  await assertVectors(s, 'maskValue', mobiles.map((m) => [['phone', groupThaiMobile(m)], `xxx-xxx-${m.slice(6)}`]));
});

// Texts with identifiers in them: `kind` marks each, and the scan must find exactly those.
const SCAN_CASES = [
  { name: 'a phone number in Thai text', parts: ['โทร ', { kind: 'phone', text: '081-234-5678' }, ' ได้ครับ'] },
  {
    name: 'Thai digits and Thai text before a national ID in Thai digits',
    parts: ['วันที่ ๓๑ มกราคม ๒๕๖๗ เลขประจำตัว ', { kind: 'national_id', text: '๑๒๓๔๕๔๕๖๗๘๗๘๑' }, ' ครับ'],
  },
  {
    name: 'characters outside the BMP (two UTF-16 units each) before the identifiers',
    parts: ['🙂🙏 ID ', { kind: 'national_id', text: '1-2345-45678-78-1' }, ' และ 😷 อีเมล ', { kind: 'email', text: 'somchai@example.com' }, ' 👍'],
  },
  {
    name: 'national IDs contiguous and spaced, a passport, a +66 and a Bangkok number',
    parts: [
      'IDs ', { kind: 'national_id', text: '3100600445635' }, ', ', { kind: 'national_id', text: '1 1120 34563 56 2' },
      '; passport ', { kind: 'passport', text: 'AB1234567' }, ' and ', { kind: 'passport', text: 'K123456' },
      '; call ', { kind: 'phone', text: '+66 81 234 5678' }, ' or ', { kind: 'phone', text: '02-123-4567' }, '.',
    ],
  },
  {
    name: 'only ordinary numbers: dates, an amount, an order number, a postal code, a house number',
    parts: ['นัดวันที่ 2024-01-31 หรือ 31/01/2567 ค่าบริการ 1,250.00 บาท เลขที่สั่งซื้อ 20240131001 บ้านเลขที่ 99/123 หมู่ 4 ต.บางรัก 10500'],
  },
  {
    name: '13 digits in an ID\'s shape whose check digit fails: a mistyped ID, masked as one',
    parts: ['เลข ', { kind: 'national_id_unverified', text: '1234545678782' }, ' และ ', { kind: 'national_id_unverified', text: '1-2345-45678-78-9' }],
  },
];

test('scanText finds each identifier with its UTF-16 offsets in the original text, masks it, and leaves ordinary numbers alone', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  for (const c of SCAN_CASES) {
    const text = noteText(c.parts);
    const expectedFindings = [];
    const maskCalls = [];
    let at = 0;
    for (const p of c.parts) {
      const piece = typeof p === 'string' ? p : p.text;
      if (typeof p !== 'string') {
        expectedFindings.push({ kind: p.kind, start: at, end: at + piece.length });
        maskCalls.push(['maskValue', p.kind, p.text]);
      }
      at += piece.length;
    }
    const masks = (await callModule(s, maskCalls)).map((m) => m.value);
    let k = 0;
    const expectedText = c.parts.map((p) => (typeof p === 'string' ? p : masks[k++])).join('');

    const result = await call(s, 'scanText', text);
    assert.deepEqual(Object.keys(result ?? {}).sort(), ['findings', 'text'], `${c.name}: scanText returns { text, findings }`);
    for (const f of result.findings) {
      assert.deepEqual(Object.keys(f).sort(), ['end', 'kind', 'start'], `${c.name}: a finding carries more than kind, start and end: ${JSON.stringify(f)}`);
    }
    const found = [...result.findings].sort((a, b) => a.start - b.start);
    assert.deepEqual(found, expectedFindings,
      `${c.name}: findings ${JSON.stringify(found.map((f) => ({ ...f, at: text.slice(f.start, f.end) })))} ` +
      `in ${JSON.stringify(text)}`);
    assert.equal(result.text, expectedText, `${c.name}: the scanned text (each identifier replaced by maskValue of its kind)`);
  }
});

test('scanText masks every random ID, phone and passport planted in a long Thai and English text', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  const random = seededRandom(77);
  const filler = ['ผู้ป่วยแจ้งว่า ', 'มีไข้ตั้งแต่วันที่ 2024-01-31 ', 'paid 1,250.00 THB, ', 'Nov 23, 2026: ', 'นัดครั้งถัดไป 31/01/2567 '];
  const parts = [];
  const planted = [];
  for (let i = 0; i < 60; i += 1) {
    parts.push(filler[i % filler.length]);
    const id = randomThaiId(random);
    const mobile = metadataMobile(random);
    const passport = randomPassport(random);
    const item = [
      { kind: 'national_id', text: [id, groupThaiId(id), toThaiDigits(id)][i % 3] },
      { kind: 'phone', text: [groupThaiMobile(mobile), mobile, mobileE164(mobile)][i % 3] },
      { kind: 'passport', text: passport },
    ][i % 3];
    parts.push(item, ' ');
    planted.push(item);
  }
  const result = await call(s, 'scanText', noteText(parts));
  assert.equal(result.findings.length, planted.length, `scanText found ${result.findings.length} of ${planted.length} planted identifiers`);
  const kinds = [...result.findings].sort((a, b) => a.start - b.start).map((f) => f.kind);
  assert.deepEqual(kinds, planted.map((p) => p.kind), 'the kinds found, in order');
  const leaked = planted.filter((p) => result.text.includes(p.text) || result.text.includes(fromThaiDigits(p.text)));
  assert.deepEqual(leaked.map((p) => p.text), [], 'identifiers still readable in the scanned text');
  for (const f of filler) assert.ok(result.text.includes(f), `ordinary text changed: "${f}" is gone`);
});

// ----- keyed hash ------------------------------------------------------------------------------

test('a keyed-hash field leaves as HMAC-SHA256 of its kind, a zero byte and its normalised value, under the demo key', async (t) => {
  const s = await demo.session(t);
  // The demo policy seals these; a deployment may keyed-hash them instead.
  const policy = structuredClone(demo.policy);
  field('national_id', policy).operator = 'keyed_hash';
  field('phone', policy).operator = 'keyed_hash';
  await s.page.route((url) => url.pathname === '/policy.json', (route) => route.fulfill({ json: policy }));
  await s.goto('/?lang=en');
  assert.deepEqual(s.consoleErrors.filter((m) => /policy was rejected/.test(m)), [], 'precondition: the policy with keyed_hash was rejected');
  await fillForm(s, REGISTRATION);
  await s.page.evaluate(() => window.privacy.set('contact', true));
  const payload = await s.page.evaluate(async (sel) => (await window.privacy.sealSubmission(document.querySelector(sel))).payload, SEL.form);
  assert.equal(payload.national_id, keyedHash('national_id', '1234545678781'), 'national_id');
  assert.equal(payload.phone, keyedHash('phone', '+66812345678'), 'phone');
  // The same digits hashed as another kind, or without a kind, are another hash.
  assert.notEqual(payload.national_id, keyedHash('postal_code', '1234545678781'));
  const unlabelled = createHmac('sha256', DEMO_HASH_KEY).update('1234545678781').digest('hex');
  assert.notEqual(payload.national_id, unlabelled);
});

// ----- no key, no hash --------------------------------------------------------------------------

test('without a hashKey a keyed-hash field refuses: the form is not sent and says why, prepareSubmission and sealSubmission throw', async (t) => {
  const s = await demo.session(t);
  // The demo policy seals national_id; a deployment may keyed-hash it instead.
  const policy = structuredClone(demo.policy);
  field('national_id', policy).operator = 'keyed_hash';
  await s.page.route((url) => url.pathname === '/policy.json', (route) => route.fulfill({ json: policy }));
  // The demo page as it would be if the deployment had not configured a key.
  const source = await (await fetch(`${demo.url}/app.js`)).text();
  const without = source.replace(/,\s*hashKey: HASH_KEY/g, '');
  assert.notEqual(without, source, 'precondition: app.js passes hashKey: HASH_KEY to Privacy.start');
  assert.doesNotMatch(without, /hashKey/, 'precondition: app.js passes hashKey only in the calls removed here');
  await s.page.route((url) => url.pathname === '/app.js', async (route) => {
    await route.fulfill({ response: await route.fetch(), body: without });
  });
  await s.goto('/?lang=en');
  assert.deepEqual(s.consoleErrors.filter((m) => /policy was rejected/.test(m)), [], 'precondition: the policy with keyed_hash was rejected');

  await fillForm(s, REGISTRATION);
  const prepared = await s.page.evaluate(async (sel) => {
    const form = document.querySelector(sel);
    const outcome = {};
    try {
      window.privacy.prepareSubmission(form);
      outcome.prepare = { threw: false };
    } catch (err) {
      outcome.prepare = { threw: true, message: String(err?.message ?? err), code: err?.code };
    }
    try {
      await window.privacy.sealSubmission(form);
      outcome.seal = { threw: false };
    } catch (err) {
      outcome.seal = { threw: true, message: String(err?.message ?? err), code: err?.code };
    }
    return outcome;
  }, SEL.form);
  for (const [method, result] of Object.entries({ prepareSubmission: prepared.prepare, sealSubmission: prepared.seal })) {
    assert.equal(result.threw, true, `${method} prepared a payload with a keyed_hash field and no key`);
    assert.match(result.message, /hashKey/, `${method}'s error does not say that the hash key is missing: "${result.message}"`);
    assert.equal(result.code, 'hash_key_missing', `${method}'s error code`);
  }

  const status = await submitRefused(s);
  assert.deepEqual(s.registerPosts(), [], 'the form was POSTed with a keyed_hash field and no key');
  // The person cannot supply a key: the status line says that the form cannot be sent safely,
  // the developer's error above names the missing key.
  assert.ok(status.length > 0, 'the status line does not say why the form was not sent');
  assert.doesNotMatch(status, /sent\. thank|sending/i, `the status line reads as if the form went: "${status}"`);
  assert.doesNotMatch(status, THAI_LETTERS, `the English status line has Thai: ${status}`);
  const leaked = findNeedles(s.requests.map((r) => [`${r.method} ${r.url}`, `${r.url}\n${r.postData ?? ''}`]),
    [...thaiIdSpellings('1234545678781'), REGISTRATION.passport, ...thaiMobileSpellings('0812345678')]);
  assert.deepEqual(leaked, [], 'an identifier left the page');
});

// ----- keep: normalised, and only where the policy allows it ------------------------------------

test('keep sends the normalised value: ID digits, phone E.164, passport upper case, e-mail domain lower case (the demo server, which wants them sealed, refuses it)', async (t) => {
  const s = await demo.session(t);
  const policy = structuredClone(demo.policy);
  for (const name of ['national_id', 'passport', 'phone']) Object.assign(field(name, policy), { operator: 'keep', allow_keep: true });
  field('email', policy).operator = 'keep';
  await s.page.route((url) => url.pathname === '/policy.json', (route) => route.fulfill({ json: policy }));
  await s.goto('/');
  assert.deepEqual(s.consoleErrors.filter((m) => /policy was rejected/.test(m)), [], 'the policy with allow_keep was rejected');

  await fillForm(s, {
    ...REGISTRATION, note: '', national_id: '1 2345 45678 78 1', passport: 'ab1234567', phone: '+66 81 234 5678', email: 'Somchaiqz@Example.COM',
  });
  await s.page.locator(SEL.formPurpose('contact')).check();
  const stored = (await demo.storedSubmissions()).length;
  const event = await s.submitAndWait();
  const posts = s.registerPosts();
  assert.equal(posts.length, 1, `the form was not posted (messages ${JSON.stringify(await fieldErrors(s))})`);
  const body = posts[0].json ?? {};
  assert.deepEqual(
    { national_id: body.national_id, passport: body.passport, phone: body.phone, email: body.email },
    { national_id: '1234545678781', passport: 'AB1234567', phone: '+66812345678', email: 'Somchaiqz@example.com' },
    'the kept values, normalised',
  );
  // The server checks against its own policy, which seals these fields: raw values are refused.
  assert.equal(posts[0].status, 400, 'the demo server did not refuse identifiers that arrived unsealed');
  assert.equal(event.ok, false, 'privacy:submit detail.ok although the server refused the body');
  assert.deepEqual((await demo.storedSubmissions()).slice(stored), [], 'the demo server stored unsealed identifiers');
});

for (const name of ['national_id', 'passport', 'phone']) {
  test(`the loader refuses keep for ${name} unless the field says allow_keep`, async (t) => {
    const s = await demo.session(t);
    const policy = structuredClone(demo.policy);
    field(name, policy).operator = 'keep';
    await s.page.route((url) => url.pathname === '/policy.json', (route) => route.fulfill({ json: policy }));
    await s.goto('/');
    assert.ok(s.consoleErrors.some((m) => /policy was rejected/.test(m)),
      `a policy that keeps ${name} raw was accepted (console errors: ${JSON.stringify(s.consoleErrors)})`);
    // app.js falls back to the bundled policy, which seals it. With the identifiers empty there is
    // nothing to seal, so prepareSubmission reports each field's operator.
    await fillForm(s, { ...REGISTRATION, national_id: '', passport: '', phone: '' });
    const report = await s.page.evaluate((sel) => JSON.parse(JSON.stringify(window.privacy.prepareSubmission(document.querySelector(sel)).report)), SEL.form);
    assert.equal(report.fields.find((f) => f.name === name)?.operator, DEMO_OPERATORS[name], `${name}'s operator after the fallback`);
    // The bundled policy lists no key (the demo server publishes its own in /policy.json), so
    // with the identifiers filled nothing can be sealed, and nothing is sent.
    await fillForm(s, REGISTRATION);
    await s.page.evaluate(() => window.privacy.set('contact', true));
    const sealing = await sealInPage(s);
    assert.deepEqual(sealing, { rejected: 'sealSubmission: the policy has no usable key to seal to', isError: true, code: 'seal_no_key' }, 'sealSubmission after the fallback');
    const event = await s.submitAndWait();
    assert.equal(event.ok, false, 'privacy:submit detail.ok after the fallback');
    assert.deepEqual(s.registerPosts(), [], `the form was posted after the fallback (${name} kept raw?)`);
  });
}
