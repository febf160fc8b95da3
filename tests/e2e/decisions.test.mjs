// The banner's decisions: nothing before consent, each choice does what it says and is
// remembered, and silence, closing or Escape are never consent (PDPA; DOMAIN.md).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  useDemo, SEL, STATS_SCRIPT, PREFS_SCRIPT, COLLECT, isNecessaryCookie,
} from './harness.mjs';

const demo = useDemo();

async function assertNothingGatedRan(s, when) {
  await s.settle();
  assert.equal(await s.statsRuns(), undefined, `${when}: the statistics script ran`);
  assert.equal(await s.prefsRuns(), undefined, `${when}: the preferences script ran`);
  assert.deepEqual(s.requested(STATS_SCRIPT), [], `${when}: ${STATS_SCRIPT} was requested`);
  assert.deepEqual(s.requested(PREFS_SCRIPT), [], `${when}: ${PREFS_SCRIPT} was requested`);
  assert.deepEqual(s.requested(COLLECT), [], `${when}: ${COLLECT} was requested`);
  const names = (await s.cookies()).map((c) => c.name);
  assert.ok(!names.includes('_demo_stats'), `${when}: _demo_stats cookie exists`);
  assert.ok(!names.includes('_demo_prefs'), `${when}: _demo_prefs cookie exists`);
}

function assertUndecided(decisions, when) {
  assert.equal(decisions.necessary, 'granted', `${when}: necessary`);
  assert.equal(decisions.statistics, 'unset', `${when}: statistics`);
  assert.equal(decisions.preferences, 'unset', `${when}: preferences`);
}

test('before any decision no gated script runs, nothing is collected and only necessary cookies exist', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  await assertNothingGatedRan(s, 'before a decision');
  for (const c of await s.cookies()) {
    assert.ok(isNecessaryCookie(s.policy, c.name), `cookie ${c.name} is not one of the policy's necessary cookies`);
  }
  assertUndecided(await s.decisions(), 'before a decision');
  assert.equal(await s.hasConsent('statistics'), false);
  assert.equal(await s.hasConsent('preferences'), false);
  assert.equal(await s.hasConsent('necessary'), true);
  assert.deepEqual(await s.events('privacy:consent'), [], 'a consent event fired without a decision');
  assert.deepEqual(s.pageErrors, []);
});

test('the banner is the first element of the page and every choice is offered', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  const first = await s.page.evaluate(() => document.body.firstElementChild?.hasAttribute('data-privacy-banner'));
  assert.equal(first, true, 'the banner is not the first child of <body>');
  for (const action of ['accept-all', 'reject-all', 'customize', 'close']) {
    assert.equal(await s.page.locator(SEL.bannerAction(action)).isVisible(), true, `${action} button not visible`);
  }
  // Non-modal: the page behind the banner stays usable.
  const blocking = await s.page.evaluate((sel) => {
    const banner = document.querySelector(sel);
    return {
      modal: banner.matches(':modal') || banner.closest('[aria-modal="true"]') !== null,
      inert: document.querySelector('main').closest('[inert]') !== null,
      anyModal: document.querySelector(':modal') !== null,
    };
  }, SEL.banner);
  assert.deepEqual(blocking, { modal: false, inert: false, anyModal: false }, 'the banner blocks the page');
});

// Runs in the page before its scripts: notes the state of the register form in the first
// animation frame in which the banner exists. `window.__registerFormState()` reads it later.
function noteFirstBannerFrame() {
  window.__registerFormState = () => {
    const form = document.querySelector('form[data-privacy-form="register"]');
    return {
      marks: form.querySelectorAll('[data-privacy-field-mark]').length,
      submitDisabled: form.querySelector('[data-privacy-submit]').disabled,
    };
  };
  const onFrame = () => {
    if (!document.querySelector('[data-privacy-banner]')) {
      requestAnimationFrame(onFrame);
      return;
    }
    window.__firstBannerFrame = window.__registerFormState();
  };
  requestAnimationFrame(onFrame);
}

test('the banner is painted before the form is marked, and the form cannot be sent until it is', async (t) => {
  const s = await demo.session(t);
  await s.page.addInitScript(noteFirstBannerFrame);
  await s.goto('/');
  const first = await s.page.evaluate(() => window.__firstBannerFrame);
  assert.ok(first, 'no animation frame with the banner was seen');
  assert.equal(first.marks, 0, 'the form was marked before the banner\'s first frame: it delays the banner');
  assert.equal(first.submitDisabled, true, 'the form could be sent before the module attached to it');
  const after = await s.page.evaluate(() => window.__registerFormState());
  assert.ok(after.marks > 0, 'the form was never marked');
  assert.equal(after.submitDisabled, false, 'the attached form cannot be sent');
});

test('accept-all runs each gated script once and is remembered after a reload', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('accept-all'));
  await s.waitForBannerGone();
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1 && window.__demoPrefsRuns === 1);
  await s.settle();
  assert.equal(await s.statsRuns(), 1, 'statistics script ran more than once');
  assert.equal(await s.prefsRuns(), 1, 'preferences script ran more than once');
  assert.equal(s.requested(COLLECT).length, 1, 'expected exactly one /collect request');
  assert.ok(await s.cookie('_demo_stats'), '_demo_stats cookie missing after accept-all');
  assert.ok(await s.cookie('mp_consent'), 'mp_consent cookie missing after accept-all');
  const d = await s.decisions();
  assert.equal(d.statistics, 'granted');
  assert.equal(d.preferences, 'granted');
  const consent = await s.events('privacy:consent');
  assert.equal(consent.length, 1, 'expected one privacy:consent event');
  assert.equal(consent[0].detail.method, 'banner');

  await s.reload();
  await s.settle();
  assert.equal(await s.page.locator(SEL.banner).count(), 0, 'the banner came back after accept-all');
  assert.equal(await s.hasConsent('statistics'), true);
  assert.equal(await s.hasConsent('preferences'), true);
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1 && window.__demoPrefsRuns === 1);
  await s.settle();
  assert.equal(await s.statsRuns(), 1, 'statistics script ran more than once on the reloaded page');
});

test('reject-all runs nothing and is remembered after a reload', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('reject-all'));
  await s.waitForBannerGone();
  await assertNothingGatedRan(s, 'after reject-all');
  let d = await s.decisions();
  assert.equal(d.statistics, 'denied');
  assert.equal(d.preferences, 'denied');
  assert.ok(await s.cookie('mp_consent'), 'the refusal was not stored (no mp_consent cookie)');

  await s.reload();
  await s.settle();
  assert.equal(await s.page.locator(SEL.banner).count(), 0, 'the banner came back after reject-all');
  d = await s.decisions();
  assert.equal(d.statistics, 'denied');
  assert.equal(d.preferences, 'denied');
  await assertNothingGatedRan(s, 'after reject-all and a reload');
});

test('saving statistics alone in the dialog runs only the statistics script', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('customize'));
  await s.waitForDialogOpen();
  assert.equal((await s.dialogState()).modal, true, 'the dialog was not opened with showModal()');

  const necessary = s.page.locator(SEL.category('necessary'));
  assert.equal(await necessary.isChecked(), true, 'necessary is not checked');
  assert.equal(await necessary.isDisabled(), true, 'necessary can be unticked');
  // Boxes start unticked: silence is not consent.
  assert.equal(await s.page.locator(SEL.category('statistics')).isChecked(), false, 'statistics starts ticked');
  assert.equal(await s.page.locator(SEL.category('preferences')).isChecked(), false, 'preferences starts ticked');
  await assertNothingGatedRan(s, 'with the dialog open');

  await s.page.check(SEL.category('statistics'));
  await s.page.click(SEL.dialogAction('save'));
  await s.waitForDialogClosed();
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1);
  await s.settle();
  assert.equal(await s.prefsRuns(), undefined, 'the preferences script ran without consent');
  assert.deepEqual(s.requested(PREFS_SCRIPT), [], `${PREFS_SCRIPT} was requested without consent`);
  assert.equal((await s.cookie('_demo_prefs')), undefined);
  assert.ok(await s.cookie('_demo_stats'), '_demo_stats cookie missing');
  const d = await s.decisions();
  assert.equal(d.statistics, 'granted');
  assert.equal(d.preferences, 'denied');
  assert.equal(await s.page.locator(SEL.banner).count(), 0, 'the banner stayed after saving a decision');
});

test('ignoring the banner is not consent: after a reload it is back and nothing ran', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  await s.page.mouse.wheel(0, 600); // scrolling is not consent either
  await s.reload();
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  assertUndecided(await s.decisions(), 'after ignoring the banner');
  await assertNothingGatedRan(s, 'after ignoring the banner');
});

test('closing the banner is not consent', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('close'));
  await s.page.waitForSelector(SEL.banner, { state: 'hidden' });
  assertUndecided(await s.decisions(), 'after closing the banner');
  await assertNothingGatedRan(s, 'after closing the banner');
  assert.deepEqual(await s.events('privacy:consent'), [], 'closing the banner fired privacy:consent');

  await s.reload();
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  assertUndecided(await s.decisions(), 'after closing the banner and reloading');
  await assertNothingGatedRan(s, 'after closing the banner and reloading');
});

test('Escape on the dialog is not consent, even with a box ticked', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('customize'));
  await s.waitForDialogOpen();
  await s.page.check(SEL.category('statistics'));
  await s.page.keyboard.press('Escape');
  await s.waitForDialogClosed();
  assertUndecided(await s.decisions(), 'after Escape');
  await assertNothingGatedRan(s, 'after Escape');
  assert.deepEqual(await s.events('privacy:consent'), [], 'Escape fired privacy:consent');
  // The banner is still there: the question is still open.
  assert.equal(await s.page.locator(SEL.banner).isVisible(), true, 'the banner went away after Escape');

  await s.reload();
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  assertUndecided(await s.decisions(), 'after Escape and a reload');
});

test('the dialog close button is not consent either', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('customize'));
  await s.waitForDialogOpen();
  await s.page.check(SEL.category('preferences'));
  await s.page.click(SEL.dialogAction('close'));
  await s.waitForDialogClosed();
  assertUndecided(await s.decisions(), 'after the dialog close button');
  await assertNothingGatedRan(s, 'after the dialog close button');
});
