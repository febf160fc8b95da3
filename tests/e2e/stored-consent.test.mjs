// What the module does with a stored decision: honour a genuine one, re-ask only what changed,
// and treat anything damaged, tampered with or foreign as no decision at all.

import assert from 'node:assert/strict';
import { test, describe } from 'node:test';
import {
  useDemo, SEL, STATS_SCRIPT, PREFS_SCRIPT, COLLECT, category,
  editStored, plainStored, seal, recordGenuineDecision,
} from './harness.mjs';

const demo = useDemo();
let accepted; // { cookie, localStorage } written by a real accept-all
let rejected; // … by a real reject-all

// Recorded once, on first use (inside a test, so the demo's before hook has surely run).
let recording;
function genuineValues() {
  recording ??= (async () => {
    accepted = await recordGenuineDecision(demo, 'accept-all');
    rejected = await recordGenuineDecision(demo, 'reject-all');
  })();
  return recording;
}

// `since`: index into s.requests from which to look (earlier page loads may have had consent).
async function assertTreatedAsNoDecision(s, when, { since = 0 } = {}) {
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  await s.settle();
  const d = await s.decisions();
  assert.equal(d.statistics, 'unset', `${when}: statistics`);
  assert.equal(d.preferences, 'unset', `${when}: preferences`);
  assert.equal(await s.statsRuns(), undefined, `${when}: the statistics script ran`);
  assert.equal(await s.prefsRuns(), undefined, `${when}: the preferences script ran`);
  const later = s.requests.slice(since).map((r) => r.path);
  for (const gated of [STATS_SCRIPT, PREFS_SCRIPT, COLLECT]) {
    assert.ok(!later.includes(gated), `${when}: ${gated} was requested`);
  }
  if (since === 0) assert.equal(await s.cookie('_demo_stats'), undefined, `${when}: _demo_stats exists`);
  assert.deepEqual(s.pageErrors, [], `${when}: the page threw`);
}

function plant(value, stores) {
  return {
    cookies: stores.includes('cookie') ? { mp_consent: value.cookie } : {},
    localStorage: stores.includes('localStorage') ? { mp_consent: value.localStorage } : {},
  };
}

test('the stored value has the documented shape (reading aid for the tampering tests)', async () => {
  await genuineValues();
  const plain = plainStored(accepted.cookie);
  assert.equal(plainStored(accepted.localStorage), plain, 'cookie and localStorage hold different values');
  const fields = plain.split('|');
  assert.equal(fields[0], '1', `format version in ${plain}`);
  assert.equal(fields[1], demo.policy.version, `policy version in ${plain}`);
  assert.match(fields.at(-1), /^[0-9a-f]{1,8}$/i, `checksum in ${plain}`);
  const entries = fields.slice(2, -1).map((e) => e.split(':'));
  const ids = entries.map((e) => e[0]).sort();
  assert.deepEqual(ids, ['preferences', 'statistics'], `only non-always-on categories in ${plain}`);
  for (const [id, revision, state, at] of entries) {
    // A category that is also a purpose (statistics) is bound to the purpose's content hash
    // mixed with the category revision; a plain category to its revision.
    const shared = (demo.policy.purposes ?? []).some((p) => p.id === id);
    if (shared) assert.match(revision, /^[1-9][0-9]{0,9}$/, `${id} revision`);
    else assert.equal(Number(revision), category(demo.policy, id).revision, `${id} revision`);
    assert.equal(state, 'g', `${id} state after accept-all`);
    const seconds = parseInt(at, 36);
    assert.ok(Math.abs(seconds - Date.now() / 1000) < 600, `${id} time ${at} is not base36 unix seconds of now`);
  }
  assert.equal(seal(plain.slice(0, plain.lastIndexOf('|'))), plain, 'the checksum is not the documented FNV-1a 32');
});

test('a genuine stored decision is honoured (control for the tampering tests)', async (t) => {
  await genuineValues();
  const s = await demo.session(t, plant(accepted, ['cookie', 'localStorage']));
  await s.goto('/');
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1);
  assert.equal(await s.page.locator(SEL.banner).count(), 0, 'banner shown despite a genuine decision');
  assert.equal(await s.hasConsent('statistics'), true);
});

test('a value re-sealed with a correct checksum is read as written (g flipped to d)', async (t) => {
  await genuineValues();
  const value = editStored(accepted.cookie, (p) => {
    const body = p.slice(0, p.lastIndexOf('|')).replace(/(statistics:\d+:)g/, '$1d');
    return seal(body);
  });
  const s = await demo.session(t, plant({ cookie: value, localStorage: value }, ['cookie', 'localStorage']));
  await s.goto('/');
  await s.page.waitForFunction(() => window.__demoPrefsRuns === 1);
  assert.equal(await s.page.locator(SEL.banner).count(), 0);
  const d = await s.decisions();
  assert.equal(d.statistics, 'denied');
  assert.equal(d.preferences, 'granted');
  await s.settle();
  assert.equal(await s.statsRuns(), undefined);
});

test('a decision older than a year is asked again, even when only localStorage still holds it', async (t) => {
  await genuineValues();
  const longAgo = Math.floor(Date.now() / 1000) - 366 * 24 * 60 * 60;
  const value = editStored(accepted.localStorage, (p) => {
    const body = p.slice(0, p.lastIndexOf('|')).replace(/(:[gd]:)[0-9a-z]+/g, `$1${longAgo.toString(36)}`);
    return seal(body);
  });
  // The cookie lapsed after a year; the localStorage mirror never does.
  const s = await demo.session(t, plant({ localStorage: value }, ['localStorage']));
  await s.goto('/');
  await assertTreatedAsNoDecision(s, 'with a year-old decision');
});

test('a valid decision found only in localStorage is honoured and its cookie restored', async (t) => {
  await genuineValues();
  const s = await demo.session(t, plant(accepted, ['localStorage']));
  await s.goto('/');
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1);
  assert.equal(await s.page.locator(SEL.banner).count(), 0);
  assert.equal(plainStored((await s.cookie('mp_consent'))?.value ?? ''), plainStored(accepted.localStorage));
});

const TAMPERINGS = {
  'g flipped to d without fixing the checksum': (p) => p.replace(/(statistics:\d+:)g/, '$1d'),
  'a category renamed without fixing the checksum': (p) => p.replace('statistics:', 'statisticz:'),
  'an unknown category with a correct checksum': (p) => {
    const body = p.slice(0, p.lastIndexOf('|')).replace('statistics:', 'telemetry:');
    return seal(body);
  },
  'an extra unknown category with a correct checksum': (p) => {
    const fields = p.split('|');
    const body = [...fields.slice(0, -1), fields[2].replace(/^[a-z0-9_]+:/, 'marketing:')].join('|');
    return seal(body);
  },
  'another policy version with a correct checksum': (p) => {
    const fields = p.split('|');
    fields[1] = '2019.01-1';
    return seal(fields.slice(0, -1).join('|'));
  },
  'the checksum cut off': (p) => p.slice(0, p.lastIndexOf('|')),
  garbage: () => 'g|g|statistics:g|%%%|zzzz',
};

// Every damage in both stores; the three kinds the module discards (tampered, unknown category,
// corrupted) also in each store alone, since a module might check only one of them.
const ALL_STORES = [['cookie', 'localStorage'], ['cookie'], ['localStorage']];
const EACH_STORE_KINDS = new Set([
  'g flipped to d without fixing the checksum',
  'an unknown category with a correct checksum',
  'garbage',
]);

// Independent page loads: run a few at once to keep the suite fast.
describe('damaged stored decisions', { concurrency: 3 }, () => {
  for (const [kind, edit] of Object.entries(TAMPERINGS)) {
    const storeSets = EACH_STORE_KINDS.has(kind) ? ALL_STORES : ALL_STORES.slice(0, 1);
    for (const stores of storeSets) {
      test(`a stored decision with ${kind}, in ${stores.join(' and ')}, is treated as no decision`, async (t) => {
        await genuineValues();
        const value = editStored(accepted.cookie, edit);
        const s = await demo.session(t, plant({ cookie: value, localStorage: value }, stores));
        await s.goto('/');
        await assertTreatedAsNoDecision(s, `${kind} in ${stores.join('+')}`);
      });
    }
  }
});

test('cookie and localStorage that disagree are treated as no decision', async (t) => {
  await genuineValues();
  const s = await demo.session(t, {
    cookies: { mp_consent: accepted.cookie },
    localStorage: { mp_consent: rejected.localStorage },
  });
  await s.goto('/');
  await assertTreatedAsNoDecision(s, 'accept-all cookie with reject-all localStorage');
});

test('a new revision of one category asks again for that category only', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('accept-all'));
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1 && window.__demoPrefsRuns === 1);

  const bumped = structuredClone(demo.policy);
  const statistics = category(bumped, 'statistics');
  statistics.revision += 1;
  statistics.change_note = {
    th: 'เพิ่มการนับจำนวนผู้ใช้รายวันเพื่อวางแผนหน่วยบริการ',
    en: 'Daily user counts were added to plan service units.',
  };
  await s.page.route('**/policy.json', (route) => route.fulfill({ json: bumped }));
  const mark = s.requests.length;
  await s.reload();

  const banner = s.page.locator(SEL.banner);
  await banner.waitFor({ state: 'visible' });
  const text = await banner.innerText();
  assert.ok(text.includes(statistics.title.th), `the banner does not name ${statistics.title.th}: ${text}`);
  assert.ok(text.includes(statistics.change_note.th), `the banner does not show the change note: ${text}`);
  const prefsTitle = category(bumped, 'preferences').title.th;
  assert.ok(!text.includes(prefsTitle), `the banner asks about preferences again: ${text}`);

  await s.page.waitForFunction(() => window.__demoPrefsRuns === 1);
  await s.settle();
  let d = await s.decisions();
  assert.equal(d.preferences, 'granted', 'preferences lost its grant');
  assert.equal(d.statistics, 'unset', 'statistics was not asked again');
  assert.equal(await s.statsRuns(), undefined, 'the statistics script ran under a consent given for an old revision');
  assert.deepEqual(s.requests.slice(mark).filter((r) => r.path === COLLECT), []);

  // The re-ask banner's buttons apply to the re-asked categories only.
  await s.page.click(SEL.bannerAction('reject-all'));
  await s.waitForBannerGone();
  d = await s.decisions();
  assert.equal(d.statistics, 'denied');
  assert.equal(d.preferences, 'granted', 'reject-all in the re-ask banner also revoked preferences');

  await s.reload();
  await s.settle();
  assert.equal(await s.page.locator(SEL.banner).count(), 0, 'asked again after answering the new revision');
  d = await s.decisions();
  assert.equal(d.statistics, 'denied');
  assert.equal(d.preferences, 'granted');
});

test('a new policy version asks again for everything', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('accept-all'));
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1);

  const next = structuredClone(demo.policy);
  next.version = `${demo.policy.version}.next`.slice(0, 32);
  await s.page.route('**/policy.json', (route) => route.fulfill({ json: next }));
  const mark = s.requests.length;
  await s.reload();
  await assertTreatedAsNoDecision(s, 'after a policy version change', { since: mark });
});

test('cookies left from a discarded decision are deleted when the person is asked again', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('accept-all'));
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1);
  await s.page.waitForFunction(() => document.cookie.includes('_demo_prefs='));
  assert.equal((await s.cookie('_demo_stats'))?.value, '1', 'the statistics script set no cookie');

  const next = structuredClone(demo.policy);
  next.version = `${demo.policy.version}.next`.slice(0, 32);
  await s.page.route('**/policy.json', (route) => route.fulfill({ json: next }));
  await s.reload();
  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  await s.settle();
  assert.equal(await s.cookie('_demo_stats'), undefined, 'a statistics cookie outlived the discarded decision');
  assert.equal(await s.cookie('_demo_prefs'), undefined, 'a preferences cookie outlived the discarded decision');
});

test('when localStorage throws, the banner works, the decision lasts the page and nothing ungiven is assumed', async (t) => {
  const s = await demo.session(t, { throwingLocalStorage: true });
  await s.goto('/');
  const thrown = await s.page.evaluate(() => {
    try {
      void window.localStorage;
      return null;
    } catch (e) {
      return e.name;
    }
  });
  assert.equal(thrown, 'SecurityError', 'the localStorage patch is not in effect');

  await s.page.waitForSelector(SEL.banner, { state: 'visible' });
  await s.page.click(SEL.bannerAction('customize'));
  await s.waitForDialogOpen();
  await s.page.check(SEL.category('statistics'));
  await s.page.click(SEL.dialogAction('save'));
  await s.page.waitForFunction(() => window.__demoStatsRuns === 1);
  assert.equal(await s.hasConsent('statistics'), true, 'the decision did not last the page');
  assert.equal(await s.hasConsent('preferences'), false);
  assert.deepEqual(s.pageErrors, [], 'the page threw with localStorage unavailable');

  await s.reload();
  await s.settle();
  assert.deepEqual(s.pageErrors, [], 'the page threw after reload with localStorage unavailable');
  const d = await s.decisions();
  assert.notEqual(d.preferences, 'granted', 'preferences treated as granted though it never was');
  assert.equal(await s.prefsRuns(), undefined, 'the preferences script ran without consent');
  assert.deepEqual(s.requested(PREFS_SCRIPT), []);
  if (await s.bannerVisible()) {
    t.diagnostic('after reload: banner shown again (decision was memory-only)');
    assert.equal(d.statistics, 'unset');
    assert.equal(await s.statsRuns(), undefined);
  } else {
    t.diagnostic('after reload: the cookie still held the decision');
    assert.equal(d.statistics, 'granted');
    assert.equal(await s.statsRuns(), 1);
    assert.equal(s.requested(STATS_SCRIPT).length, 2);
  }
});
