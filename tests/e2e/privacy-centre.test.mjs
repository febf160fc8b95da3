// The preferences dialog reached from the page's own link: Global Privacy Control is honoured
// without a banner, and withdrawal is as easy as giving and actually removes what was set.

import assert from 'node:assert/strict';
import fsp from 'node:fs/promises';
import { test } from 'node:test';
import { useDemo, SEL, STATS_SCRIPT, COLLECT } from './harness.mjs';

const demo = useDemo();

test('with Global Privacy Control on, statistics starts denied without a banner and can still be granted in the dialog', async (t) => {
  const s = await demo.session(t, { gpc: true });
  await s.goto('/');
  assert.equal(await s.page.evaluate(() => navigator.globalPrivacyControl), true, 'the GPC patch is not in effect');
  await s.settle();
  assert.equal(await s.page.locator(SEL.banner).count(), 0, 'a banner was shown although GPC answers the question');
  let d = await s.decisions();
  assert.equal(d.statistics, 'denied');
  assert.equal(d.preferences, 'denied');
  assert.equal(await s.hasConsent('statistics'), false);
  assert.equal(await s.statsRuns(), undefined);
  assert.deepEqual(s.requested(STATS_SCRIPT), []);
  assert.deepEqual(s.requested(COLLECT), []);

  await s.page.click(SEL.openLink);
  await s.waitForDialogOpen();
  assert.equal(await s.page.locator(SEL.gpcNote).isVisible(), true, '[data-privacy-gpc] is not shown in the dialog');
  assert.equal(await s.page.locator(SEL.category('statistics')).isChecked(), false);
  await s.page.check(SEL.category('statistics'));
  await s.page.click(SEL.dialogAction('save'));
  await s.waitForDialogClosed();
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1);
  d = await s.decisions();
  assert.equal(d.statistics, 'granted', 'an explicit opt-in under GPC was not honoured');
  assert.equal(d.preferences, 'denied');
  assert.equal(await s.prefsRuns(), undefined);
});

test('without Global Privacy Control the dialog does not claim it', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.openLink);
  await s.waitForDialogOpen();
  assert.equal(await s.page.locator(SEL.gpcNote).count(), 0, '[data-privacy-gpc] shown without GPC');
});

test('the footer link opens the dialog without navigating', async (t) => {
  const s = await demo.session(t);
  await s.goto('/?lang=en');
  await s.page.click(SEL.openLink);
  await s.waitForDialogOpen();
  assert.equal((await s.dialogState()).modal, true, 'the dialog is not modal (showModal)');
  assert.equal(new URL(s.page.url()).hash, '', 'the href="#" link navigated');
  assert.equal(new URL(s.page.url()).search, '?lang=en');
});

test('withdrawing statistics deletes its cookies, says a reload completes it and reports reloadRequired', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('accept-all'));
  await s.waitForBannerGone();
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1);
  assert.ok(await s.cookie('_demo_stats'), '_demo_stats was not set by the stats script');
  // Cookies matching the policy's `_ga_*` pattern must go too.
  await s.page.evaluate(() => {
    document.cookie = '_ga=GA1.1.123.456; Path=/; SameSite=Lax';
    document.cookie = '_ga_ABC123=GS1.1.789; Path=/; SameSite=Lax';
  });

  await s.page.click(SEL.openLink);
  await s.waitForDialogOpen();
  assert.equal(await s.page.locator(SEL.category('statistics')).isChecked(), true, 'the dialog does not show the grant');
  await s.page.uncheck(SEL.category('statistics'));
  await s.page.click(SEL.dialogAction('save'));

  const notice = s.page.locator(SEL.reloadNotice);
  await notice.waitFor({ state: 'visible' });
  assert.equal(await notice.getAttribute('role'), 'status');
  assert.ok((await notice.innerText()).trim().length > 0, 'the reload notice is empty');

  const names = (await s.cookies()).map((c) => c.name);
  for (const gone of ['_demo_stats', '_ga', '_ga_ABC123']) {
    assert.ok(!names.includes(gone), `${gone} survived the withdrawal (cookies: ${names.join(', ')})`);
  }
  assert.ok(names.includes('_demo_prefs'), 'a cookie of a category still granted was deleted');

  const changes = await s.events('privacy:change');
  const last = changes.at(-1);
  assert.ok(last, 'no privacy:change event');
  assert.equal(last.detail.reloadRequired, true);
  assert.ok(last.detail.changed.includes('statistics'), `changed: ${JSON.stringify(last.detail.changed)}`);
  assert.ok(!last.detail.changed.includes('preferences'), `changed: ${JSON.stringify(last.detail.changed)}`);
  assert.equal(last.detail.decisions.statistics, 'denied');
  const d = await s.decisions();
  assert.equal(d.statistics, 'denied');
  assert.equal(d.preferences, 'granted');

  await s.reload();
  await s.settle();
  assert.equal(await s.statsRuns(), undefined, 'the statistics script ran after withdrawal');
  assert.equal(await s.prefsRuns(), 1);
  assert.equal(await s.cookie('_demo_stats'), undefined);
});

// "Download my consent history": the receipts kept on this device as a JSON file named in the
// page's language, made in the browser: no request leaves the page for it.
for (const [lang, query, name, label] of [
  ['th', '/', /^ประวัติความยินยอม-\d{4}-\d{2}-\d{2}\.json$/, 'ดาวน์โหลดประวัติความยินยอม'],
  ['en', '/?lang=en', /^consent-history-\d{4}-\d{2}-\d{2}\.json$/, 'Download my consent history'],
]) {
  test(`the privacy centre downloads the consent history kept on the device, with no request (${lang})`, async (t) => {
    const s = await demo.session(t);
    await s.goto(query);
    await s.page.click(SEL.bannerAction('reject-all'));
    await s.waitForBannerGone();
    await s.page.evaluate(() => window.privacy.set('news', true));
    await s.page.waitForFunction(() => window.privacy.receipts().length === 2);
    const kept = await s.page.evaluate(() => window.privacy.receipts());
    await s.settle();

    await s.page.click(SEL.openLink);
    await s.waitForDialogOpen();
    const button = s.page.getByRole('button', { name: label, exact: true });
    assert.equal(await button.count(), 1, `no "${label}" button in the privacy centre`);
    const mark = s.requests.length;
    const [download] = await Promise.all([s.page.waitForEvent('download'), button.click()]);
    assert.match(download.suggestedFilename(), name);
    const file = await download.path();
    const saved = JSON.parse(await fsp.readFile(file, 'utf8'));
    assert.deepEqual(saved, kept, 'the file holds the receipts kept on the device, oldest first');
    await s.settle();
    const sent = s.requests.slice(mark).filter((r) => !r.url.startsWith('blob:'));
    assert.deepEqual(sent.map((r) => r.path), [], 'the download made a request');
    assert.equal(await s.page.locator(SEL.dialog).evaluate((d) => d.open), true, 'the dialog closed');
  });
}
