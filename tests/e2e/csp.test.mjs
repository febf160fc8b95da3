// The module and the demo page must run under the strict CSP with no inline script or style:
// a violation here means integrators would have to loosen their policy for us.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { useDemo, SEL, STRICT_CSP } from './harness.mjs';

const demo = useDemo();

async function assertNoViolation(s, when) {
  await s.settle();
  const violations = await s.cspViolations();
  assert.deepEqual(violations, [], `${when}: CSP violations ${JSON.stringify(violations, null, 1)}`);
  const refused = s.consoleErrors.filter((m) => /Content Security Policy|Refused to/i.test(m));
  assert.deepEqual(refused, [], `${when}: CSP errors in the console`);
}

for (const lang of ['th', 'en']) {
  test(`the page runs under the strict CSP without a single violation (${lang})`, async (t) => {
    const s = await demo.session(t);
    const response = await s.goto(`/?lang=${lang}`);
    assert.equal(response.headers()['content-security-policy'], STRICT_CSP, 'the page is not served under the strict CSP');
    await s.page.waitForSelector(SEL.banner, { state: 'visible' });
    await assertNoViolation(s, 'banner shown');

    await s.page.click(SEL.bannerAction('customize'));
    await s.waitForDialogOpen();
    await assertNoViolation(s, 'dialog open');
    await s.page.check(SEL.category('statistics'));
    await s.page.click(SEL.dialogAction('save'));
    // The activated script is a new <script src>: it must pass script-src 'self' and run.
    await s.page.waitForFunction(() => window.__demoStatsRuns === 1);
    await assertNoViolation(s, 'after saving (gated script activated)');

    await s.reload();
    await s.page.waitForFunction(() => window.__demoStatsRuns === 1);
    await s.page.click(SEL.openLink);
    await s.waitForDialogOpen();
    await s.page.uncheck(SEL.category('statistics'));
    await s.page.click(SEL.dialogAction('save'));
    await s.page.locator(SEL.reloadNotice).waitFor({ state: 'visible' });
    await assertNoViolation(s, 'after a withdrawal');
    assert.deepEqual(s.pageErrors, []);
  });
}

test('an inline script would be caught: the recorder sees a violation (control)', async (t) => {
  const s = await demo.session(t, { allowCspViolations: true });
  await s.goto('/');
  await s.page.evaluate(() => {
    const el = document.createElement('script');
    el.textContent = 'window.__inlineRan = true';
    document.body.append(el);
    const div = document.createElement('div');
    div.setAttribute('style', 'color: red');
    document.body.append(div);
  });
  await s.settle();
  const directives = (await s.cspViolations()).map((v) => v.directive).sort();
  assert.deepEqual(directives, ['script-src-elem', 'style-src-attr']);
  assert.equal(await s.page.evaluate(() => window.__inlineRan), undefined);
});
