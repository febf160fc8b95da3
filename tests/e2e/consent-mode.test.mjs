// Google Consent Mode v2 signals through the page's gtag stub: a denied default before any
// decision, and updates that follow the visitor's choices.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useDemo, SEL } from './harness.mjs';

const demo = useDemo();

const consentCommands = (dataLayer, kind) =>
  dataLayer
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => Array.isArray(entry) && entry[0] === 'consent' && entry[1] === kind);

function assertDeniedDefault(defaults, when) {
  assert.equal(defaults.length, 1, `${when}: expected one consent default, got ${JSON.stringify(defaults)}`);
  const state = defaults[0].entry[2];
  assert.equal(state.analytics_storage, 'denied', `${when}: analytics_storage`);
  assert.equal(state.functionality_storage, 'denied', `${when}: functionality_storage`);
  assert.equal(state.personalization_storage, 'denied', `${when}: personalization_storage`);
  assert.equal(state.security_storage, 'granted', `${when}: security_storage`);
  for (const [key, value] of Object.entries(state)) {
    if (key === 'security_storage' || (value !== 'granted' && value !== 'denied')) continue;
    assert.equal(value, 'denied', `${when}: ${key} is not denied by default`);
  }
}

test('Consent Mode gets a denied default before the decision and a granted update after accept-all', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  let layer = await s.dataLayer();
  assertDeniedDefault(consentCommands(layer, 'default'), 'before a decision');
  const early = consentCommands(layer, 'update').filter(({ entry }) => entry[2]?.analytics_storage === 'granted');
  assert.deepEqual(early, [], 'analytics_storage granted before any decision');

  await s.page.click(SEL.bannerAction('accept-all'));
  await s.waitForBannerGone();
  layer = await s.dataLayer();
  const defaultAt = consentCommands(layer, 'default')[0].index;
  const updates = consentCommands(layer, 'update');
  const granted = updates.find(({ entry }) => entry[2]?.analytics_storage === 'granted');
  assert.ok(granted, `no update granting analytics_storage: ${JSON.stringify(updates)}`);
  assert.ok(granted.index > defaultAt, 'the update came before the default');
  assert.equal(granted.entry[2].functionality_storage, 'granted');

  // At start with a stored decision: default first, then the stored state as an update.
  await s.reload();
  layer = await s.dataLayer();
  assertDeniedDefault(consentCommands(layer, 'default'), 'after reload');
  const onStart = consentCommands(layer, 'update').find(({ entry }) => entry[2]?.analytics_storage === 'granted');
  assert.ok(onStart, 'no update from the stored decision at start');
  assert.ok(onStart.index > consentCommands(layer, 'default')[0].index);
});

test('Consent Mode reflects a partial choice: statistics granted, preferences denied', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('customize'));
  await s.waitForDialogOpen();
  await s.page.check(SEL.category('statistics'));
  await s.page.click(SEL.dialogAction('save'));
  await s.waitForDialogClosed();
  const updates = consentCommands(await s.dataLayer(), 'update');
  const last = updates.at(-1);
  assert.ok(last, 'no consent update after saving');
  assert.equal(last.entry[2].analytics_storage, 'granted');
  // An update may leave out what stays at its denied default; it must not grant it.
  assert.notEqual(last.entry[2].functionality_storage, 'granted');
  assert.notEqual(last.entry[2].personalization_storage, 'granted');
  const granted = updates.flatMap(({ entry }) => Object.entries(entry[2] ?? {}))
    .filter(([key, value]) => value === 'granted' && key !== 'security_storage')
    .map(([key]) => key);
  assert.deepEqual([...new Set(granted)], ['analytics_storage'], 'something besides statistics was granted');
});
