// The banner first: the page's banner comes from the small banner module, and the full module
// (forms, masking, sealing, receipts, the privacy centre) loads after it. Attacked from the
// page's side: the full module's wasm held back, or never arriving, while the person decides.
// Nothing gated may run before consent, the decision must last, its receipt must arrive once
// and only once, and forms must stay unable to send until the full module has attached them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useDemo, SEL, STATS_SCRIPT, PREFS_SCRIPT, COLLECT } from './harness.mjs';

const demo = useDemo();

const FULL_WASM = '/pkg/mohprompt_privacy_bg.wasm';
const BANNER_WASM = '/pkg/mohprompt_privacy_banner_bg.wasm';

/**
 * Holds every request for the full module's wasm until `release()` is called; `block()` makes
 * them fail instead, as an ad blocker or a dropped connection would.
 */
async function holdFullModule(s) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  let blocked = false;
  const held = [];
  await s.context.route(`**${FULL_WASM}`, async (route) => {
    held.push(route.request().url());
    await released;
    if (blocked) await route.abort('blockedbyclient');
    else await route.continue();
  });
  return {
    held,
    release: () => release(),
    block: () => { blocked = true; release(); },
  };
}

/** Loads the page without waiting for window.privacy (the full module may never come). */
async function openWithBanner(s, path = '/') {
  await s.page.goto(path);
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
}

function receiptIds(s) {
  return s.receiptPosts().map((p) => p.receipt?.receipt_id);
}

test('a decision in the banner before the full module arrives: scripts run at once, the receipt comes once the full module is there, exactly once, and a reload keeps it', async (t) => {
  const s = await demo.session(t);
  const full = await holdFullModule(s);
  await openWithBanner(s);
  // The banner is up while the full module is held: it came from the banner module alone.
  assert.ok(s.requested(BANNER_WASM).length === 1, 'the banner module was fetched');
  assert.equal(await s.page.evaluate(() => window.privacy), undefined, 'window.privacy is set only once the full module runs');

  await s.page.click(SEL.bannerAction('accept-all'));
  // Gating runs at once, with the full module still held.
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1 && window.__demoPrefsRuns === 1);
  assert.ok(full.held.length >= 1, 'the full module was requested after the banner and is held');
  await s.page.waitForSelector(SEL.banner, { state: 'detached' });
  assert.equal(s.receiptPosts().length, 0, 'no receipt can be made before the full module');
  // The form cannot be sent meanwhile.
  assert.equal(await s.page.locator(SEL.formSubmit).isDisabled(), true, 'the form can be sent before the full module attached it');

  full.release();
  await s.waitForReady();
  await s.page.waitForFunction(() => window.__e2e.events.some((e) => e.type === 'privacy:receipt'));
  await s.settle();
  const posts = s.receiptPosts();
  assert.equal(posts.length, 1, `receipts posted: ${JSON.stringify(receiptIds(s))}`);
  const [{ receipt, status }] = posts;
  assert.equal(status, 204, 'the demo server took the receipt');
  const stored = (await demo.storedReceipts()).filter((r) => r.receipt_id === receipt.receipt_id);
  assert.equal(stored.length, 1, 'the demo server stored it once');
  assert.equal(receipt.collection_method, 'banner');
  assert.deepEqual([...receipt.changed].sort(), ['preferences', 'statistics']);
  assert.deepEqual(
    Object.fromEntries(receipt.cookie_categories.map((c) => [c.id, c.state])),
    { necessary: 'granted', preferences: 'granted', statistics: 'granted' },
  );
  const kept = await s.receipts();
  assert.deepEqual(kept.map((r) => r.receipt_id), [receipt.receipt_id], 'the device keeps that one receipt');
  assert.equal(await s.page.locator(SEL.formSubmit).isDisabled(), false, 'the full module attached the form');

  // A reload: the decision holds, and no receipt is made again.
  await s.reload();
  await s.settle();
  assert.equal(await s.page.locator(SEL.banner).count(), 0, 'the banner came back after a decision');
  assert.equal((await s.decisions()).statistics, 'granted');
  assert.deepEqual(receiptIds(s), [receipt.receipt_id], 'a receipt was made or sent again');
  assert.equal(await s.localStorageItem('mp_owed'), null, 'the owed receipt is still kept after it was made');
});

test('a decision whose page closes before the full module arrives gets its receipt on the next visit, once', async (t) => {
  const s = await demo.session(t);
  const full = await holdFullModule(s);
  await openWithBanner(s);
  await s.page.click(SEL.bannerAction('reject-all'));
  await s.page.waitForSelector(SEL.banner, { state: 'detached' });
  const owed = await s.localStorageItem('mp_owed');
  assert.match(owed ?? '', /^[0-9a-f-]{36} banner [0-9a-z]+ /, `the owed receipt is kept: ${owed}`);
  // The page goes away with the full module still held: nothing was sent.
  await s.replacePage();
  full.release();
  await s.goto('/');
  await s.page.waitForFunction(() => window.__e2e.events.some((e) => e.type === 'privacy:receipt'));
  await s.settle();
  const posts = s.receiptPosts();
  assert.equal(posts.length, 1, `receipts posted: ${JSON.stringify(receiptIds(s))}`);
  assert.equal(posts[0].receipt.collection_method, 'banner');
  assert.equal(posts[0].receipt.cookie_categories.find((c) => c.id === 'statistics').state, 'denied');
  assert.equal(await s.localStorageItem('mp_owed'), null);
  await s.reload();
  await s.settle();
  assert.equal(s.receiptPosts().length, 1, 'the receipt was made twice');
  const id = posts[0].receipt.receipt_id;
  assert.equal((await demo.storedReceipts()).filter((r) => r.receipt_id === id).length, 1);
});

test('the full module never arrives: the banner works, the decision lasts, the forms stay unable to send and say why', async (t) => {
  const s = await demo.session(t);
  const full = await holdFullModule(s);
  full.block();
  await openWithBanner(s);
  // Nothing gated ran before the decision.
  assert.equal(await s.statsRuns(), undefined);
  for (const gated of [STATS_SCRIPT, PREFS_SCRIPT, COLLECT]) assert.equal(s.requested(gated).length, 0, `${gated} before consent`);

  await s.page.click(SEL.bannerAction('accept-all'));
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1);
  // The page says why its form cannot be sent, and it cannot be.
  await s.page.waitForSelector('form[data-privacy-form="register"] [data-demo-form-unavailable]', { state: 'visible' });
  assert.equal(await s.page.locator(SEL.formSubmit).isDisabled(), true);
  await s.page.fill(SEL.formControl('national_id'), '1-2345-45678-78-1');
  await s.page.locator(SEL.formSubmit).click({ force: true }).catch(() => {});
  await s.settle();
  assert.equal(s.registerPosts().length, 0, 'the form was sent without the full module');
  assert.ok(s.consoleErrors.some((e) => e.includes('forms stay disabled')), `console: ${JSON.stringify(s.consoleErrors)}`);

  // A reload, still without the full module: the decision lasts.
  await s.page.reload();
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1);
  assert.equal(await s.page.locator(SEL.banner).count(), 0, 'the banner asked again');
  assert.equal(s.receiptPosts().length, 0);
  assert.match(await s.localStorageItem('mp_owed') ?? '', /banner/, 'the receipt is still owed');
});

test('a served policy the banner module cannot read is not consent: the bundled policy asks', async (t) => {
  const s = await demo.session(t);
  await s.context.route('**/policy.json', (route) => route.fulfill({
    status: 200, contentType: 'application/json', body: JSON.stringify({ version: '2026.11-1', categories: 'all' }),
  }));
  await openWithBanner(s);
  await s.waitForReady();
  assert.equal((await s.decisions()).statistics, 'unset');
  assert.equal(await s.statsRuns(), undefined);
  assert.ok(s.consoleErrors.some((e) => e.includes('served policy was rejected')), `console: ${JSON.stringify(s.consoleErrors)}`);
});
