#!/usr/bin/env node
// The figures the README quotes: what the banner costs a citizen's phone to download,
// and how soon after navigation it is on screen, next to vanilla-cookieconsent v3
// (the library integrators compare us with). Run after the build has written pkg/:
//
//   node benches/bench.mjs [--runs N] [--profiles unthrottled,4g,slow-4g] [--shots] [--only NAME,…]
//
// The banner race runs under each phone profile (PROFILES below): unthrottled, then with the
// CPU and network throttled through the DevTools protocol, the pages served gzip-compressed by
// the demo server as a deployment serves them. --runs sets the loads per page of every profile,
// and of the accept-all click (default: each profile's own count, CLICK_RUNS).
//
// Prints one plain-text table and writes the same rows (plus the raw samples) to
// target/bench.json. --shots saves a screenshot of each page with its banner to
// target/bench-shots/ (taken on the discarded warm-up loads, so timings are unaffected).
//
// To add a figure, write a measurement function that returns rows and list it in
// MEASUREMENTS; the table picks up whatever columns the rows fill.

import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'target');
const PEER_DIST = path.join(ROOT, 'node_modules/vanilla-cookieconsent/dist');
const PEER_VERSION = readJson(path.join(ROOT, 'node_modules/vanilla-cookieconsent/package.json')).version;

const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
};
// Mor Prom is used mostly on phones: measure at a phone-sized viewport.
const VIEWPORT = { width: 390, height: 844 };
const BANNER_TIMEOUT_MS = 15_000;

// What a citizen's phone is like, applied through the DevTools protocol to each fresh page before
// it navigates: CPU slowed down (Emulation.setCPUThrottlingRate) and the network shaped
// (Network.emulateNetworkConditions: latency added to each request, throughput in bytes/s shared
// by the requests in flight), the profiles of Chrome DevTools and Lighthouse. Throttled loads
// are slower, so they run fewer times; `make bench` stays within about ten minutes.
const PROFILES = [
  { key: 'unthrottled', title: 'unthrottled', runs: 20 },
  { key: '4g', title: '4G', runs: 15, cpu: 4,
    network: { latency: 60, downloadThroughput: 9e6 / 8, uploadThroughput: 9e6 / 8 } },
  { key: 'slow-4g', title: 'slow 4G', runs: 15, cpu: 4,
    network: { latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 0.75e6 / 8 } },
];

// Our files in pkg/, in two groups: `banner`, what the page needs before the banner's first frame
// (the critical path), and `full`, what it fetches after that frame. The race checks both on every
// page load: each banner file must have arrived before the banner was on screen, and no full file
// may have been requested before then, so the groups cannot drift from what the page does.
// The script holds the banner module's glue; the full module's glue and wasm come after the
// banner (scripts/sizes.mjs counts the same).
const OUR_FILES = {
  banner: ['mohprompt_privacy.js', 'mohprompt_privacy_banner_bg.wasm', 'privacy.css'],
  full: ['mohprompt_privacy_full.js', 'mohprompt_privacy_bg.wasm'],
};

// What each page loads of its consent library (the page's own files are not counted), by group:
// `beforeBanner` says whether the group is on the critical path.
const LIBRARIES = [
  { subject: 'mohprompt-privacy', dir: path.join(ROOT, 'pkg'), urlPrefix: '/pkg/', groups: [
    { name: 'banner', beforeBanner: true, files: OUR_FILES.banner },
    { name: 'full', beforeBanner: false, files: OUR_FILES.full },
  ] },
  { subject: `vanilla-cookieconsent ${PEER_VERSION}`, dir: PEER_DIST, urlPrefix: '/vendor/cookieconsent/', groups: [
    // cookieconsent has no later part: its one script draws the banner and handles the rest.
    { name: 'banner', beforeBanner: true, files: ['cookieconsent.esm.js', 'cookieconsent.css'] },
  ] },
];

// The two pages raced against each other, served by the same demo server. `acceptAll` is the
// banner's "accept all" button: ours is drawn by the module (data-privacy-action), the
// peer's consent modal button carries data-role="all" (cookieconsent 3's own markup; the
// preferences modal has one too, outside .cm).
const PAGES = [
  { key: 'ours', subject: 'mohprompt-privacy (demo /)', path: '/', selector: '[data-privacy-banner]',
    acceptAll: '[data-privacy-banner] [data-privacy-action="accept-all"]', library: LIBRARIES[0] },
  { key: 'peer', subject: `vanilla-cookieconsent ${PEER_VERSION}`, path: '/bench/cookieconsent.html',
    selector: '#cc-main .cm', acceptAll: '#cc-main .cm [data-role="all"]', library: LIBRARIES[1] },
];

// The demo page's own performance.measure entries (www/privacy-start.js), read after each load:
// the module's start (policy read, stored decisions applied, banner drawn) and attaching it to
// the page's form, both in their first, cold call.
const OUR_MEASURES = ['privacy: start', 'privacy: attach forms'];

// Clicking "accept all" on each page's banner until the next paint, with the CPU slowed down as
// on the throttled profiles (the network is not throttled: every file has arrived by then).
// Loads per page (--runs overrides), alternating pages as in the race, after one discarded
// warm-up load per page. The click comes once the page has loaded and its start-up is over, and
// CLICK_SETTLE_MS later (cookieconsent fades its banner in over 350 ms): the figure is what the click
// itself costs, not the click competing with start-up.
const CLICK_RUNS = 10;
const CLICK_CPU = 4;
const CLICK_SETTLE_MS = 500;

// Recording one decision (receipt built, hashed, queued, its POST started), timed in the page.
const DECISION_CALLS = 200;
const DECISION_WARMUP = 10;
// Calls are spaced so each receipt's POST can finish first, as decisions by a person are: back to
// back, every call would also retry the growing queue of receipts still in flight.
const DECISION_SPACING_MS = 25;

// Preparing one submission (minimised, masked payload and its report) of a 30-field form.
const PREPARE_FIELDS = 30;
const PREPARE_CALLS = 200;
const PREPARE_WARMUP = 10;

// Sealing one field (sealSubmission on a form whose only filled field is a sealed national ID).
const SEAL_CALLS = 200;
const SEAL_WARMUP = 10;

// Identifier throughput through the JS API in Chromium: validateThaiId + maskValue over random
// IDs, and scanText over about a megabyte of Thai and English text with identifiers in it. Each
// run goes over all the data once; the first run is a discarded warm-up.
const ID_COUNT = 100_000;
const SCAN_BYTES = 1_000_000; // UTF-8 bytes; MB/s below means 10^6 bytes of UTF-8 per second
const THROUGHPUT_RUNS = 7;

// Table order.
const MEASUREMENTS = [
  measureTransferSizes,
  measureBannerTimes,
  measureAcceptAllClick,
  measureDecisionCost,
  measurePrepareSubmission,
  measureSeal,
  measureIdentifierThroughput,
];

// Every column a row may fill, in display order; empty columns are left out of the table. A row's
// own `digits` overrides the columns' (byte counts in the median/p90/min/max columns).
const COLUMNS = [
  { key: 'measurement', title: 'measurement', align: 'left' },
  { key: 'subject', title: 'subject', align: 'left' },
  { key: 'raw', title: 'raw B', align: 'right', digits: 0 },
  { key: 'gzip', title: 'gzip -9 B', align: 'right', digits: 0 },
  { key: 'brotli', title: 'brotli -11 B', align: 'right', digits: 0 },
  { key: 'median', title: 'median', align: 'right', digits: 1 },
  { key: 'p90', title: 'p90', align: 'right', digits: 1 },
  { key: 'min', title: 'min', align: 'right', digits: 1 },
  { key: 'max', title: 'max', align: 'right', digits: 1 },
  { key: 'n', title: 'n', align: 'right', digits: 0 },
  { key: 'ratio', title: 'ours/peer', align: 'right', digits: 2 },
  { key: 'unit', title: 'unit', align: 'left' },
];

// ---------------------------------------------------------------------------------
// Measurements: each takes the shared context and returns { rows, detail? }.

/**
 * Bytes on the wire: raw, gzip level 9 (what a server with static gzip would send, and what the
 * demo server sends) and brotli quality 11 (what a CDN with static brotli would send), each file
 * by its group (banner: before the banner's first frame; full: after it), a total per group and
 * one for the library. Then our banner group against the peer's.
 */
async function measureTransferSizes() {
  const rows = [];
  const detail = {};
  const bannerTotals = {};
  for (const lib of LIBRARIES) {
    const total = { raw: 0, gzip: 0, brotli: 0 };
    for (const group of lib.groups.filter((g) => g.files.length)) {
      const groupTotal = { raw: 0, gzip: 0, brotli: 0 };
      for (const file of group.files) {
        const full = path.join(lib.dir, file);
        if (!existsSync(full)) throw new Error(`${path.relative(ROOT, full)} is missing (has the build run? is OUR_FILES the build's?)`);
        const size = compressedSizes(readFileSync(full));
        for (const key of Object.keys(total)) {
          groupTotal[key] += size[key];
          total[key] += size[key];
        }
        detail[`${lib.subject}/${file}`] = { group: group.name, ...size };
        rows.push({ measurement: 'transfer size', subject: `${lib.subject}, ${group.name}: ${file}`, ...size });
      }
      rows.push({ measurement: 'transfer size', subject: `${lib.subject}, ${group.name}: total (${whenFetched(group)})`, ...groupTotal });
      if (group.beforeBanner) bannerTotals[lib.subject] = groupTotal;
    }
    rows.push({ measurement: 'transfer size', subject: `${lib.subject}: total`, ...total });
  }
  const [ours, peer] = LIBRARIES.map((lib) => bannerTotals[lib.subject]);
  rows.push(
    { measurement: 'ours/peer, banner files', subject: 'gzip -9', ratio: ours.gzip / peer.gzip },
    { measurement: 'ours/peer, banner files', subject: 'brotli -11', ratio: ours.brotli / peer.brotli },
  );
  return { rows, detail };
}

/** Raw, gzip -9 and brotli quality 11 bytes of `bytes`. */
function compressedSizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

function whenFetched(group) {
  return group.beforeBanner ? 'critical path' : 'after the banner';
}

/** Every file of `lib`, all groups. */
function libraryFiles(lib) {
  return lib.groups.flatMap((g) => g.files);
}

/**
 * Navigation start → banner on screen and first contentful paint, under each profile of
 * ctx.profiles: each load in a fresh browser context (cold cache, no stored consent), the two
 * pages alternating and swapping order every round so neither always runs first. One discarded
 * warm-up load per page and profile first; the warm-up loads also check that the library files
 * went over the wire gzip-compressed, at the sizes of the transfer size rows.
 * The same loads give the bytes each page fetched before its banner's first frame (Resource
 * Timing, read in the page once the load is over: see resourcesBeforeBanner).
 */
async function measureBannerTimes(ctx) {
  const rows = [];
  const detail = { profiles: {}, problems: [] };
  for (const profile of ctx.profiles) {
    const result = await raceBanners(ctx, profile);
    rows.push(...result.rows);
    detail.profiles[profile.key] = result.detail;
    detail.problems.push(...result.detail.problems.map((p) => `${profile.title}: ${p}`));
  }
  return { rows, detail };
}

async function raceBanners(ctx, profile) {
  const samples = Object.fromEntries(PAGES.map((p) => [p.key, []]));
  const loaded = Object.fromEntries(PAGES.map((p) => [p.key, new Set()]));
  const problems = [];

  for (const page of PAGES) {
    const screenshot = ctx.shotsDir && profile === ctx.profiles[0] ? ctx.shotsDir : null;
    const result = await loadOnce(ctx, page, { profile, screenshot, transfers: true });
    for (const u of result.urls) loaded[page.key].add(u);
    problems.push(...result.problems.map((p) => `${page.key}: ${p}`));
    problems.push(...checkTransfers(page, result.transfers));
  }
  for (let round = 0; round < profile.runs; round++) {
    const order = round % 2 === 0 ? PAGES : [...PAGES].reverse();
    for (const page of order) {
      const result = await loadOnce(ctx, page, { profile });
      const before = result.beforeBanner;
      samples[page.key].push({
        inDom: result.attachedAt, visible: result.visibleAt, fcp: result.fcp, ...result.measures,
        bytes: before.transferSize, bodyBytes: before.encodedBodySize, requests: before.count,
      });
      for (const u of result.urls) loaded[page.key].add(u);
      problems.push(...result.problems.map((p) => `${page.key} round ${round}: ${p}`));
    }
  }

  // The size rows must describe what the pages really fetched from the library.
  for (const page of PAGES) {
    const expected = libraryFiles(page.library).map((f) => page.library.urlPrefix + f);
    const fetched = [...loaded[page.key]].filter((u) => u.startsWith(page.library.urlPrefix));
    const unexpected = fetched.filter((u) => !expected.includes(u));
    const notFetched = expected.filter((u) => !fetched.includes(u));
    if (unexpected.length) problems.push(`${page.key} also loaded ${unexpected.join(', ')} (not in the size rows)`);
    if (notFetched.length) problems.push(`${page.key} did not load ${notFetched.join(', ')}`);
  }

  const rows = [];
  const medians = {};
  for (const [field, label] of [['visible', 'banner visible'], ['fcp', 'first contentful paint'], ['inDom', 'banner in DOM']]) {
    for (const page of PAGES) {
      const summary = summarise(samples[page.key].map((s) => s[field]));
      medians[`${field}.${page.key}`] = summary.median;
      rows.push({ measurement: `${label}, ${profile.title}`, subject: page.subject, ...summary, unit: 'ms' });
    }
  }
  // Bytes fetched before the banner's first frame, headers included (transferSize) and the
  // bodies alone as sent (encodedBodySize, gzip here): the page's own files, the policy and the
  // library, every response that had ended by then.
  for (const [field, label] of [['bytes', 'bytes before banner'], ['bodyBytes', 'body bytes before banner']]) {
    for (const page of PAGES) {
      const summary = summarise(samples[page.key].map((s) => s[field]));
      medians[`${field}.${page.key}`] = summary.median;
      rows.push({ measurement: `${label}, ${profile.title}`, subject: page.subject, ...summary, unit: 'B', digits: 0 });
    }
  }
  // Our page against the peer's (below 1: ours is sooner): the ratio of the medians, and the
  // median of each round's ratio, whose two loads ran back to back, so it moves less when the
  // machine's load changes during the run.
  for (const [field, label] of [['visible', 'banner visible'], ['fcp', 'first contentful paint']]) {
    const perRound = samples.ours.map((s, round) => s[field] / samples.peer[round][field]);
    rows.push(
      { measurement: `ours/peer, ${profile.title}`, subject: `${label}, medians`, ratio: medians[`${field}.ours`] / medians[`${field}.peer`] },
      { measurement: `ours/peer, ${profile.title}`, subject: `${label}, median of rounds`, ratio: median(perRound) },
    );
  }
  rows.push({ measurement: `ours/peer, ${profile.title}`, subject: 'bytes before banner, medians', ratio: medians['bytes.ours'] / medians['bytes.peer'] });
  // Where our page's time goes: the demo's start-up marks these with performance.measure.
  for (const name of OUR_MEASURES) {
    rows.push({ measurement: `${name}, ${profile.title}`, subject: PAGES[0].subject, ...summarise(samples[PAGES[0].key].map((s) => s[name])), unit: 'ms' });
  }
  return { rows, detail: { profile, samples, loaded: mapValues(loaded, (s) => [...s].sort()), problems } };
}

/**
 * Problems when a library file of `page` did not come gzip-compressed at the size the transfer
 * size rows give it (gzip -9 of the file): then those rows would not describe the race.
 */
function checkTransfers(page, transfers) {
  const problems = [];
  for (const file of libraryFiles(page.library)) {
    const url = page.library.urlPrefix + file;
    const seen = transfers.get(url);
    if (!seen) continue; // reported as not loaded
    const expected = gzipSync(readFileSync(path.join(page.library.dir, file)), { level: 9 }).length;
    if (seen.encoding !== 'gzip' || seen.bodySize !== expected) {
      problems.push(`${url} came ${seen.encoding ?? 'uncompressed'}, ${seen.bodySize} B on the wire, not gzip ${expected} B as the size rows say`);
    }
  }
  return problems;
}

/**
 * Click on "accept all" to the next paint, on both pages, CPU throttled CLICK_CPU times (no network
 * throttling): each load in a fresh context, one discarded warm-up load per page (which also
 * checks the selectors), then ctx.runs ?? CLICK_RUNS loads per page, alternating and swapping
 * order every round as in the race. The click is Playwright's (locator.click(): real input
 * events through the DevTools protocol, trusted, the mouse moved over the button first).
 *
 * Two figures per load, both from the page (clickProbe):
 *  - next paint: the Event Timing duration of the click's interaction (the longest of its
 *    pointerdown, pointerup and click entries, as INP counts it): from the input's hardware
 *    timestamp to the next paint after the handlers ran. The API reports only events of at least
 *    16 ms (durationThreshold's floor), so a faster click leaves no entry and no sample: then the
 *    row's n is below the loads'.
 *  - next frame: from the click event's timeStamp to a task posted in the next animation frame
 *    (requestAnimationFrame + MessageChannel), i.e. the handlers, style, layout and paint of that
 *    frame, without the compositor's presentation; there in every load, the fallback row. Tasks
 *    the handlers queued (a receipt's POST, storage) run before that message, so where a click
 *    leaves work behind this reads higher than Event Timing, which stops at the paint.
 * Each sample keeps its interaction's entries (input delay: processingStart - startTime;
 * handlers: processingEnd - processingStart) in bench.json.
 */
async function measureAcceptAllClick(ctx) {
  const runs = ctx.runs ?? CLICK_RUNS;
  const samples = Object.fromEntries(PAGES.map((p) => [p.key, []]));
  const problems = [];
  for (const page of PAGES) {
    const result = await clickOnce(ctx, page);
    problems.push(...result.problems.map((p) => `${page.key} warm-up: ${p}`));
  }
  for (let round = 0; round < runs; round++) {
    const order = round % 2 === 0 ? PAGES : [...PAGES].reverse();
    for (const page of order) {
      const result = await clickOnce(ctx, page);
      samples[page.key].push(result.sample);
      problems.push(...result.problems.map((p) => `${page.key} round ${round}: ${p}`));
    }
  }

  const rows = [];
  const medians = {};
  const title = `${CLICK_CPU}x CPU`;
  for (const [field, label, what] of [['paint', 'accept all → next paint', 'Event Timing (INP)'], ['frame', 'accept all → next frame', 'rAF fallback']]) {
    for (const page of PAGES) {
      const values = samples[page.key].map((s) => s[field]).filter((v) => v != null);
      if (!values.length) {
        rows.push({ measurement: `${label}, ${title}`, subject: `${page.subject}, ${what}: no entry (each under 16 ms)`, n: 0 });
        continue;
      }
      const summary = summarise(values);
      medians[`${field}.${page.key}`] = summary.median;
      rows.push({ measurement: `${label}, ${title}`, subject: `${page.subject}, ${what}`, ...summary, unit: 'ms' });
    }
  }
  for (const [field, label] of [['paint', 'next paint'], ['frame', 'next frame']]) {
    const [ours, peer] = [medians[`${field}.ours`], medians[`${field}.peer`]];
    if (ours != null && peer != null) rows.push({ measurement: `ours/peer, accept all, ${title}`, subject: `${label}, medians`, ratio: ours / peer });
  }
  return { rows, detail: { runs, cpu: CLICK_CPU, settleMs: CLICK_SETTLE_MS, samples, problems } };
}

/** One load of `page` with the CPU throttled, then a click on its accept-all button. */
async function clickOnce(ctx, page) {
  const context = await ctx.browser.newContext({ viewport: VIEWPORT, serviceWorkers: 'block' });
  const problems = [];
  try {
    const tab = await context.newPage();
    await throttle(context, tab, { cpu: CLICK_CPU });
    tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    tab.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    await tab.addInitScript(bannerProbe, page.selector);
    await tab.addInitScript(clickProbe);
    await tab.goto(ctx.url + page.path, { waitUntil: 'load' });
    const visible = await tab.evaluate((timeout) => Promise.race([
      window.__benchVisible,
      new Promise((resolve) => setTimeout(resolve, timeout)),
    ]).then(() => window.__bench.visibleAt != null), BANNER_TIMEOUT_MS);
    if (!visible) throw new Error(`${page.path}: banner ${page.selector} not visible within ${BANNER_TIMEOUT_MS} ms (problems: ${JSON.stringify(problems)})`);
    if (page.key === 'ours') await tab.waitForFunction(() => window.privacy, null, { timeout: BANNER_TIMEOUT_MS });
    await tab.waitForTimeout(CLICK_SETTLE_MS);

    await tab.locator(page.acceptAll).click({ timeout: BANNER_TIMEOUT_MS });
    // The frame after the click, then the event entries: they are queued once that frame has
    // been presented. An interaction under 16 ms never gets one, so wait a bounded time.
    const state = await tab.evaluate(async (timeout) => {
      const click = window.__benchClick;
      await Promise.race([window.__benchClickFramed, new Promise((resolve) => setTimeout(resolve, timeout))]);
      for (const until = performance.now() + 1_000; performance.now() < until;) {
        if (click.firstInput && click.events.some((e) => e.name === 'click')) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return click;
    }, 5_000);
    if (!state.supported) problems.push('Event Timing (PerformanceObserver type "event") is not supported');
    if (state.clickAt == null) problems.push(`no trusted click reached the page at ${page.acceptAll}`);
    else if (state.frameAt == null) problems.push('no animation frame after the click within 5 s');
    // The first input is reported whatever its duration: without it, the API saw no input at all.
    if (!state.firstInput) problems.push('no first-input entry after the click (Event Timing saw no input)');
    // The click must have done what it is for: the banner goes away.
    try {
      await tab.locator(page.selector).waitFor({ state: 'hidden', timeout: 5_000 });
    } catch {
      problems.push(`banner ${page.selector} still on screen 5 s after the click on ${page.acceptAll}`);
    }

    // The click's interaction: the entries that share its interactionId (pointerdown, pointerup,
    // click); INP counts the longest.
    const anchor = state.events.find((e) => e.name === 'click' && e.interactionId)
      ?? state.events.find((e) => e.name === 'pointerup' && e.interactionId)
      ?? state.events.find((e) => e.interactionId);
    const interaction = anchor ? state.events.filter((e) => e.interactionId === anchor.interactionId) : [];
    const paint = interaction.length ? Math.max(...interaction.map((e) => e.duration)) : null;
    const frame = state.clickAt != null && state.frameAt != null ? state.frameAt - state.clickAt : null;
    return { sample: { paint, frame, events: interaction, firstInput: state.firstInput }, problems };
  } finally {
    await context.close();
  }
}

/**
 * Runs in the page before any of its scripts (page.addInitScript), next to bannerProbe: the
 * Event Timing entries of the page (type 'event', durationThreshold 16, buffered; and the
 * 'first-input' entry, reported whatever its duration) and, for the first trusted click, its
 * timeStamp and the time of a task posted from the next animation frame, which runs after that
 * frame's rendering. The listener is on window in the capture phase, so it runs before the
 * page's own handlers and its requestAnimationFrame is the frame that paints their result.
 */
function clickProbe() {
  const state = { supported: false, events: [], firstInput: null, clickAt: null, frameAt: null };
  window.__benchClick = state;
  let announceFrame;
  window.__benchClickFramed = new Promise((resolve) => { announceFrame = resolve; });
  const plain = (e) => ({
    name: e.name, startTime: e.startTime, duration: e.duration, processingStart: e.processingStart,
    processingEnd: e.processingEnd, interactionId: e.interactionId,
  });
  state.supported = PerformanceObserver.supportedEntryTypes?.includes('event') ?? false;
  if (state.supported) {
    new PerformanceObserver((list) => { state.events.push(...list.getEntries().map(plain)); })
      .observe({ type: 'event', durationThreshold: 16, buffered: true });
    new PerformanceObserver((list) => { state.firstInput ??= plain(list.getEntries()[0]); })
      .observe({ type: 'first-input', buffered: true });
  }
  window.addEventListener('click', (e) => {
    if (!e.isTrusted || state.clickAt != null) return;
    state.clickAt = e.timeStamp;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        state.frameAt = performance.now();
        announceFrame();
      };
      channel.port2.postMessage(null);
    });
  }, { capture: true });
}

/**
 * The cost of recording one decision in Chromium: performance.now() around
 * privacy.set('news', i % 2 === 0) inside the demo page, after a few discarded warm-up calls.
 * Also the size of the newest receipt, as the page POSTed it (raw and gzip -9).
 */
async function measureDecisionCost(ctx) {
  const receiptBodies = [];
  const { context, tab, problems } = await openDemoPage(ctx, async (page) => {
    page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/consent-receipts') receiptBodies.push(r.postData()); });
  });
  try {
    const resolution = await tab.evaluate(timerResolution);
    const result = await tab.evaluate(async ({ calls, warmup, spacing }) => {
      if (typeof window.privacy.receipts !== 'function') throw new Error('privacy.receipts() is missing (old pkg/?)');
      const pause = () => new Promise((resolve) => setTimeout(resolve, spacing));
      const micros = [];
      const before = window.privacy.receipts().length;
      for (let i = 0; i < warmup + calls; i++) {
        const t0 = performance.now();
        window.privacy.set('news', i % 2 === 0);
        const t1 = performance.now();
        if (i >= warmup) micros.push((t1 - t0) * 1000);
        await pause();
      }
      const receipts = window.privacy.receipts();
      return {
        micros,
        recorded: Math.min(receipts.length, before + warmup + calls) - before,
        newest: JSON.stringify(receipts.at(-1) ?? null),
      };
    }, { calls: DECISION_CALLS, warmup: DECISION_WARMUP, spacing: DECISION_SPACING_MS });
    if (result.recorded < Math.min(DECISION_CALLS, 100)) {
      problems.push(`only ${result.recorded} receipts were recorded for ${DECISION_WARMUP + DECISION_CALLS} decisions`);
    }
    // The bytes as sent when the newest receipt was POSTed; what receipts() returns otherwise.
    const newestId = JSON.parse(result.newest)?.receipt_id;
    const posted = receiptBodies.findLast((b) => newestId && b?.includes(newestId));
    const body = Buffer.from(posted ?? result.newest, 'utf8');
    const size = { raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
    const rows = [
      { measurement: 'record decision', subject: "privacy.set('news', …) in Chromium", ...summarise(result.micros), unit: 'µs' },
      { measurement: 'receipt size', subject: posted ? 'newest receipt, as POSTed (JSON)' : 'newest receipt, receipts() (JSON)', ...size },
    ];
    return {
      rows,
      detail: { micros: result.micros, resolutionMicros: resolution * 1000, receipt: result.newest, size, problems },
    };
  } finally {
    await context.close();
  }
}

/**
 * The 30-field form of measurePrepareSubmission: every kind and operator of the demo's form, three
 * times over (keep, mask of each identifier and contact channel, redact, drop), half of them
 * required, the contact channels resting on the `contact` purpose. Each entry carries the value
 * typed into it.
 */
function benchFormFields() {
  const why = { th: 'ใช้ทดสอบความเร็ว', en: 'Used to measure speed.' };
  const templates = [
    { kind: 'given_name', operator: 'keep', purposes: ['service'], value: 'Kanyarat' },
    { kind: 'family_name', operator: 'keep', purposes: ['service'], value: 'Srisawat' },
    { kind: 'date_of_birth', operator: 'keep', purposes: ['service'], value: '1990-02-14', type: 'date' },
    { kind: 'national_id', operator: 'mask', purposes: ['service'], value: '1234545678781' },
    { kind: 'passport', operator: 'mask', purposes: ['service'], value: 'AB1234567' },
    { kind: 'phone', operator: 'mask', purposes: ['contact'], value: '081-234-5678', type: 'tel' },
    { kind: 'email', operator: 'mask', purposes: ['contact'], value: 'somchai@example.com', type: 'email' },
    { kind: 'address', operator: 'keep', purposes: ['service'], value: '12/3 ถนนพหลโยธิน แขวงสามเสนใน เขตพญาไท กรุงเทพฯ 10400' },
    { kind: 'national_id', operator: 'redact', purposes: ['service'], value: '3100600445635' },
    { kind: 'free_text', operator: 'drop', purposes: ['service'], value: 'โปรดโทรหลังบ่ายโมง', tag: 'textarea' },
  ];
  const fields = [];
  for (let i = 0; fields.length < PREPARE_FIELDS; i++) {
    const t = templates[i % templates.length];
    const name = `f${String(i + 1).padStart(2, '0')}_${t.kind}`;
    fields.push({
      declaration: {
        name, kind: t.kind, class: i % 2 === 0 ? 'required' : 'optional', purposes: t.purposes, why, operator: t.operator,
      },
      value: t.value,
      type: t.type ?? 'text',
      tag: t.tag ?? 'input',
    });
  }
  return fields;
}

/**
 * Serves the demo page of `tab` with COOP/COEP added, so it is cross-origin isolated and
 * performance.now() resolves to a few µs instead of 100.
 */
async function crossOriginIsolate(tab) {
  await tab.route((url) => url.pathname === '/', async (route) => {
    const response = await route.fetch();
    await route.fulfill({
      response,
      headers: { ...response.headers(), 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
    });
  });
}

/**
 * The cost of privacy.prepareSubmission(form) on a 30-field form in Chromium: the demo page is
 * served with the policy plus a form entry `bench30` (30 declared fields, routed /policy.json),
 * the form is built in the page, attached and filled, `contact` is granted so every mask runs,
 * and each call is timed alone with performance.now(). The page is made cross-origin isolated
 * (COOP/COEP added to its response) so the timer resolves to a few µs instead of 100.
 */
async function measurePrepareSubmission(ctx) {
  const fields = benchFormFields();
  const policy = readJson(path.join(ROOT, 'policy/mohprompt.json'));
  policy.forms = { ...policy.forms, bench30: { purposes: ['service', 'contact'], fields: fields.map((f) => f.declaration) } };
  const { context, tab, problems } = await openDemoPage(ctx, async (page) => {
    await page.route((url) => url.pathname === '/policy.json', (route) => route.fulfill({ json: policy }));
    await crossOriginIsolate(page);
  });
  try {
    const resolution = await tab.evaluate(timerResolution);
    const result = await tab.evaluate(({ specs, calls, warmup }) => {
      if (typeof window.privacy.prepareSubmission !== 'function') throw new Error('privacy.prepareSubmission() is missing (old pkg/?)');
      const form = document.createElement('form');
      form.setAttribute('data-privacy-form', 'bench30');
      form.action = '/api/register';
      form.method = 'post';
      specs.forEach((spec, i) => {
        const label = document.createElement('label');
        label.htmlFor = `bench-${i}`;
        label.textContent = spec.declaration.name;
        const control = document.createElement(spec.tag);
        control.id = `bench-${i}`;
        control.name = spec.declaration.name;
        if (spec.tag === 'input') control.type = spec.type;
        const wrap = document.createElement('div');
        wrap.append(label, control);
        form.append(wrap);
      });
      const slot = document.createElement('div');
      slot.setAttribute('data-privacy-consent-slot', '');
      const submit = document.createElement('button');
      submit.type = 'submit';
      submit.disabled = true;
      submit.setAttribute('data-privacy-submit', '');
      submit.textContent = 'Send';
      form.append(slot, submit);
      document.querySelector('main').append(form);
      window.privacy.attachForm(form);
      specs.forEach((spec) => { form.elements.namedItem(spec.declaration.name).value = spec.value; });
      window.privacy.set('contact', true);

      const micros = [];
      let last = null;
      for (let i = 0; i < warmup + calls; i++) {
        const t0 = performance.now();
        last = window.privacy.prepareSubmission(form);
        const t1 = performance.now();
        if (i >= warmup) micros.push((t1 - t0) * 1000);
      }
      return {
        micros,
        isolated: window.crossOriginIsolated,
        payloadKeys: Object.keys(last?.payload ?? {}).length,
        reportFields: last?.report?.fields?.length ?? null,
        undeclared: last?.report?.undeclared ?? null,
      };
    }, { specs: fields, calls: PREPARE_CALLS, warmup: PREPARE_WARMUP });

    // The figure must describe a real preparation: every field reported, all but the dropped sent.
    const expectedKeys = fields.filter((f) => f.declaration.operator !== 'drop').length;
    if (result.reportFields !== PREPARE_FIELDS) problems.push(`prepareSubmission reported ${result.reportFields} fields, not ${PREPARE_FIELDS}`);
    if (result.payloadKeys !== expectedKeys) problems.push(`prepareSubmission prepared ${result.payloadKeys} values, not ${expectedKeys}`);
    if (result.undeclared !== 0) problems.push(`prepareSubmission counted ${result.undeclared} undeclared controls in the bench form`);
    if (!result.isolated) problems.push('the prepareSubmission page was not cross-origin isolated (coarse timer)');
    return {
      rows: [{ measurement: 'prepareSubmission', subject: `${PREPARE_FIELDS}-field form in Chromium`, ...summarise(result.micros), unit: 'µs' }],
      detail: { ...result, resolutionMicros: resolution * 1000, fields: fields.map((f) => f.declaration), problems },
    };
  } finally {
    await context.close();
  }
}

/**
 * The cost of sealing one field in Chromium: privacy.sealSubmission(form) on the demo's register
 * form with only the national ID filled (so exactly one field is sealed: HPKE with a fresh P-256
 * key, HKDF, AES-128-GCM, all on WebCrypto), awaited call by call, in the demo page made
 * cross-origin isolated. Also the bytes of the WebCrypto half (src/web/seal.js) as it is bundled:
 * minified the way scripts/build.sh minifies the glue.
 */
async function measureSeal(ctx) {
  const { context, tab, problems } = await openDemoPage(ctx, crossOriginIsolate);
  try {
    const result = await tab.evaluate(async ({ calls, warmup }) => {
      const form = document.querySelector('form[data-privacy-form="register"]');
      form.elements.namedItem('national_id').value = '1234545678781';
      const millis = [];
      let last = null;
      for (let i = 0; i < warmup + calls; i++) {
        const t0 = performance.now();
        last = await window.privacy.sealSubmission(form);
        const t1 = performance.now();
        if (i >= warmup) millis.push(t1 - t0);
      }
      const sealed = last.report.fields.filter((f) => f.operator === 'seal' && f.action === 'sent').length;
      return { millis, sealed, value: last.payload.national_id, isolated: window.crossOriginIsolated };
    }, { calls: SEAL_CALLS, warmup: SEAL_WARMUP });
    if (result.sealed !== 1) problems.push(`sealSubmission sealed ${result.sealed} fields, not 1`);
    if (!/^hpke1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{87}\.[A-Za-z0-9_-]+$/.test(result.value ?? '')) {
      problems.push('sealSubmission did not return a sealed national ID');
    }
    if (!result.isolated) problems.push('the sealing page was not cross-origin isolated (coarse timer)');

    const { minify } = await import('terser');
    const source = readFileSync(path.join(ROOT, 'src/web/seal.js'), 'utf8');
    const { code } = await minify(source, { module: true, compress: { passes: 2 }, mangle: true });
    const bytes = Buffer.from(code);
    const size = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    return {
      rows: [
        { measurement: 'seal one field', subject: 'sealSubmission, 1 sealed field, Chromium', ...summarise(result.millis), unit: 'ms' },
        { measurement: 'transfer size', subject: 'of which sealing on WebCrypto (seal.js, minified)', ...size },
      ],
      detail: { ...result, sealJs: size, problems },
    };
  } finally {
    await context.close();
  }
}

/**
 * How fast the identifier engine runs in Chromium through the JS API (the glue's string passing
 * included): national IDs validated and masked per second (validateThaiId, then
 * maskValue('national_id', …) for each of ID_COUNT random valid IDs), and scanText throughput in
 * MB/s over a text of about SCAN_BYTES with identifiers planted in it. The data is made in the
 * page before timing; each run is timed whole with performance.now().
 */
async function measureIdentifierThroughput(ctx) {
  const { context, tab, problems } = await openDemoPage(ctx);
  try {
    const result = await tab.evaluate(async ({ idCount, scanBytes, runs }) => {
      const m = await import('/pkg/mohprompt_privacy.js');
      for (const name of ['validateThaiId', 'maskValue', 'scanText']) {
        if (typeof m[name] !== 'function') throw new Error(`${name} is not exported (old pkg/?)`);
      }
      // A fixed seed, so every run of the bench measures the same data.
      let seed = 20261123;
      const random = () => {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        return seed / 4294967296;
      };
      const digits = (n) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
      const nationalId = () => {
        const first12 = String(1 + Math.floor(random() * 8)) + digits(11);
        let sum = 0;
        for (let i = 0; i < 12; i += 1) sum += Number(first12[i]) * (13 - i);
        return first12 + ((11 - (sum % 11)) % 10);
      };
      const thai = (text) => text.replace(/[0-9]/g, (d) => '๐๑๒๓๔๕๖๗๘๙'[Number(d)]);

      // validateThaiId + maskValue.
      const ids = Array.from({ length: idCount }, nationalId);
      const idRates = [];
      let valid = 0;
      let lastMask = null;
      for (let run = 0; run <= runs; run += 1) {
        valid = 0;
        const t0 = performance.now();
        for (const id of ids) {
          if (m.validateThaiId(id)) {
            valid += 1;
            lastMask = m.maskValue('national_id', id);
          }
        }
        const t1 = performance.now();
        if (run > 0) idRates.push(idCount / ((t1 - t0) / 1000));
      }

      // scanText over Thai and English text with identifiers in it.
      const pieces = [];
      let planted = 0;
      let bytes = 0;
      const encoder = new TextEncoder();
      const sentences = [
        () => `ผู้ป่วยแจ้งว่ามีไข้ตั้งแต่วันที่ 2024-01-31 เลขประจำตัว ${nationalId()} ขอเลื่อนนัดเป็นสัปดาห์หน้า `,
        // Mobiles of libphonenumber's Thai metadata: 08x, 09x, 061 to 066 (067x only in part, 069 none).
        () => `Please call me on ${['08' + digits(1), '09' + digits(1), '06' + (1 + Math.floor(random() * 6))][Math.floor(random() * 3)]}-${digits(3)}-${digits(4)} after 1 pm; I paid 1,250.00 THB. `,
        () => `ค่าบริการ 1,250.00 บาท ชำระแล้วเมื่อ 31/01/2567 ใบเสร็จเลขที่ ${digits(8)} ขอบคุณค่ะ `,
        () => `Passport ${String.fromCharCode(65 + Math.floor(random() * 26))}${String.fromCharCode(65 + Math.floor(random() * 26))}${digits(7)}, e-mail p${digits(4)}@example.com. `,
        () => `เลขบัตรของลูก ${thai(nationalId())} และเบอร์บ้าน 02-${digits(3)}-${digits(4)} `,
        () => 'The vaccination record was updated at the district hospital; no further action is needed. ',
      ];
      const identifiersIn = [1, 1, 0, 2, 2, 0];
      for (let i = 0; bytes < scanBytes; i += 1) {
        const piece = sentences[i % sentences.length]();
        pieces.push(piece);
        planted += identifiersIn[i % sentences.length];
        bytes += encoder.encode(piece).length;
      }
      const text = pieces.join('');
      const scanRates = [];
      let findings = 0;
      for (let run = 0; run <= runs; run += 1) {
        const t0 = performance.now();
        const scanned = m.scanText(text);
        const t1 = performance.now();
        findings = scanned.findings.length;
        if (run > 0) scanRates.push(bytes / 1e6 / ((t1 - t0) / 1000));
      }
      return { idRates, valid, lastMask, scanRates, bytes, utf16Length: text.length, planted, findings };
    }, { idCount: ID_COUNT, scanBytes: SCAN_BYTES, runs: THROUGHPUT_RUNS });

    // The figures must describe real work: every ID valid and masked, every identifier found.
    if (result.valid !== ID_COUNT) problems.push(`validateThaiId accepted ${result.valid} of ${ID_COUNT} valid IDs`);
    if (!/^x-xxxx-xxxxx-\d\d-\d$/.test(result.lastMask ?? '')) problems.push(`maskValue('national_id', …) gave ${JSON.stringify(result.lastMask)}`);
    if (result.findings !== result.planted) problems.push(`scanText found ${result.findings} of ${result.planted} planted identifiers`);
    const rate = (values) => {
      const { p90, ...stats } = summarise(values); // a p90 of a rate would read as "nearly best"
      return stats;
    };
    return {
      rows: [
        { measurement: 'validate+mask national ID (browser)', subject: `validateThaiId + maskValue, ${ID_COUNT.toLocaleString('en-US')} random IDs`, ...rate(result.idRates), unit: 'IDs/s' },
        { measurement: 'scanText (browser)', subject: `${(result.bytes / 1e6).toFixed(2)} MB Thai/English text, ${result.planted.toLocaleString('en-US')} identifiers`, ...rate(result.scanRates), unit: 'MB/s' },
      ],
      detail: { ...result, problems },
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------
// The demo page, for the measurements that run in it.

/**
 * A fresh context with the demo page loaded and the module started. `prepare(tab)` runs before
 * the page is loaded (routes, headers, listeners). Page errors and console errors are collected
 * in `problems`. The caller closes `context`.
 */
async function openDemoPage(ctx, prepare = async () => {}) {
  const context = await ctx.browser.newContext({ viewport: VIEWPORT, serviceWorkers: 'block' });
  const problems = [];
  try {
    const tab = await context.newPage();
    tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    tab.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    await prepare(tab);
    await tab.goto(`${ctx.url}/`, { waitUntil: 'load' });
    await tab.waitForFunction(() => window.privacy !== undefined, null, { timeout: BANNER_TIMEOUT_MS });
    return { context, tab, problems };
  } catch (err) {
    await context.close();
    throw err;
  }
}

/**
 * Runs in the page: the smallest step of performance.now() seen, in ms. It limits what a single
 * timed call can show, so it is printed with the figures.
 */
function timerResolution() {
  let resolution = Infinity;
  for (let i = 0, last = performance.now(); i < 100_000 && resolution === Infinity; i++) {
    const now = performance.now();
    if (now !== last) resolution = now - last;
    last = now;
  }
  return resolution;
}

// ---------------------------------------------------------------------------------
// One page load.

async function loadOnce(ctx, page, { profile, screenshot, transfers: checkTransfer }) {
  const context = await ctx.browser.newContext({ viewport: VIEWPORT, serviceWorkers: 'block' });
  const problems = [];
  const urls = new Set();
  const transfers = new Map();
  const reading = [];
  try {
    const tab = await context.newPage();
    await throttle(context, tab, profile);
    if (checkTransfer) {
      // Bytes of each response body as received (after Content-Encoding, before decoding).
      tab.on('requestfinished', (r) => reading.push((async () => {
        const [sizes, response] = await Promise.all([r.sizes(), r.response()]);
        transfers.set(new URL(r.url()).pathname, { bodySize: sizes.responseBodySize, encoding: response?.headers()['content-encoding'] });
      })()));
    }
    tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    tab.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    tab.on('requestfinished', (r) => urls.add(new URL(r.url()).pathname));
    tab.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    await tab.addInitScript(bannerProbe, page.selector);
    await tab.goto(ctx.url + page.path, { waitUntil: 'load' });
    // Resolves in the page when the probe sees the banner; no polling from outside.
    const state = await tab.evaluate((timeout) => Promise.race([
      window.__benchVisible,
      new Promise((resolve) => setTimeout(resolve, timeout)),
    ]).then(() => window.__bench), BANNER_TIMEOUT_MS);
    if (state.visibleAt == null) {
      throw new Error(`${page.path}: banner ${page.selector} not visible within ${BANNER_TIMEOUT_MS} ms `
        + `(in DOM: ${state.attachedAt != null}; CSP violations: ${JSON.stringify(state.cspViolations)}; `
        + `problems: ${JSON.stringify(problems)})`);
    }
    for (const v of state.cspViolations) problems.push(`CSP violation: ${v}`);
    // The banner is a contentful paint itself, so the first one has happened by now; its entry
    // may be queued still.
    const fcp = await tab.evaluate((timeout) => Promise.race([
      window.__benchPainted,
      new Promise((resolve) => setTimeout(resolve, timeout)),
    ]).then(() => window.__bench.fcp), 2_000);
    if (fcp == null) problems.push('no first-contentful-paint entry');
    const measures = {};
    if (page.key === 'ours') {
      await tab.waitForFunction(() => window.privacy, null, { timeout: BANNER_TIMEOUT_MS });
      for (const name of OUR_MEASURES) {
        measures[name] = await tab.evaluate((n) => performance.getEntriesByName(n, 'measure')[0]?.duration, name);
        if (measures[name] == null) problems.push(`no performance measure '${name}'`);
      }
    }
    // Read once the start-up is over, not in between, so reading does not compete with it for
    // the (throttled) main thread; what ended after the banner's frame is told by responseEnd.
    const beforeBanner = await tab.evaluate(resourcesBeforeBanner, { visibleAt: state.visibleAt, urlPrefix: page.library.urlPrefix });
    problems.push(...checkGroups(page, beforeBanner.library, state.visibleAt));
    // Same origin, fresh context, no route: every response's bytes are visible to the page, so a
    // transferSize of 0 means the figure missed bytes (a cache, a service worker, a route).
    for (const u of beforeBanner.unseen) problems.push(`${u}: Resource Timing transferSize 0 (bytes not counted)`);
    if (checkTransfer) {
      // The full module's files come after the banner, possibly after the load event: wait for
      // them here (this warm-up load is not timed) so the check of what the pages fetched sees
      // every library file.
      const expected = libraryFiles(page.library).map((f) => page.library.urlPrefix + f);
      const deadline = Date.now() + BANNER_TIMEOUT_MS;
      while (expected.some((u) => !urls.has(u)) && Date.now() < deadline) await tab.waitForTimeout(50);
    }
    if (screenshot) {
      // Let entrance transitions finish so the picture shows the settled banner.
      await tab.waitForTimeout(800);
      mkdirSync(screenshot, { recursive: true });
      await tab.screenshot({ path: path.join(screenshot, `${page.key}.png`) });
    }
    await Promise.all(reading);
    return { attachedAt: state.attachedAt, visibleAt: state.visibleAt, fcp, measures, beforeBanner, urls, transfers, problems };
  } finally {
    await context.close();
  }
}

/**
 * Runs in the page: what it had fetched by `visibleAt` (the banner's first frame), from Resource
 * Timing: the navigation entry and every resource entry whose responseEnd is at or before it,
 * summed (transferSize: headers and body as received; encodedBodySize: the body alone, still
 * compressed). A request still in flight at visibleAt ends later, so its entry, if it is there
 * yet, has a later responseEnd and is left out. The demo server serves every file itself (no
 * page.route in the race), same-origin, so the sizes need no Timing-Allow-Origin.
 * Also, for each library file (under `urlPrefix`), when its first request started and ended.
 */
function resourcesBeforeBanner({ visibleAt, urlPrefix }) {
  const result = { transferSize: 0, encodedBodySize: 0, count: 0, unseen: [], library: {} };
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  for (const entry of entries) {
    const { pathname } = new URL(entry.name);
    if (pathname.startsWith(urlPrefix)) {
      const file = result.library[pathname] ??= { startTime: Infinity, responseEnd: Infinity };
      file.startTime = Math.min(file.startTime, entry.startTime);
      file.responseEnd = Math.min(file.responseEnd, entry.responseEnd);
    }
    if (!(entry.responseEnd > 0 && entry.responseEnd <= visibleAt)) continue;
    result.transferSize += entry.transferSize;
    result.encodedBodySize += entry.encodedBodySize;
    result.count += 1;
    if (entry.transferSize === 0) result.unseen.push(pathname);
  }
  return result;
}

/**
 * Problems when the library's groups do not match the load: a banner file that had not arrived
 * by the banner's first frame, or a file of a later group requested before it. Then the group
 * totals of the transfer size rows would not describe the critical path.
 */
function checkGroups(page, library, visibleAt) {
  const problems = [];
  const ms = (t) => `${Math.round(t)} ms`;
  for (const group of page.library.groups) {
    for (const file of group.files) {
      const url = page.library.urlPrefix + file;
      const seen = library[url];
      if (group.beforeBanner && !(seen?.responseEnd <= visibleAt)) {
        problems.push(`${url} is in the ${group.name} group (critical path) but arrived ${seen ? `at ${ms(seen.responseEnd)}` : 'later'}, after the banner's first frame at ${ms(visibleAt)}`);
      }
      if (!group.beforeBanner && seen?.startTime < visibleAt) {
        problems.push(`${url} is in the ${group.name} group (after the banner) but was requested at ${ms(seen.startTime)}, before the banner's first frame at ${ms(visibleAt)}`);
      }
    }
  }
  return problems;
}

/** Applies `profile`'s CPU and network throttling to `tab` (before it navigates). */
async function throttle(context, tab, profile) {
  if (!profile.cpu && !profile.network) return;
  const cdp = await context.newCDPSession(tab);
  if (profile.network) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...profile.network });
  }
  if (profile.cpu) await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
}

/**
 * Runs in the page before any of its scripts (page.addInitScript). Records, with
 * performance.now() (relative to navigation start):
 *  - attachedAt: when the banner element first exists (MutationObserver, exact);
 *  - visibleAt: the first animation frame in which it has a non-empty box, is not
 *    display:none / visibility:hidden and has non-zero opacity up its ancestor chain.
 * visibleAt is sampled only in requestAnimationFrame callbacks, so both pages are timed
 * to the frame in which the banner can first be painted. That matters for
 * cookieconsent: it inserts .cm hidden (opacity 0, visibility hidden), adds .cc--anim
 * 100 ms later and then fades in over 250 ms; we count the first frame of that fade in
 * which it is visible at all, not the end of the fade.
 *  - fcp: the start time of the page's first-contentful-paint entry.
 */
function bannerProbe(selector) {
  const state = { selector, attachedAt: null, visibleAt: null, fcp: null, cspViolations: [] };
  window.__bench = state;
  let announceVisible;
  window.__benchVisible = new Promise((resolve) => { announceVisible = resolve; });
  let announcePainted;
  window.__benchPainted = new Promise((resolve) => { announcePainted = resolve; });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntriesByName('first-contentful-paint')) {
      state.fcp = entry.startTime;
      announcePainted();
    }
  }).observe({ type: 'paint', buffered: true });
  document.addEventListener('securitypolicyviolation', (e) => {
    state.cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'}`);
  });
  const isOnScreen = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width <= 0 || box.height <= 0) return false;
    if (getComputedStyle(el).visibility !== 'visible') return false;
    for (let node = el; node instanceof Element; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || Number(style.opacity) === 0) return false;
    }
    return true;
  };
  const noteAttached = () => {
    if (state.attachedAt == null && document.querySelector(selector)) state.attachedAt = performance.now();
    return state.attachedAt != null;
  };
  const observer = new MutationObserver(() => { if (noteAttached()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
  const onFrame = () => {
    noteAttached();
    const el = document.querySelector(selector);
    if (el && isOnScreen(el)) {
      state.visibleAt = performance.now();
      observer.disconnect();
      announceVisible();
      return;
    }
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
}

// ---------------------------------------------------------------------------------
// Statistics and output.

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarise(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const p90 = sorted[Math.max(0, Math.ceil(0.9 * n) - 1)]; // nearest rank
  const round = (x) => Math.round(x * 10) / 10;
  return { median: round(median(sorted)), p90: round(p90), min: round(sorted[0]), max: round(sorted[n - 1]), n };
}

function formatCell(value, column) {
  if (value == null) return '';
  if (typeof value === 'number') {
    const digits = column.digits ?? 0;
    return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  return String(value);
}

function renderTable(header, rows) {
  const columns = COLUMNS.filter((c) => rows.some((r) => r[c.key] != null));
  const cells = rows.map((r) => columns.map((c) => formatCell(r[c.key], r.digits != null ? { ...c, digits: r.digits } : c)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i].length)));
  const line = (values) => values.map((v, i) => (columns[i].align === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const body = [];
  let previous = null;
  rows.forEach((row, i) => {
    if (previous != null && row.measurement !== previous) body.push(rule);
    previous = row.measurement;
    body.push(line(cells[i]));
  });
  return [...header, '', line(columns.map((c) => c.title)), rule, ...body].join('\n');
}

function machine(browserVersion) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    chromium: browserVersion,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    // Timings from a busy machine are not comparable: say how busy it was.
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

// ---------------------------------------------------------------------------------
// Setup.

function parseArgs(argv) {
  const args = { runs: null, profiles: PROFILES, shots: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else if (argv[i] === '--profiles') {
      const keys = String(argv[++i]).split(',');
      const unknown = keys.filter((k) => !PROFILES.some((p) => p.key === k));
      if (unknown.length) throw new Error(`unknown profile ${unknown.join(', ')} (profiles: ${PROFILES.map((p) => p.key).join(', ')})`);
      args.profiles = PROFILES.filter((p) => keys.includes(p.key));
    }
    else if (argv[i] === '--shots') args.shots = true;
    // Some measurements alone, by their functions' names (e.g. measureIdentifierThroughput).
    else if (argv[i] === '--only') {
      args.only = String(argv[++i]).split(',');
      const unknown = args.only.filter((name) => !MEASUREMENTS.some((m) => m.name === name));
      if (unknown.length) throw new Error(`unknown measurement ${unknown.join(', ')} (measurements: ${MEASUREMENTS.map((m) => m.name).join(', ')})`);
    }
    else throw new Error(`unknown argument ${argv[i]} (use --runs N, --profiles a,b, --shots, --only NAME,…)`);
  }
  if (args.runs !== null) {
    if (!Number.isInteger(args.runs) || args.runs < 1) throw new Error('--runs needs a positive integer');
    args.profiles = args.profiles.map((p) => ({ ...p, runs: args.runs }));
  }
  return args;
}

async function loadServer() {
  const file = path.join(ROOT, 'www/server.mjs');
  if (!existsSync(file)) throw new Error('www/server.mjs is missing');
  const { startServer } = await import(pathToFileURL(file).href);
  if (typeof startServer !== 'function') throw new Error('www/server.mjs does not export startServer');
  return startServer({
    port: 0,
    extraRoots: {
      '/bench/': path.join(ROOT, 'benches/pages'),
      '/vendor/cookieconsent/': PEER_DIST,
    },
  });
}

// Size and modification time of every measured file, to notice a rebuild during the run.
function librarySnapshot() {
  return JSON.stringify(LIBRARIES.flatMap((lib) => libraryFiles(lib).map((file) => {
    try {
      const { size, mtimeMs } = statSync(path.join(lib.dir, file));
      return [file, size, mtimeMs];
    } catch {
      return [file, null];
    }
  })));
}

function describeProfile(profile) {
  if (!profile.cpu && !profile.network) return 'no throttling';
  const parts = [];
  if (profile.cpu) parts.push(`CPU ${profile.cpu}x slower`);
  if (profile.network) {
    const mbit = (bytesPerSecond) => `${(bytesPerSecond * 8 / 1e6).toLocaleString('en-US', { maximumFractionDigits: 2 })} Mbit/s`;
    const n = profile.network;
    parts.push(`${mbit(n.downloadThroughput)} down, ${mbit(n.uploadThroughput)} up, ${n.latency} ms latency per request`);
  }
  return parts.join(', ');
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function mapValues(object, fn) {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v)]));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { chromium } = await import('playwright-core');
  const server = await loadServer();
  const browser = await chromium.launch({ ...CHROMIUM, headless: true });
  try {
    const ctx = {
      browser,
      url: server.url.replace(/\/$/, ''),
      profiles: args.profiles,
      runs: args.runs,
      shotsDir: args.shots ? path.join(OUT_DIR, 'bench-shots') : null,
    };
    const rows = [];
    const detail = {};
    const before = librarySnapshot();
    // Timings from a busy machine are not comparable: say how busy it was, before and after.
    const loadAtStart = os.loadavg().map((x) => Math.round(x * 100) / 100);
    for (const measure of MEASUREMENTS.filter((m) => !args.only || args.only.includes(m.name))) {
      const result = await measure(ctx);
      rows.push(...result.rows);
      detail[measure.name] = result.detail ?? null;
    }

    const date = new Date().toISOString();
    const host = machine(browser.version());
    const header = [
      'mohprompt-privacy benchmark',
      `date      ${date}`,
      `machine   ${host.cpu}, ${host.cores} cores, ${host.os}`,
      `load avg  ${loadAtStart.join(' / ')} at the start, ${host.loadAverage.join(' / ')} at the end (1/5/15 min)`,
      `browser   Chromium ${host.chromium} (headless, playwright-core), Node ${host.node}`,
      `method    sizes: library files each page loads, gzip = node zlib level 9, brotli = node zlib quality 11;`,
      `          ours in two groups: banner (fetched before the banner's first frame) and full (after it)`,
      `          times: performance.now() from navigation start, first animation frame with the banner`,
      `          on screen, and the first-contentful-paint entry; fresh context each load (cold cache), pages`,
      `          alternating, ${VIEWPORT.width}x${VIEWPORT.height} viewport, one discarded warm-up load per page and profile, same`,
      `          local server, every text/JS/CSS/JSON/wasm response gzip -9 (Content-Encoding, checked on the wire)`,
      ...ctx.profiles.map((p) => `          profile ${`${p.title}:`.padEnd(13)}${describeProfile(p)}, ${p.runs} loads per page`),
      `          start-up: the demo page's performance.measure entries (www/privacy-start.js) in the same loads:`,
      `          Privacy.start, then attachForm on the register form after the banner's first frame`,
      `          bytes before banner: in the same loads, Resource Timing transferSize (body bytes: encodedBodySize)`,
      `          summed over the navigation and every response ended by the banner's first frame`,
    ];
    const click = detail.measureAcceptAllClick;
    if (click) {
      header.push(
        `          accept all: locator.click() on the banner's accept-all button, CPU ${CLICK_CPU}x slower, network not throttled,`,
        `          ${click.runs} loads per page after a discarded one, pages alternating; clicked ${CLICK_SETTLE_MS} ms after the load event and`,
        `          the banner (ours: window.privacy too). next paint = Event Timing duration of the interaction`,
        `          (as INP; durationThreshold 16, 8 ms steps); next frame = click timeStamp to a task after the next`,
        `          animation frame (requestAnimationFrame + MessageChannel), the fallback that needs no event entry`,
      );
    }
    const decision = detail.measureDecisionCost;
    if (decision) {
      header.push(
        `          decision: performance.now() around privacy.set('news', i % 2 === 0) in the demo page, ${DECISION_CALLS} calls`,
        `          ${DECISION_SPACING_MS} ms apart after ${DECISION_WARMUP} discarded ones; timer resolution ${formatCell(decision.resolutionMicros, { digits: 0 })} µs`,
        `          (Chromium coarsens performance.now() on pages that are not cross-origin isolated)`,
        `          receipt size: the newest receipt's JSON as POSTed, gzip = node zlib level 9`,
      );
    }
    const prepare = detail.measurePrepareSubmission;
    if (prepare) {
      header.push(
        `          prepareSubmission: performance.now() around privacy.prepareSubmission(form), ${PREPARE_FIELDS} declared fields`,
        `          (keep, mask, redact, drop; contact granted), ${PREPARE_CALLS} calls after ${PREPARE_WARMUP} discarded ones, in the demo page`,
        `          made cross-origin isolated; timer resolution ${formatCell(prepare.resolutionMicros, { digits: 1 })} µs`,
      );
    }
    if (detail.measureSeal) {
      header.push(
        `          seal: performance.now() around await privacy.sealSubmission(form), the register form with only the`,
        `          national ID filled, ${SEAL_CALLS} calls after ${SEAL_WARMUP} discarded ones, page cross-origin isolated`,
      );
    }
    if (detail.measureIdentifierThroughput) {
      header.push(
        `          identifiers: through the JS API in the demo page, each run over all the data, ${THROUGHPUT_RUNS} runs after a`,
        `          discarded one; validateThaiId then maskValue('national_id', …) on ${ID_COUNT.toLocaleString('en-US')} random valid IDs;`,
        `          scanText on one string of about ${(SCAN_BYTES / 1e6).toFixed(0)} MB of Thai/English text (MB = 10^6 bytes of UTF-8)`,
      );
    }
    console.log(renderTable(header, rows));

    // A load with errors, or a pkg/ rebuilt mid-run, timed something else: fail the run.
    const problems = [...new Set(Object.values(detail).flatMap((d) => d?.problems ?? []))];
    if (librarySnapshot() !== before) problems.push('library files changed during the run (a build ran?)');
    if (problems.length) {
      console.error(`\nThe figures above are not trustworthy; ${problems.length} problem(s) while measuring:`);
      for (const p of problems) console.error(`  - ${p}`);
      process.exitCode = 1;
    }

    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(path.join(OUT_DIR, 'bench.json'),
      `${JSON.stringify({ date, machine: { ...host, loadAverageAtStart: loadAtStart }, viewport: VIEWPORT, profiles: ctx.profiles, rows, detail }, null, 2)}\n`);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
});
