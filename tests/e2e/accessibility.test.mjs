// Accessibility of the banner and the dialog: axe-core finds nothing in either language, the
// text is really in the page language, everything works from the keyboard, and 320px fits.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useDemo, SEL, THAI_LETTERS, category, assertAxeClean } from './harness.mjs';

const demo = useDemo();

/** Rendered text of an element, leaving out parts explicitly marked as another language. */
function renderedText(page, selector, lang) {
  return page.evaluate(
    ([sel, wanted]) => {
      const root = document.querySelector(sel);
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      const parts = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!el.checkVisibility()) continue;
        const own = el.closest('[lang]')?.getAttribute('lang') ?? '';
        if (!own.toLowerCase().startsWith(wanted)) continue;
        parts.push(node.data);
      }
      return parts.join(' ').replace(/\s+/g, ' ').trim();
    },
    [selector, lang],
  );
}

for (const lang of ['th', 'en']) {
  test(`axe finds no violation on the page with the banner (${lang})`, async (t) => {
    const s = await demo.session(t);
    await s.goto(`/?lang=${lang}`);
    await s.page.waitForSelector(SEL.banner, { state: 'visible' });
    await assertAxeClean(s, `banner, ${lang}`);
  });

  test(`axe finds no violation with the preferences dialog open (${lang})`, async (t) => {
    const s = await demo.session(t);
    await s.goto(`/?lang=${lang}`);
    await s.page.click(SEL.bannerAction('customize'));
    await s.waitForDialogOpen();
    await assertAxeClean(s, `dialog, ${lang}`);
  });
}

test('in the dark colour scheme the banner and the dialog switch colours and stay axe-clean', async (t) => {
  const s = await demo.session(t, { colorScheme: 'dark' });
  await s.goto('/');
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  const background = () => s.page.$eval(SEL.banner, (el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(await background(), 'rgb(255, 255, 255)', 'the banner ignored prefers-color-scheme: dark');
  await assertAxeClean(s, 'banner, dark');
  await s.page.click(SEL.bannerAction('customize'));
  await s.waitForDialogOpen();
  await assertAxeClean(s, 'dialog, dark');
});

test('with reduced motion the banner does not animate', async (t) => {
  const animation = async (reducedMotion) => {
    const s = await demo.session(t, { reducedMotion });
    await s.goto('/');
    await s.page.waitForSelector(SEL.banner, { state: 'visible' });
    return s.page.$eval(SEL.banner, (el) => getComputedStyle(el).animationName);
  };
  assert.notEqual(await animation('no-preference'), 'none', 'control: the banner has no animation at all');
  assert.equal(await animation('reduce'), 'none');
});

test('axe would catch a problem: an unlabeled button is reported (control)', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.evaluate(() => document.querySelector('main').append(document.createElement('button')));
  const result = await s.runAxe();
  assert.ok(result.violations.some((v) => v.id === 'button-name'), result.violations.map((v) => v.id).join(', '));
});

test('the banner and the dialog speak Thai by default', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  assert.equal(await s.page.getAttribute('html', 'lang'), 'th');
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  const banner = await s.page.locator(SEL.banner).innerText();
  assert.match(banner, THAI_LETTERS, `banner text is not Thai: ${banner}`);
  for (const action of ['accept-all', 'reject-all', 'customize']) {
    const label = await s.page.locator(SEL.bannerAction(action)).innerText();
    assert.match(label, THAI_LETTERS, `${action} button is not labelled in Thai: ${label}`);
  }
  await s.page.click(SEL.bannerAction('customize'));
  await s.waitForDialogOpen();
  const dialog = await s.page.locator(SEL.dialog).innerText();
  for (const id of ['necessary', 'preferences', 'statistics']) {
    const title = category(s.policy, id).title.th;
    assert.ok(dialog.includes(title), `the dialog lacks "${title}"`);
  }
});

test('?lang=en shows the page, the banner and the dialog in English', async (t) => {
  const s = await demo.session(t);
  await s.goto('/?lang=en');
  assert.equal(await s.page.getAttribute('html', 'lang'), 'en');
  assert.match(await s.page.title(), /Mor Prom/);
  const heading = await s.page.locator('h1').innerText();
  assert.equal(heading.trim(), 'Mor Prom');
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });

  // Text explicitly marked lang="th" (a language switch, say) may stay Thai; the rest may not.
  const banner = await renderedText(s.page, SEL.banner, 'en');
  assert.match(banner, /[A-Za-z]{4,}/, `banner has no English text: ${banner}`);
  assert.doesNotMatch(banner, THAI_LETTERS, `English banner contains Thai text: ${banner}`);
  for (const action of ['accept-all', 'reject-all', 'customize']) {
    const label = await s.page.locator(SEL.bannerAction(action)).innerText();
    assert.match(label, /[A-Za-z]{3,}/, `${action} button is not labelled in English: ${label}`);
    assert.doesNotMatch(label, THAI_LETTERS, `${action} button is labelled in Thai: ${label}`);
  }

  await s.page.click(SEL.bannerAction('customize'));
  await s.waitForDialogOpen();
  const dialog = await renderedText(s.page, SEL.dialog, 'en');
  for (const id of ['necessary', 'preferences', 'statistics']) {
    const title = category(s.policy, id).title.en;
    assert.ok(dialog.includes(title), `the English dialog lacks "${title}"`);
  }
  assert.doesNotMatch(dialog, THAI_LETTERS, `English dialog contains Thai text: ${dialog}`);
});

test('keyboard only: Tab reaches every banner button and Enter on reject-all decides', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  const wanted = new Set(['accept-all', 'reject-all', 'customize', 'close']);
  const reached = new Set();
  await s.tabUntil((f) => {
    if (f.inBanner && f.action) reached.add(f.action);
    return [...wanted].every((a) => reached.has(a));
  });
  await s.tabUntil((f) => f.inBanner && f.action === 'reject-all');
  await s.page.keyboard.press('Enter');
  await s.waitForBannerGone();
  const d = await s.decisions();
  assert.equal(d.statistics, 'denied');
  assert.equal(d.preferences, 'denied');
  const consent = await s.events('privacy:consent');
  assert.equal(consent.at(-1)?.detail.method, 'banner');
});

test('keyboard only: the dialog takes focus, traps Tab, toggles with Space and Escape returns focus to the opener', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  await s.tabUntil((f) => f.inBanner && f.action === 'customize');
  await s.page.keyboard.press('Enter');
  await s.waitForDialogOpen();
  const first = await s.focused();
  assert.equal(first.inDialog, true, `focus did not move into the dialog: ${JSON.stringify(first)}`);

  // Trapped: every Tab and Shift+Tab stop stays in the dialog, and Tab cycles back round.
  const stops = [];
  for (let i = 0; i < 24; i += 1) {
    await s.page.keyboard.press('Tab');
    const f = await s.focused();
    assert.equal(f.inDialog, true, `Tab left the dialog after ${i + 1} presses: ${JSON.stringify(f)}`);
    stops.push(f);
  }
  for (let i = 0; i < 6; i += 1) {
    await s.page.keyboard.press('Shift+Tab');
    const f = await s.focused();
    assert.equal(f.inDialog, true, `Shift+Tab left the dialog: ${JSON.stringify(f)}`);
  }
  const reachedActions = new Set(stops.map((f) => f.action).filter(Boolean));
  for (const action of ['save', 'accept-all', 'reject-all', 'close']) {
    assert.ok(reachedActions.has(action), `Tab never reached ${action} in the dialog`);
  }
  const categories = new Set(stops.map((f) => f.category).filter(Boolean));
  assert.ok(categories.has('statistics') && categories.has('preferences'), `checkboxes reached: ${[...categories]}`);

  await s.tabUntil((f) => f.category === 'statistics');
  const box = s.page.locator(SEL.category('statistics'));
  assert.equal(await box.isChecked(), false);
  await s.page.keyboard.press('Space');
  assert.equal(await box.isChecked(), true, 'Space did not tick the checkbox');
  await s.page.keyboard.press('Space');
  assert.equal(await box.isChecked(), false, 'Space did not untick the checkbox');
  await s.page.keyboard.press('Space');

  await s.page.keyboard.press('Escape');
  await s.waitForDialogClosed();
  const back = await s.focused();
  assert.equal(back.inBanner && back.action === 'customize', true, `focus did not return to the opener: ${JSON.stringify(back)}`);
  assert.equal((await s.decisions()).statistics, 'unset', 'Escape saved the ticked box');
});

test('keyboard only: the footer link opens the dialog with Enter and focus returns to it', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('reject-all'));
  await s.waitForBannerGone();
  await s.tabUntil((f) => f.tag === 'a' && f.text.includes('ตั้งค่าคุกกี้'));
  await s.page.keyboard.press('Enter');
  await s.waitForDialogOpen();
  assert.equal((await s.focused()).inDialog, true);
  await s.page.keyboard.press('Escape');
  await s.waitForDialogClosed();
  const back = await s.page.evaluate(() => document.activeElement?.hasAttribute('data-privacy-open'));
  assert.equal(back, true, 'focus did not return to the footer link');
});

test('at 320px wide the page, the banner and the dialog fit without sideways scrolling', async (t) => {
  const s = await demo.session(t, { viewport: { width: 320, height: 640 } });
  await s.goto('/');
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  const overflow = () => s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok((await overflow()) <= 0, `the page scrolls sideways by ${await overflow()}px`);
  for (const action of ['accept-all', 'reject-all', 'customize', 'close']) {
    const box = await s.page.locator(SEL.bannerAction(action)).boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 320, `${action} is off screen: ${JSON.stringify(box)}`);
    assert.ok(box.height >= 24 && box.width >= 24, `${action} is smaller than a 24px target: ${JSON.stringify(box)}`);
  }
  await s.page.click(SEL.bannerAction('customize'));
  await s.waitForDialogOpen();
  const dialogBox = await s.page.locator(SEL.dialog).boundingBox();
  assert.ok(dialogBox.x >= 0 && dialogBox.x + dialogBox.width <= 320, `dialog is wider than the screen: ${JSON.stringify(dialogBox)}`);
  const save = await s.page.locator(SEL.dialogAction('save')).boundingBox();
  assert.ok(save && save.x >= 0 && save.x + save.width <= 320, `save is off screen: ${JSON.stringify(save)}`);
});

// WCAG 2.4.11 (focus not obscured): the dialog's action bar sticks to its bottom edge, so a
// control that Tab scrolls into view must land above the bar, not under it. On a phone the bar
// is three rows of buttons.
for (const { page, viewport, mobile } of [
  { page: '/', viewport: { width: 320, height: 568 } },
  { page: '/', viewport: { width: 375, height: 667 } },
  { page: '/liff/?mock=1', mobile: true },
]) {
  const size = viewport ? `${viewport.width}x${viewport.height}` : 'LINE on a phone';
  test(`keyboard only: no control Tab reaches in the privacy centre is hidden under its action bar (${page}, ${size})`, async (t) => {
    const s = await demo.session(t, { viewport, mobile });
    await s.goto(page);
    await s.page.waitForFunction(() => window.privacy !== undefined);
    await s.page.evaluate(() => window.privacy.openPreferences());
    await s.waitForDialogOpen();
    const covered = [];
    let stops = 0;
    for (let i = 0; i < 40; i++) {
      await s.page.keyboard.press('Tab');
      const stop = await s.page.evaluate((dialog) => {
        const focused = document.activeElement;
        const bar = document.querySelector(`${dialog} .mpp-actions`);
        if (!focused || !bar || bar.contains(focused)) return null;
        const a = focused.getBoundingClientRect();
        const b = bar.getBoundingClientRect();
        const name = focused.getAttribute('data-privacy-category') ?? focused.getAttribute('data-privacy-purpose') ?? focused.tagName;
        return { name, covered: a.bottom > b.top && a.top < b.bottom };
      }, SEL.dialog);
      if (!stop) continue;
      stops += 1;
      if (stop.covered) covered.push(stop.name);
    }
    assert.ok(stops >= 10, `only ${stops} focus stops outside the action bar: did Tab reach the toggles?`);
    assert.deepEqual(covered, [], `focused under the action bar: ${covered.join(', ')}`);
  });
}
