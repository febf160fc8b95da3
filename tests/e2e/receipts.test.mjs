// Consent receipts (issue 3, deliverable 5; shaped after ISO/IEC TS 27560 and the Kantara
// Consent Receipt; DOMAIN.md "Records"): every decision, wherever it is made, leaves a receipt
// with all its fields right; nothing a person types reaches a receipt, a request or storage;
// receipts made offline or through a flaky network reach the server exactly once; a damaged or
// tampered queue is thrown away, never sent.

import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import { test } from 'node:test';
import {
  useDemo, SEL, RECEIPTS_ENDPOINT, REGISTER_ENDPOINT, UUID_V4, policySha256, isConsentPurpose, fnv1a32,
  REGISTRATION, fillForm, formValues,
} from './harness.mjs';

const demo = useDemo();

const RECEIPT_FIELDS = [
  'changed', 'collection_method', 'controller', 'cookie_categories', 'jurisdiction', 'language',
  'policy', 'purposes', 'receipt_id', 'subject', 'timestamp', 'version',
].sort();
const ISO_8601_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const QUEUE_KEY = 'mp_receipts';
const STORED_QUEUE = /^1\|([0-9a-f]{8})\|(.*)$/s;

/**
 * Checks every field of one receipt against the policy and against what the module reported
 * right after the decision (`decisions`). `notBefore`/`notAfter` bracket the decision (ms).
 */
function assertReceipt(r, { method, language, changed, decisions, notBefore, notAfter, policy = demo.policy }, when) {
  assert.deepEqual(Object.keys(r).sort(), RECEIPT_FIELDS, `${when}: the receipt's fields`);
  assert.equal(r.version, 'mohprompt-receipt/1', `${when}: version`);
  assert.match(r.receipt_id, UUID_V4, `${when}: receipt_id is not a UUID v4`);
  assert.match(r.timestamp, ISO_8601_UTC, `${when}: timestamp is not ISO 8601 UTC`);
  const at = Date.parse(r.timestamp);
  // Whole seconds are allowed: a second of slack on either side.
  assert.ok(at >= notBefore - 1000 && at <= notAfter + 1000,
    `${when}: timestamp ${r.timestamp} is not the time of the decision (${new Date(notBefore).toISOString()} … ${new Date(notAfter).toISOString()})`);
  assert.equal(r.jurisdiction, 'TH', `${when}: jurisdiction`);
  assert.equal(r.collection_method, method, `${when}: collection_method`);
  assert.equal(r.language, language, `${when}: language`);
  assert.match(r.subject, UUID_V4, `${when}: subject is not a UUID v4`);

  const c = policy.controller;
  assert.deepEqual(Object.keys(r.controller).sort(), ['email', 'name', 'phone', 'website'], `${when}: controller fields`);
  assert.ok([c.name.th, c.name.en].includes(r.controller.name), `${when}: controller.name ${JSON.stringify(r.controller.name)}`);
  assert.equal(r.controller.phone, c.phone, `${when}: controller.phone`);
  assert.equal(r.controller.email, c.email, `${when}: controller.email`);
  assert.equal(r.controller.website, c.website, `${when}: controller.website`);
  assert.deepEqual(r.policy, { version: policy.version, sha256: policySha256(policy), url: policy.policy_url },
    `${when}: policy (sha256 must be that of JSON.stringify of the served policy)`);

  assert.deepEqual([...r.changed].sort(), [...changed].sort(), `${when}: changed`);

  assert.deepEqual(r.purposes.map((p) => p.id).sort(), policy.purposes.map((p) => p.id).sort(), `${when}: one entry per purpose`);
  for (const entry of r.purposes) {
    const p = policy.purposes.find((x) => x.id === entry.id);
    assert.deepEqual(Object.keys(entry).sort(), ['id', 'legal_basis', 'revision', 'state'], `${when}: fields of purpose ${entry.id}`);
    assert.equal(entry.legal_basis, p.legal_basis, `${when}: legal_basis of ${entry.id}`);
    assert.match(entry.revision, /^[0-9a-f]{8}$/, `${when}: revision of ${entry.id} is not an 8-hex content hash`);
    const state = isConsentPurpose(p) ? decisions[p.id] : 'notice';
    assert.equal(entry.state, state, `${when}: state of purpose ${entry.id}`);
  }
  assert.deepEqual(r.cookie_categories.map((x) => x.id).sort(), policy.categories.map((x) => x.id).sort(), `${when}: one entry per category`);
  for (const entry of r.cookie_categories) {
    const category = policy.categories.find((x) => x.id === entry.id);
    assert.deepEqual(Object.keys(entry).sort(), ['id', 'revision', 'state'], `${when}: fields of category ${entry.id}`);
    assert.equal(entry.revision, category.revision, `${when}: revision of category ${entry.id}`);
    assert.equal(entry.state, decisions[entry.id], `${when}: state of category ${entry.id}`);
  }
}

/** Ids whose state differs between two decisions() snapshots. */
const changedIds = (before, after) => Object.keys(after).filter((id) => after[id] !== before[id]);

async function newReceiptAfter(s, count) {
  await s.page.waitForFunction((n) => window.privacy.receipts().length > n, count);
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a failing run can be replayed. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function countBy(values) {
  const counts = new Map();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

// ----- the receipt ------------------------------------------------------------------------------

test('every way of deciding records a receipt whose fields are all present and correct', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.evaluate(() => {
    window.__onReceipt = [];
    window.privacy.on('receipt', (r) => window.__onReceipt.push(JSON.parse(JSON.stringify(r))));
  });
  assert.deepEqual(await s.receipts(), [], 'receipts exist before any decision');

  const steps = [
    {
      method: 'banner',
      expect: ['preferences', 'statistics'],
      act: async () => {
        await s.page.click(SEL.bannerAction('reject-all'));
        await s.waitForBannerGone();
      },
    },
    {
      method: 'form:register',
      expect: ['news'],
      act: async () => {
        // A complete form: an invalid one is stopped before its boxes are read.
        await fillForm(s, REGISTRATION);
        await s.page.check(SEL.formPurpose('news'));
        await s.page.click(SEL.formSubmit);
      },
    },
    {
      method: 'privacy-centre',
      expect: ['contact'],
      act: async () => {
        await s.page.click(SEL.openLink);
        await s.waitForDialogOpen();
        await s.page.check(SEL.purpose('contact'));
        await s.page.click(SEL.dialogAction('save'));
        await s.waitForDialogClosed();
      },
    },
    { method: 'api', expect: ['statistics'], act: () => s.page.evaluate(() => window.privacy.set('statistics', true)) },
    { method: 'api', expect: ['contact'], act: () => s.page.evaluate(() => window.privacy.withdraw('contact')) },
  ];
  for (const step of steps) {
    const before = await s.decisions();
    const count = (await s.receipts()).length;
    const notBefore = Date.now();
    await step.act();
    await newReceiptAfter(s, count);
    const notAfter = Date.now();
    await s.settle();
    const after = await s.decisions();
    const receipts = await s.receipts();
    assert.equal(receipts.length, count + 1, `${step.method}: one decision must make one receipt`);
    const changed = changedIds(before, after);
    for (const id of step.expect) assert.ok(changed.includes(id), `${step.method}: ${id} did not change (${JSON.stringify(after)})`);
    assertReceipt(receipts.at(-1), { method: step.method, language: 'th', changed, decisions: after, notBefore, notAfter }, step.method);
  }

  // One decision covers the statistics category and the statistics purpose.
  const receipts = await s.receipts();
  const statsGrant = receipts[3];
  assert.equal(statsGrant.purposes.find((p) => p.id === 'statistics').state, 'granted', 'statistics purpose after set(statistics, true)');
  assert.equal(statsGrant.cookie_categories.find((c) => c.id === 'statistics').state, 'granted', 'statistics category after set(statistics, true)');

  // The subject: one random id for this device, stored as mp_subject, on every receipt.
  const subject = receipts[0].subject;
  assert.ok(receipts.every((r) => r.subject === subject), `subjects differ: ${receipts.map((r) => r.subject)}`);
  assert.equal(await s.localStorageItem('mp_subject'), subject, 'localStorage mp_subject is not the receipts\' subject');
  assert.equal(new Set(receipts.map((r) => r.receipt_id)).size, receipts.length, 'two receipts share a receipt_id');

  // The same receipts through the event, on(), and to the server.
  const events = (await s.events('privacy:receipt')).map((e) => e.detail);
  assert.deepEqual(events, receipts, 'privacy:receipt event details differ from receipts()');
  assert.deepEqual(await s.page.evaluate(() => window.__onReceipt), receipts, "on('receipt') callbacks differ from receipts()");
  const stored = await demo.waitForStoredReceipts(receipts.map((r) => r.receipt_id));
  for (const r of receipts) {
    assert.deepEqual(stored.find((x) => x.receipt_id === r.receipt_id), r, `the server stored receipt ${r.receipt_id} differently`);
  }
  const posts = s.receiptPosts();
  assert.ok(posts.length >= receipts.length, `${posts.length} POSTs for ${receipts.length} receipts`);
  for (const post of posts) {
    assert.match(post.contentType, /^application\/json\b/, `a receipt POST has content-type ${post.contentType}`);
    assert.ok(post.receipt && !Array.isArray(post.receipt) && typeof post.receipt.receipt_id === 'string',
      `a POST body is not one receipt: ${post.body?.slice(0, 200)}`);
  }

  // Kept across a reload, newest last, and the subject stays the same.
  await s.reload();
  const count = receipts.length;
  await s.page.evaluate(() => window.privacy.set('news', false));
  await newReceiptAfter(s, count);
  const later = await s.receipts();
  assert.deepEqual(later.slice(0, count), receipts, 'receipts kept before the reload changed');
  assert.equal(later.at(-1).subject, subject, 'the subject changed across a reload');
  assert.deepEqual(later.at(-1).changed, ['news']);

  // Another device (a fresh context) in English: another subject, language en.
  const other = await demo.session(t);
  await other.goto('/?lang=en');
  const before = await other.decisions();
  const notBefore = Date.now();
  await other.page.evaluate(() => window.privacy.set('news', true));
  await newReceiptAfter(other, 0);
  const after = await other.decisions();
  const english = (await other.receipts()).at(-1);
  assertReceipt(english, { method: 'api', language: 'en', changed: changedIds(before, after), decisions: after, notBefore, notAfter: Date.now() }, 'api, en');
  assert.notEqual(english.subject, subject, 'two devices share a subject');
});

test('a visit that decides nothing stores no device id; the first decision makes it', async (t) => {
  const s = await demo.session(t);
  const subjectStored = async () => {
    const { localStorage, sessionStorage } = await s.webStorage();
    const cookie = await s.cookie('mp_subject');
    return { localStorage: localStorage.mp_subject, sessionStorage: sessionStorage.mp_subject, cookie: cookie?.value };
  };
  const none = { localStorage: undefined, sessionStorage: undefined, cookie: undefined };

  // Look around without deciding: the banner, the privacy centre closed with Escape, a reload.
  await s.goto('/');
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  await s.page.click(SEL.openLink);
  await s.waitForDialogOpen();
  await s.page.keyboard.press('Escape');
  await s.waitForDialogClosed();
  await s.reload();
  await s.settle();
  assert.deepEqual(await s.receipts(), [], 'a receipt was recorded without a decision');
  assert.deepEqual(await subjectStored(), none, 'mp_subject was stored before any decision');

  // The first decision makes the id, stored where the receipts are, and names it on the receipt.
  await s.page.click(SEL.bannerAction('reject-all'));
  await newReceiptAfter(s, 0);
  const [receipt] = await s.receipts();
  assert.match(receipt.subject, UUID_V4, 'the first receipt has no device id');
  assert.deepEqual(await subjectStored(), { ...none, localStorage: receipt.subject }, 'mp_subject is not the first receipt\'s subject');
});

test('Global Privacy Control records its refusal once, as a receipt collected by "gpc"', async (t) => {
  const s = await demo.session(t, { gpc: true });
  const notBefore = Date.now();
  await s.goto('/');
  await newReceiptAfter(s, 0);
  const notAfter = Date.now();
  await s.settle();
  const d = await s.decisions();
  const receipts = await s.receipts();
  assert.equal(receipts.length, 1, `GPC made ${receipts.length} receipts`);
  const unset = Object.fromEntries(Object.keys(d).map((id) => [id, d[id] === 'notice' ? 'notice' : 'unset']));
  const alwaysOn = demo.policy.categories.filter((c) => c.always_on).map((c) => c.id);
  const changed = changedIds(unset, d).filter((id) => !alwaysOn.includes(id));
  assert.ok(changed.includes('statistics') && changed.includes('preferences'), `GPC changed ${changed}`);
  assertReceipt(receipts[0], { method: 'gpc', language: 'th', changed, decisions: d, notBefore, notAfter }, 'gpc');

  await s.reload();
  await s.settle();
  assert.equal((await s.receipts()).length, 1, 'a reload under GPC recorded the same refusal again');
});

test('no receipt, request, cookie or stored value contains anything typed into the form, beyond what the form itself posts', async (t) => {
  // Distinctive values for every control; what else a leak could look like follows.
  const typed = {
    title: 'นางสาว',
    given_name: 'Pimchanokqz',
    family_name: 'Wongsawatdiqx',
    date_of_birth: '1987-06-05',
    national_id: '3-1006-00445-63-5', // as the field groups it
    passport: 'AA7654321',
    nationality: 'Zemblanian',
    phone: '081-234-5678',
    email: 'probe.leak@example.test',
    address: '99/7 ถนนตรวจรั่ว Zzyzxville',
    note: 'บันทึกลับ Quuxplumb 1112034563562',
  };
  const variants = [
    '3100600445635', '3 1006 00445 63 5', '445635', // the ID as typed, formatted, and its tail
    '0812345678', '+66812345678', '66812345678', '812345678',
    '05/06/1987', '19870605', '2530-06-05', // the date as typed elsewhere and in the Buddhist era
    'AA7654321'.toLowerCase(), '7654321',
    'probe.leak', 'Pimchanokqz', 'Wongsawatdiqx', 'Zemblanian', 'Zzyzxville', 'ถนนตรวจรั่ว',
    'Quuxplumb', '1112034563562', 'บันทึกลับ',
  ];
  const needles = [...new Set([...Object.values(typed), ...variants])];

  const s = await demo.session(t);
  await s.goto('/');
  await s.page.locator(SEL.consentSection).waitFor({ state: 'visible' });
  for (const [name, value] of Object.entries(typed)) {
    if (name === 'title') await s.page.selectOption(SEL.formControl(name), value);
    else await s.page.fill(SEL.formControl(name), value);
  }
  const typedValues = Object.values(await formValues(s));
  const consentIds = demo.policy.purposes.filter(isConsentPurpose).map((p) => p.id);
  for (const id of consentIds) {
    if ((await s.page.locator(SEL.formPurpose(id)).count()) > 0) await s.page.check(SEL.formPurpose(id));
  }
  await s.page.click(SEL.formSubmit);
  await s.page.locator(SEL.formStatus).first().waitFor({ state: 'visible' });
  // More decisions after typing: the privacy centre, the banner, the API.
  await s.page.click(SEL.openLink);
  await s.waitForDialogOpen();
  await s.page.uncheck(SEL.purpose('news'));
  const saved = (await s.receipts()).length;
  await s.page.click(SEL.dialogAction('save'));
  await newReceiptAfter(s, saved);
  // After a withdrawal the centre may stay open with a note; close it.
  if ((await s.dialogState()).open) await s.page.keyboard.press('Escape');
  await s.waitForDialogClosed();
  if (await s.bannerVisible()) await s.page.click(SEL.bannerAction('accept-all'));
  await s.page.evaluate(() => window.privacy.withdraw('contact'));
  const receipts = await s.receipts();
  assert.ok(receipts.some((r) => r.collection_method === 'form:register'), 'precondition: the form recorded a receipt');
  await demo.waitForStoredReceipts(receipts.map((r) => r.receipt_id));
  await s.reload();
  await s.settle();

  const readOrEmpty = (file) => fsp.readFile(file, 'utf8').catch(() => '');
  const storage = await s.webStorage();
  const haystacks = [
    ['privacy.receipts()', JSON.stringify(await s.receipts())],
    ['privacy:* event details', JSON.stringify(await s.events())],
    ['privacy.decisions()', JSON.stringify(await s.decisions())],
    ...s.requests
      .filter((r) => r.path !== REGISTER_ENDPOINT)
      .map((r) => [`${r.method} ${r.url}`, `${r.url}\n${r.postData ?? ''}\n${JSON.stringify(r.headers)}`]),
    ...(await s.cookies()).map((c) => [`cookie ${c.name}`, `${c.name}=${c.value}`]),
    ...Object.entries(storage.localStorage).map(([k, v]) => [`localStorage ${k}`, `${k}=${v}`]),
    ...Object.entries(storage.sessionStorage).map(([k, v]) => [`sessionStorage ${k}`, `${k}=${v}`]),
    ['server: consent receipts file', await readOrEmpty(demo.server.receiptsFile)],
  ];
  // The form's own submission (issue 4) carries the declared values it needs as typed (names,
  // date of birth, nationality, address) and the note once the leak scan has masked the ID in it
  // (issue 5): it is searched for what must never leave raw, the identifiers, also the one in the
  // note, and the contact channels.
  const registerPosts = s.requests.filter((r) => r.path === REGISTER_ENDPOINT);
  assert.equal(registerPosts.length, 1, 'precondition: the form posted one submission');
  const neverRaw = [
    typed.national_id, '3100600445635', '3 1006 00445 63 5', '445635',
    typed.passport, '7654321',
    typed.phone, '0812345678', '+66812345678', '66812345678', '812345678',
    typed.email, 'probe.leak',
    typed.note, '1112034563562', '1-1120-34563-56-2', '34563562',
  ];
  const submissionStacks = [
    ...registerPosts.map((r) => [`${r.method} ${r.url}`, `${r.url}\n${r.postData ?? ''}\n${JSON.stringify(r.headers)}`]),
    ['server: register file', await readOrEmpty(demo.server.registerFile)],
  ];
  const findLeaks = (stacks, wanted = needles) => {
    const found = [];
    for (const [where, text] of stacks) {
      const forms = [text];
      try {
        forms.push(decodeURIComponent(text), decodeURIComponent(text.replace(/\+/g, ' ')));
      } catch {
        // not percent-encoded
      }
      const lower = forms.join('\n').toLowerCase();
      for (const needle of wanted) if (lower.includes(needle.toLowerCase())) found.push(`${where}: ${needle}`);
    }
    return found;
  };

  // Control: the search finds every typed value where it really is, in the form.
  const control = findLeaks([['form', JSON.stringify(typedValues)]]);
  for (const value of Object.values(typed)) {
    assert.ok(control.includes(`form: ${value}`), `the search would miss ${value} (control)`);
  }
  assert.ok(s.requests.length > 0 && receipts.length >= 3, 'nothing to search');
  assert.deepEqual(findLeaks(haystacks), [], 'typed values left the form');
  assert.deepEqual(findLeaks(submissionStacks, neverRaw), [], 'an identifier, a contact channel or the note unscanned left the form raw in its submission');
  for (const r of await s.receipts()) {
    assert.ok(!needles.includes(r.subject), `the subject is a typed value: ${r.subject}`);
  }
});

// ----- delivery -------------------------------------------------------------------------------

/** Makes decisions through the API while the browser is offline; returns their receipts. */
async function decideOffline(s, count = 3) {
  await s.context.setOffline(true);
  const mark = (await s.receipts()).length;
  await s.page.evaluate((n) => {
    const ids = ['news', 'contact', 'news'];
    for (let i = 0; i < n; i += 1) window.privacy.set(ids[i % ids.length], i < 2);
  }, count);
  await newReceiptAfter(s, mark + count - 1);
  const made = (await s.receipts()).slice(mark);
  assert.equal(made.length, count, `${count} decisions made ${made.length} receipts`);
  return made;
}

async function assertNotStored(ids, when, s) {
  const stored = new Set((await demo.storedReceipts()).map((r) => r.receipt_id));
  const there = ids.filter((id) => stored.has(id));
  const posts = s ? s.receiptPosts().map((p) => `${p.receipt?.receipt_id} → ${p.status}`) : [];
  assert.deepEqual(there, [], `${when}: the server already has these receipts (POSTs seen: ${posts.join(', ')})`);
}

async function assertStoredOnce(ids, when) {
  const counts = countBy((await demo.storedReceipts()).map((r) => r.receipt_id));
  for (const id of ids) assert.equal(counts.get(id) ?? 0, 1, `${when}: receipt ${id} stored ${counts.get(id) ?? 0} times`);
}

/** Receipt ids the client sent again after the server had already accepted them (diagnostic). */
function resentAfterDelivery(s, ids) {
  const delivered = countBy(s.receiptPosts().filter((p) => typeof p.status === 'number' && p.status < 300).map((p) => p.receipt?.receipt_id));
  return ids.filter((id) => (delivered.get(id) ?? 0) > 1);
}

test('decisions made offline reach the server after going online, exactly once', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.settle();
  const made = await decideOffline(s);
  const ids = made.map((r) => r.receipt_id);
  await s.settle();
  await assertNotStored(ids, 'while offline', s);
  const queue = await s.localStorageItem(QUEUE_KEY);
  for (const id of ids) assert.ok(queue?.includes(id), `receipt ${id} is not in the stored queue while offline`);

  const online = Date.now();
  await s.context.setOffline(false);
  await demo.waitForStoredReceipts(ids, { deadlineMs: 10_000 });
  t.diagnostic(`delivered ${Date.now() - online} ms after going online`);
  await s.settle();
  await assertStoredOnce(ids, 'after going online');

  // Delivered receipts leave the queue: a reload sends none of them again.
  const mark = s.requests.length;
  await s.reload();
  await s.settle();
  const again = s.requests.slice(mark).filter((r) => r.path === RECEIPTS_ENDPOINT && ids.some((id) => r.postData?.includes(id)));
  assert.deepEqual(again.map((r) => r.postData), [], 'delivered receipts were sent again after a reload');
  await assertStoredOnce(ids, 'after a reload');
  const resent = resentAfterDelivery(s, ids);
  if (resent.length) t.diagnostic(`sent again after the server accepted them (deduplicated): ${resent.join(', ')}`);
});

test('decisions made offline reach the server on the next page load, exactly once', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.settle();
  const made = await decideOffline(s);
  const ids = made.map((r) => r.receipt_id);
  // Close the page while still offline, so its own `online` handling cannot be what delivers them.
  await s.replacePage();
  await s.context.setOffline(false);
  await assertNotStored(ids, 'before the next load', s);

  await s.goto('/');
  await demo.waitForStoredReceipts(ids, { deadlineMs: 10_000 });
  await s.settle();
  await assertStoredOnce(ids, 'after the next load');
  const kept = (await s.receipts()).map((r) => r.receipt_id);
  for (const id of ids) assert.ok(kept.includes(id), `receipt ${id} is no longer in receipts() after delivery`);

  const mark = s.requests.length;
  await s.reload();
  await s.settle();
  const again = s.requests.slice(mark).filter((r) => r.path === RECEIPTS_ENDPOINT && ids.some((id) => r.postData?.includes(id)));
  assert.deepEqual(again.map((r) => r.postData), [], 'delivered receipts were sent again on the load after');
  await assertStoredOnce(ids, 'after one more load');
});

test('with 30% of receipt POSTs failing, 50 decisions arrive at the server exactly once each', async (t) => {
  const s = await demo.session(t);
  const random = mulberry32(0x6d6f70); // fixed seed: the same failures every run
  let aborted = 0;
  let passed = 0;
  await s.page.route(`**${RECEIPTS_ENDPOINT}`, (route) => {
    if (random() < 0.3) {
      aborted += 1;
      return route.abort('failed');
    }
    passed += 1;
    return route.continue();
  });
  await s.goto('/');
  await s.settle();
  const mark = (await s.receipts()).length;
  await s.page.evaluate(async () => {
    for (let i = 0; i < 50; i += 1) {
      window.privacy.set('news', i % 2 === 0);
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  const made = (await s.receipts()).slice(mark);
  assert.equal(made.length, 50, `50 decisions made ${made.length} receipts`);
  made.forEach((r, i) => {
    const state = r.purposes.find((p) => p.id === 'news')?.state;
    assert.equal(state, i % 2 === 0 ? 'granted' : 'denied', `receipt ${i}: news state`);
    assert.deepEqual(r.changed, ['news'], `receipt ${i}: changed`);
  });
  const ids = made.map((r) => r.receipt_id);

  const started = Date.now();
  // Retries back off up to 30 s; a receipt failing twice at that stage still fits in 75 s.
  const stored = await demo.waitForStoredReceipts(ids, { deadlineMs: 75_000 });
  t.diagnostic(`all 50 stored ${Date.now() - started} ms after the last decision; ${aborted} POSTs aborted, ${passed} let through`);
  await s.settle();
  assert.ok(aborted >= 5, `the route failed only ${aborted} POSTs: the test did not exercise retries (control)`);
  await assertStoredOnce(ids, 'with failing POSTs');
  const subject = made[0].subject;
  const fromThisDevice = (await demo.storedReceipts()).filter((r) => r.subject === subject);
  assert.equal(fromThisDevice.length, 50, `the server holds ${fromThisDevice.length} receipts of this device, not 50`);
  for (const r of made) {
    assert.deepEqual(stored.find((x) => x.receipt_id === r.receipt_id), r, `receipt ${r.receipt_id} arrived altered`);
  }
  const resent = resentAfterDelivery(s, ids);
  if (resent.length) t.diagnostic(`${resent.length} receipt(s) sent again after the server accepted them (deduplicated)`);
});

// ----- the stored queue -------------------------------------------------------------------------

const QUEUE_EDITS = [
  {
    name: 'a corrupted receipt queue (cut short) is discarded, not sent',
    discarded: true,
    edit: (raw) => raw.slice(0, Math.floor(raw.length * 0.6)),
  },
  {
    name: 'a tampered receipt queue (a state changed, old checksum kept) is discarded, not sent',
    discarded: true,
    edit: (raw) => {
      const [, sum, json] = raw.match(STORED_QUEUE);
      const tampered = json.replace(/"granted"/, '"denied"');
      assert.notEqual(tampered, json, 'the queue holds no "granted" to tamper with');
      return `1|${sum}|${tampered}`;
    },
  },
  {
    name: 'an untouched receipt queue is sent on the next load (control for the two above)',
    discarded: false,
    edit: (raw) => raw,
  },
];

for (const { name, discarded, edit } of QUEUE_EDITS) {
  test(name, async (t) => {
    const s = await demo.session(t);
    await s.goto('/');
    await s.settle();
    const ids = (await decideOffline(s, 2)).map((r) => r.receipt_id);
    // No module may run while the value is edited: close the page, then open a same-origin
    // page without it (served by the test itself, not the server).
    await s.replacePage();
    await s.context.setOffline(false);
    await s.page.route('**/__no-module', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>no module</title>' }));
    await s.page.goto('/__no-module');
    const raw = await s.localStorageItem(QUEUE_KEY);
    const parts = raw?.match(STORED_QUEUE);
    assert.ok(parts, `${QUEUE_KEY} does not have the documented shape 1|<fnv1a>|<json>: ${raw?.slice(0, 80)}`);
    assert.equal(parts[1], fnv1a32(parts[2]).toString(16).padStart(8, '0'), 'the checksum is not the documented FNV-1a 32 of the JSON part');
    for (const id of ids) assert.ok(parts[2].includes(id), `receipt ${id} is not in the stored queue`);
    const edited = edit(raw);
    await s.page.evaluate(([key, value]) => window.localStorage.setItem(key, value), [QUEUE_KEY, edited]);

    const warningsBefore = s.consoleWarnings.length;
    const mark = s.requests.length;
    await s.goto('/');
    // Its chances to send the queue: the page load, and a new receipt (which retries the queue).
    const count = (await s.receipts()).length;
    await s.page.evaluate(() => window.privacy.set('statistics', false));
    await newReceiptAfter(s, count);
    const fresh = (await s.receipts()).at(-1).receipt_id;
    await demo.waitForStoredReceipts([fresh]);
    await s.settle();

    const sent = s.requests.slice(mark).filter((r) => r.path === RECEIPTS_ENDPOINT && ids.some((id) => r.postData?.includes(id)));
    const kept = (await s.receipts()).map((r) => r.receipt_id);
    if (discarded) {
      assert.deepEqual(sent.map((r) => r.postData), [], 'receipts from the damaged queue were POSTed');
      await assertNotStored(ids, 'after loading a damaged queue', s);
      assert.deepEqual(kept.filter((id) => ids.includes(id)), [], 'receipts() returns receipts from the damaged queue');
      assert.ok(s.consoleWarnings.length > warningsBefore, 'no console warning about the discarded queue');
      const now = (await s.localStorageItem(QUEUE_KEY)) ?? '';
      assert.ok(!ids.some((id) => now.includes(id)), 'the damaged queue is still stored');
    } else {
      await assertStoredOnce(ids, 'untouched queue');
      for (const id of ids) assert.ok(kept.includes(id), `receipts() lost ${id}`);
    }
    assert.ok(kept.includes(fresh), 'the new receipt is not in receipts()');
  });
}

test('at most 100 receipts are kept on the device, newest last', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.evaluate(() => {
    for (let i = 0; i < 105; i += 1) window.privacy.set('news', i % 2 === 0);
  });
  const receipts = await s.receipts();
  assert.equal(receipts.length, 100, `receipts() holds ${receipts.length} after 105 decisions`);
  // The oldest five went: receipt k is decision k + 5.
  receipts.forEach((r, k) => {
    const state = r.purposes.find((p) => p.id === 'news')?.state;
    assert.equal(state, (k + 5) % 2 === 0 ? 'granted' : 'denied', `receipt ${k} is not decision ${k + 5}`);
  });
  const times = receipts.map((r) => Date.parse(r.timestamp));
  assert.ok(times.every((x, i) => i === 0 || x >= times[i - 1]), 'receipts are not in time order, newest last');
});
