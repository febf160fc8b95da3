// Per-purpose consent (issue 3; guideline sections 1(ค), 2, 6 and 9; DOMAIN.md "Consent under
// the PDPA"): the registration form shows the purposes that are not based on consent as text and
// asks each consent purpose with its own unticked box; saying nothing is not consent; the privacy
// centre grants and withdraws each purpose, and withdrawing takes no more clicks than granting;
// when one purpose's text changes, only that purpose is asked again.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  useDemo, SEL, THAI_LETTERS, purpose, formPurposes, isConsentPurpose, assertAxeClean, REGISTRATION, fillForm,
} from './harness.mjs';

const demo = useDemo();

const consentPurposes = () => formPurposes(demo.policy).filter(isConsentPurpose);
const noticePurposes = () => formPurposes(demo.policy).filter((p) => !isConsentPurpose(p));
const isCategory = (id) => demo.policy.categories.some((c) => c.id === id);

async function waitForConsentSection(s) {
  await s.page.locator(SEL.consentSection).waitFor({ state: 'visible' });
}

/** Submits the form and waits until the module has handled it (its status line is shown). */
async function submitForm(s) {
  await s.page.click(SEL.formSubmit);
  await s.page.locator(SEL.formStatus).first().waitFor({ state: 'visible' });
  await s.settle();
}

async function lastReceipt(s) {
  return (await s.receipts()).at(-1);
}

// ----- the form -------------------------------------------------------------------------------

test('purpose boxes start unticked: one box per consent purpose, notices as text without a box', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await waitForConsentSection(s);
  assert.equal(await s.page.locator(SEL.consentSection).count(), 1, 'expected exactly one consent section in the form');
  const inSlot = await s.page.evaluate(
    (sel) => document.querySelector(sel)?.parentElement?.hasAttribute('data-privacy-consent-slot') ?? false,
    SEL.consentSection,
  );
  assert.equal(inSlot, true, 'the consent section was not rendered into the form\'s [data-privacy-consent-slot]');
  assert.equal(await s.page.locator(SEL.formSubmit).isDisabled(), false, 'the submit button is still disabled after attachForm');

  const boxes = await s.page.$$eval(`${SEL.consentSection} input[type="checkbox"]`, (els) => els.map((el) => ({
    id: el.getAttribute('data-privacy-purpose'),
    checked: el.checked,
    defaultChecked: el.defaultChecked,
    required: el.required,
    disabled: el.disabled,
    labels: [...el.labels].map((l) => l.textContent.replace(/\s+/g, ' ').trim()),
  })));
  const wanted = consentPurposes().map((p) => p.id);
  assert.deepEqual(boxes.map((b) => b.id).sort(), [...wanted].sort(), `one box per consent purpose and no other box: ${JSON.stringify(boxes)}`);

  for (const box of boxes) {
    const p = purpose(demo.policy, box.id);
    assert.equal(box.checked, false, `${box.id}: the box is pre-ticked`);
    assert.equal(box.defaultChecked, false, `${box.id}: the box is ticked in the markup (checked attribute)`);
    assert.equal(box.required, false, `${box.id}: the box is required although the form's policy entry gives no reason`);
    assert.equal(box.disabled, false, `${box.id}: the box cannot be ticked`);
    assert.ok(box.labels.length >= 1, `${box.id}: the box has no label`);
    const label = box.labels.join(' ');
    assert.ok(label.includes(p.title.th), `${box.id}: the label does not name the purpose "${p.title.th}": ${label}`);
    // Never bundled: a label names its own purpose and no other.
    for (const other of consentPurposes().filter((o) => o.id !== box.id)) {
      assert.ok(!label.includes(other.title.th), `${box.id}: its label also names "${other.title.th}" (bundled)`);
    }
  }

  for (const p of noticePurposes()) {
    const notice = s.page.locator(SEL.formNotice(p.id));
    assert.equal(await notice.count(), 1, `notice ${p.id}: expected one [data-privacy-notice="${p.id}"] in the consent section`);
    assert.ok((await notice.innerText()).includes(p.title.th), `notice ${p.id} does not show its title "${p.title.th}"`);
    assert.equal(await notice.locator('input, select, button').count(), 0, `notice ${p.id} has a control: a notice is shown, not asked`);
    assert.equal(await s.page.locator(SEL.formPurpose(p.id)).count(), 0, `notice ${p.id} has a consent box`);
  }
});

test('submitting the form without ticking records no consent for any purpose', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await waitForConsentSection(s);
  // A complete form, so the submission goes through (an invalid one is stopped before the boxes are read).
  await fillForm(s, REGISTRATION);
  await submitForm(s);

  assert.equal(new URL(s.page.url()).pathname, '/', 'the form navigated away (native submission was not prevented)');
  assert.equal(s.registerPosts().length, 1, 'the filled form was not posted to /api/register (the guarded submit)');
  const status = (await s.page.locator(SEL.formStatus).first().innerText()).trim();
  assert.ok(status.length > 0, 'the status line after submitting is empty');

  const check = async (when) => {
    const d = await s.decisions();
    for (const p of consentPurposes()) {
      assert.equal(d[p.id], 'unset', `${when}: ${p.id} is ${d[p.id]} although its box was never ticked`);
      assert.equal(await s.hasConsent(p.id), false, `${when}: hasConsent(${p.id}) is true`);
    }
    for (const p of noticePurposes()) assert.equal(d[p.id], 'notice', `${when}: ${p.id} (${p.legal_basis})`);
    const receipts = await s.receipts();
    const ids = consentPurposes().map((p) => p.id);
    for (const r of receipts) {
      const granted = (r.purposes ?? []).filter((p) => ids.includes(p.id) && p.state === 'granted');
      assert.deepEqual(granted, [], `${when}: receipt ${r.receipt_id} (${r.collection_method}) grants ${JSON.stringify(granted)}`);
      const changed = (r.changed ?? []).filter((id) => ids.includes(id));
      assert.deepEqual(changed, [], `${when}: receipt ${r.receipt_id} (${r.collection_method}) records a decision on ${changed}`);
    }
  };
  await check('after submitting with no box ticked');

  await s.reload();
  await waitForConsentSection(s);
  await check('after a reload');
  for (const p of consentPurposes()) {
    assert.equal(await s.page.locator(SEL.formPurpose(p.id)).isChecked(), false, `${p.id} is ticked after the reload`);
  }
});

test('ticking one box grants that purpose only, and unticking it later withdraws it (form:register)', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await waitForConsentSection(s);
  await fillForm(s, REGISTRATION);
  await s.page.check(SEL.formPurpose('news'));
  await submitForm(s);

  let d = await s.decisions();
  assert.equal(d.news, 'granted', 'the ticked box was not recorded as consent');
  for (const p of consentPurposes().filter((p) => p.id !== 'news')) {
    assert.equal(d[p.id], 'unset', `${p.id} was decided although only news was ticked`);
  }
  let receipt = await lastReceipt(s);
  assert.ok(receipt, 'no receipt after a grant in the form');
  assert.equal(receipt.collection_method, 'form:register');
  assert.deepEqual(receipt.changed, ['news'], 'the receipt of the form names other changes');

  await s.reload();
  await waitForConsentSection(s);
  assert.equal(await s.page.locator(SEL.formPurpose('news')).isChecked(), true, 'the form does not show the consent already given');
  assert.equal(await s.page.locator(SEL.formPurpose('contact')).isChecked(), false, 'contact is ticked without a decision');
  await fillForm(s, REGISTRATION);
  await s.page.uncheck(SEL.formPurpose('news'));
  await submitForm(s);

  d = await s.decisions();
  assert.equal(d.news, 'denied', 'unticking a granted box did not withdraw the consent');
  assert.equal(d.contact, 'unset');
  receipt = await lastReceipt(s);
  assert.equal(receipt.collection_method, 'form:register');
  assert.deepEqual(receipt.changed, ['news']);
  assert.equal(receipt.purposes.find((p) => p.id === 'news')?.state, 'denied', 'the withdrawal receipt does not say denied');
  assert.equal(s.registerPosts().length, 2, 'each of the two submissions should be posted once to /api/register');
});

test('a purpose that is the form\'s own reason is required; the other boxes stay optional', async (t) => {
  const s = await demo.session(t);
  const policy = structuredClone(demo.policy);
  policy.forms.register.reason = 'contact';
  await s.page.route('**/policy.json', (route) => route.fulfill({ json: policy }));
  await s.goto('/');
  await waitForConsentSection(s);
  assert.equal(await s.page.locator(SEL.formPurpose('contact')).evaluate((el) => el.required), true, 'the reason purpose is not required');
  assert.equal(await s.page.locator(SEL.formPurpose('contact')).isChecked(), false, 'the required box is pre-ticked');
  for (const p of consentPurposes().filter((p) => p.id !== 'contact')) {
    assert.equal(await s.page.locator(SEL.formPurpose(p.id)).evaluate((el) => el.required), false, `${p.id} is required but is not the form's reason`);
  }
});

test('at 320px wide the registration form and its consent section fit without sideways scrolling', async (t) => {
  const s = await demo.session(t, { viewport: { width: 320, height: 640 } });
  await s.goto('/');
  await waitForConsentSection(s);
  await s.page.click(SEL.bannerAction('reject-all'));
  await s.waitForBannerGone();
  const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  const names = ['title', 'given_name', 'family_name', 'date_of_birth', 'national_id', 'passport', 'nationality', 'phone', 'email', 'address', 'note'];
  for (const name of names) {
    const control = s.page.locator(SEL.formControl(name));
    await control.scrollIntoViewIfNeeded();
    const box = await control.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 320, `${name} is off screen: ${JSON.stringify(box)}`);
    assert.ok(box.height >= 24, `${name} is lower than a 24px target: ${JSON.stringify(box)}`);
  }
  const section = await s.page.locator(SEL.consentSection).boundingBox();
  assert.ok(section.x >= 0 && section.x + section.width <= 320, `the consent section is wider than the screen: ${JSON.stringify(section)}`);
  const submit = await s.page.locator(SEL.formSubmit).boundingBox();
  assert.ok(submit.x >= 0 && submit.x + submit.width <= 320 && submit.height >= 44, `submit: ${JSON.stringify(submit)}`);
  // Focus is visible on the form's own controls (the module's controls are checked elsewhere).
  await s.page.focus(SEL.formControl('given_name'));
  await s.page.keyboard.press('Tab');
  const outline = await s.page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return { name: document.activeElement.name, width: parseFloat(style.outlineWidth), style: style.outlineStyle };
  });
  assert.equal(outline.name, 'family_name', 'Tab did not move to the next field');
  assert.ok(outline.style !== 'none' && outline.width >= 2, `no visible focus ring on a form field: ${JSON.stringify(outline)}`);
});

// ----- the privacy centre ---------------------------------------------------------------------

test('the privacy centre shows every purpose and its state, the controller, how to correct data and the policy link', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.openLink);
  await s.waitForDialogOpen();

  const dialogText = await s.page.locator(SEL.dialog).innerText();
  for (const p of demo.policy.purposes) {
    // A purpose that is also a cookie category may be shown under either title.
    const titles = [p.title.th, ...demo.policy.categories.filter((c) => c.id === p.id).map((c) => c.title.th)];
    assert.ok(titles.some((title) => dialogText.includes(title)), `the privacy centre does not show the purpose "${p.title.th}"`);
  }
  for (const p of demo.policy.purposes.filter(isConsentPurpose)) {
    if (isCategory(p.id)) {
      // One decision covers the cookie category and the purpose: one switch, not two.
      assert.equal(await s.page.locator(SEL.category(p.id)).count(), 1, `${p.id}: no category switch`);
      assert.equal(await s.page.locator(SEL.purpose(p.id)).count(), 0, `${p.id}: a second switch for the same decision`);
    } else {
      assert.equal(await s.page.locator(SEL.purpose(p.id)).count(), 1, `${p.id}: no purpose switch in the privacy centre`);
      assert.equal(await s.page.locator(SEL.purpose(p.id)).isChecked(), false, `${p.id}: switched on without a decision`);
    }
    // The state line may say "not chosen yet", but it may not name a time.
    const decided = s.page.locator(SEL.decided(p.id));
    if (await decided.count()) {
      assert.doesNotMatch(await decided.innerText(), /\d/, `${p.id}: says when it was decided although it never was`);
    }
  }
  for (const p of demo.policy.purposes.filter((p) => !isConsentPurpose(p))) {
    const notice = s.page.locator(SEL.notice(p.id));
    assert.equal(await notice.count(), 1, `notice ${p.id}: no [data-privacy-notice] in the privacy centre`);
    assert.equal(await notice.locator('input').count(), 0, `notice ${p.id} has a switch: it is shown, not asked`);
  }

  const controller = s.page.locator(SEL.controller);
  assert.equal(await controller.count(), 1, 'no [data-privacy-controller] block');
  const controllerText = await controller.innerText();
  const c = demo.policy.controller;
  for (const [what, value] of [['name', c.name.th], ['phone', c.phone], ['e-mail', c.email], ['how to correct data', c.correction.th]]) {
    assert.ok(controllerText.includes(value), `the controller block lacks the ${what}: "${value}"`);
  }
  const link = s.page.locator(SEL.policyLink);
  assert.equal(await link.count(), 1, 'no a[data-privacy-policy-link]');
  assert.equal(await link.getAttribute('href'), demo.policy.policy_url, 'the policy link does not point at policy_url');
  assert.ok((await link.innerText()).trim().length > 0, 'the policy link has no text');

  // After a decision the centre says when it was made.
  await s.page.check(SEL.purpose('news'));
  await s.page.click(SEL.dialogAction('save'));
  await s.waitForDialogClosed();
  await s.page.click(SEL.openLink);
  await s.waitForDialogOpen();
  assert.equal(await s.page.locator(SEL.purpose('news')).isChecked(), true, 'the centre does not show the grant');
  const decided = s.page.locator(SEL.decided('news'));
  assert.equal(await decided.count(), 1, 'the centre does not say when news was decided');
  assert.match(await decided.innerText(), /\d/, 'the "decided" text has no date or time in it');
});

test('after a withdrawal the privacy centre shows the new state, open or reopened', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.evaluate(() => window.privacy.set('news', true));
  await s.page.click(SEL.openLink);
  await s.waitForDialogOpen();
  const grantedText = await s.page.locator(SEL.decided('news')).innerText();
  assert.equal(await s.page.locator(SEL.purpose('news')).isChecked(), true, 'the centre does not show the grant');

  await s.page.uncheck(SEL.purpose('news'));
  const count = (await s.receipts()).length;
  await s.page.click(SEL.dialogAction('save'));
  await s.page.waitForFunction((n) => window.privacy.receipts().length > n, count);
  if (!(await s.dialogState()).open) {
    await s.page.click(SEL.openLink);
    await s.waitForDialogOpen();
  }
  assert.equal(await s.page.locator(SEL.purpose('news')).isChecked(), false, 'the centre shows news still granted');
  const withdrawnText = await s.page.locator(SEL.decided('news')).innerText();
  assert.notEqual(withdrawnText, grantedText, `after the withdrawal the centre still says "${grantedText}"`);
});

/**
 * Grants (on = true) or withdraws one purpose through the privacy centre, the way a person
 * does: open it from the page, flip the purpose's switch, save. Returns the clicks it took.
 */
async function decideInPrivacyCentre(t, s, id, on) {
  let clicks = 0;
  const click = async (selector) => {
    clicks += 1;
    await s.page.click(selector);
  };
  await click(SEL.openLink);
  await s.waitForDialogOpen();
  const toggle = isCategory(id) ? SEL.category(id) : SEL.purpose(id);
  assert.equal(await s.page.locator(toggle).isChecked(), !on, `${id}: the switch does not show the current state before the change`);
  await click(toggle);
  assert.equal(await s.page.locator(toggle).isChecked(), on, `${id}: one click did not flip the switch`);
  const count = (await s.receipts()).length;
  await click(SEL.dialogAction('save'));
  // Done once it is recorded. After a withdrawal the centre may stay open to say that a reload
  // completes it; closing it then is not part of the decision, so it is not counted.
  await s.page.waitForFunction((n) => window.privacy.receipts().length > n, count);
  if ((await s.dialogState()).open) {
    t.diagnostic(`${id}: the privacy centre stayed open after saving ${on ? 'a grant' : 'a withdrawal'}`);
    await s.page.keyboard.press('Escape');
    await s.waitForDialogClosed();
  }
  return clicks;
}

/**
 * The receipt of a save in the privacy centre records `id` as `state`. Saving also records the
 * switches that were shown and never decided (as refusals, like the cookie categories); nothing
 * else may change, and nothing else may become granted.
 */
function assertOnlyChange(receipt, id, state) {
  assert.ok(receipt.changed.includes(id), `${id}: the receipt does not name it as changed: ${receipt.changed}`);
  const entry = (x) => receipt.purposes.find((p) => p.id === x) ?? receipt.cookie_categories.find((c) => c.id === x);
  assert.equal(entry(id)?.state, state, `${id}: the receipt records ${entry(id)?.state}`);
  for (const other of receipt.changed.filter((x) => x !== id)) {
    assert.equal(entry(other)?.state, 'denied', `${id}: saving also changed ${other} to ${entry(other)?.state}`);
  }
}

test('for every consent purpose, withdrawing takes no more clicks than granting (privacy centre)', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('reject-all'));
  await s.waitForBannerGone();
  const ids = demo.policy.purposes.filter(isConsentPurpose).map((p) => p.id);
  assert.ok(ids.length >= 3, `expected at least contact, news and statistics; got ${ids}`);
  for (const id of ids) {
    const grant = await decideInPrivacyCentre(t, s, id, true);
    assert.equal((await s.decisions())[id], 'granted', `${id}: not granted after ${grant} clicks`);
    let receipt = (await s.receipts()).at(-1);
    assert.equal(receipt?.collection_method, 'privacy-centre', `${id}: grant receipt method`);
    assertOnlyChange(receipt, id, 'granted');

    const withdraw = await decideInPrivacyCentre(t, s, id, false);
    assert.equal((await s.decisions())[id], 'denied', `${id}: not withdrawn after ${withdraw} clicks`);
    receipt = (await s.receipts()).at(-1);
    assert.equal(receipt?.collection_method, 'privacy-centre', `${id}: withdrawal receipt method`);
    assertOnlyChange(receipt, id, 'denied');

    assert.ok(withdraw <= grant, `${id}: withdrawing took ${withdraw} clicks, granting ${grant}`);
  }
});

// ----- asking again ---------------------------------------------------------------------------

test('changing one purpose\'s text in the policy asks again for that purpose only', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('reject-all'));
  await s.waitForBannerGone();
  await s.page.evaluate(() => {
    window.privacy.set('contact', true);
    window.privacy.set('news', true);
  });
  const before = await s.decisions();
  assert.equal(before.news, 'granted');
  assert.equal(before.contact, 'granted');

  // Control: the same policy again asks nothing.
  await s.reload();
  await s.settle();
  assert.equal(await s.page.locator(SEL.banner).count(), 0, 'asked again although nothing changed');
  assert.deepEqual(await s.decisions(), before, 'decisions changed on a reload with the same policy');
  const oldRevision = (await s.receipts()).at(-1).purposes.find((p) => p.id === 'news').revision;

  // Only the text changes: same revision number, same version.
  const next = structuredClone(demo.policy);
  const news = purpose(next, 'news');
  news.description.th += ' รวมถึงการแจ้งเตือนผ่าน LINE';
  news.description.en += ' This now includes notices through LINE.';
  news.change_note = { th: 'เพิ่มการส่งข่าวสารผ่าน LINE', en: 'News may now also come through LINE.' };
  await s.page.route('**/policy.json', (route) => route.fulfill({ json: next }));
  await s.reload();

  const banner = s.page.locator(SEL.banner);
  await banner.waitFor({ state: 'visible' });
  const text = await banner.innerText();
  assert.ok(text.includes(news.title.th), `the banner does not name "${news.title.th}": ${text}`);
  assert.ok(text.includes(news.change_note.th), `the banner does not show the change note: ${text}`);
  for (const other of ['contact', 'statistics']) {
    const title = purpose(next, other).title.th;
    assert.ok(!text.includes(title), `the banner asks about ${other} again: ${text}`);
  }
  const after = await s.decisions();
  assert.equal(after.news, 'unset', 'the changed purpose kept its old consent');
  assert.equal(await s.hasConsent('news'), false, 'hasConsent(news) under the changed text');
  assert.deepEqual({ ...after, news: before.news }, before, 'a decision on an unchanged purpose or category changed');

  // Answering the re-ask decides the changed purpose only.
  await s.page.click(SEL.bannerAction('reject-all'));
  await s.waitForBannerGone();
  const answered = await s.decisions();
  assert.equal(answered.news, 'denied');
  assert.deepEqual({ ...answered, news: before.news }, before, 'the re-ask banner decided more than the changed purpose');
  const receipt = (await s.receipts()).at(-1);
  assert.deepEqual(receipt.changed, ['news'], 'the re-ask receipt names other changes');
  const newRevision = receipt.purposes.find((p) => p.id === 'news').revision;
  assert.notEqual(newRevision, oldRevision, 'the news revision (content hash) did not change with its text');

  await s.reload();
  await s.settle();
  assert.equal(await s.page.locator(SEL.banner).count(), 0, 'asked again after answering the changed purpose');
});

// ----- accessibility --------------------------------------------------------------------------

for (const lang of ['th', 'en']) {
  test(`axe finds no violation in the form's consent section (${lang})`, async (t) => {
    const s = await demo.session(t);
    await s.goto(`/?lang=${lang}`);
    await waitForConsentSection(s);
    await s.page.click(SEL.bannerAction('reject-all'));
    await s.waitForBannerGone();
    await s.page.locator(SEL.consentSection).scrollIntoViewIfNeeded();
    await assertAxeClean(s, `form with consent section, ${lang}`);

    const text = await s.page.locator(SEL.consentSection).innerText();
    if (lang === 'en') {
      assert.doesNotMatch(text, THAI_LETTERS, `the English consent section has Thai text: ${text}`);
      for (const p of formPurposes(demo.policy)) assert.ok(text.includes(p.title.en), `the English consent section lacks "${p.title.en}"`);
    } else {
      for (const p of formPurposes(demo.policy)) assert.ok(text.includes(p.title.th), `the Thai consent section lacks "${p.title.th}"`);
    }

    await s.page.check(SEL.formPurpose('contact'));
    await submitForm(s);
    await assertAxeClean(s, `form after submitting, ${lang}`);
  });

  test(`axe finds no violation in the privacy centre with purposes (${lang})`, async (t) => {
    const s = await demo.session(t);
    await s.goto(`/?lang=${lang}`);
    await s.page.click(SEL.bannerAction('reject-all'));
    await s.waitForBannerGone();
    await s.page.evaluate(() => window.privacy.set('news', true));
    await s.page.click(SEL.openLink);
    await s.waitForDialogOpen();
    assert.equal(await s.page.locator(SEL.decided('news')).count(), 1, 'precondition: the centre shows a decided purpose');
    await assertAxeClean(s, `privacy centre, ${lang}`);
    if (lang === 'en') {
      const text = await s.page.locator(SEL.dialog).innerText();
      for (const p of demo.policy.purposes) {
        const titles = [p.title.en, ...demo.policy.categories.filter((c) => c.id === p.id).map((c) => c.title.en)];
        assert.ok(titles.some((title) => text.includes(title)), `the English privacy centre lacks "${p.title.en}"`);
      }
    }
  });
}
