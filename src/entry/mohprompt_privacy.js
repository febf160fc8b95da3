// The package's entry, `@mohprompt/privacy`: one API over the two wasm modules built from the
// crate. `init()` loads the banner module (src/banner_module/, a few tens of kilobytes), which
// `Privacy.start` runs at once: the stored decision read and checked, gated scripts, Consent
// Mode, the banner. The full module (src/web/: forms, masking, sealing, receipts, the privacy
// centre, the string utilities) loads after the banner's first frame, or at once where no
// banner is due, and takes over: what the banner module decided is handed to it, with the
// receipts it owes. Until then:
// - `attachForm` queues: the form is attached when the full module runs, and stays unable to
//   send before (its submit controls stay disabled: fail closed);
// - `openPreferences` and `sealSubmission` wait for it;
// - `prepareSubmission`, `receipts` and the string utilities throw `module_loading`;
// - the rest (decisions, the banner, `set`, `withdraw`, `on`) answer at once.
// `privacy.ready` (and `ready()` for the utilities) resolves once the full module runs.
//
// scripts/build.sh bundles this file with the banner module's glue into pkg/mohprompt_privacy.js,
// the script pages load: the full module's glue stays a script of its own, fetched when the full
// module is (`./full-glue.js`, src/entry/full-glue.browser.js). Node gets the same file bundled
// with the full glue imported at once (src/entry/full-glue.node.js), so `initSync` stays
// synchronous there: pkg/mohprompt_privacy_node.js, the package's "node" export.

import initBanner, { BannerModule } from './mohprompt_privacy_banner.js';
import { full, loadFull } from './full-glue.js';

let bannerReady = false;
let fullReady = false;
// Where the full module's wasm comes from, as init() was told.
let fullSource;
let fullLoading = null;

function fail(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

function requireFull(name) {
  if (fullReady) return;
  if (!bannerReady) {
    throw fail('init_required', '@mohprompt/privacy is not initialised: call `await init()` (or, in Node, `initSync({ module })`) before using it');
  }
  throw fail('module_loading', `${name}: the full module is still loading; await privacy.ready (or ready()) first`);
}

/**
 * Loads the banner module's wasm: `Privacy.start` can then run. `module_or_path` is where the
 * full module's wasm is (as before), `banner_module_or_path` where the banner module's is; each
 * defaults to the file next to this script.
 */
export default async function init(options) {
  // After initSync (Node, tests) the full module runs already: its exports, as before.
  if (fullReady && !bannerReady) return full.default();
  const named = options != null && typeof options === 'object'
    && ('module_or_path' in options || 'banner_module_or_path' in options);
  // An InitInput passed on its own (wasm-bindgen's deprecated form) names the full module's wasm.
  const { module_or_path, banner_module_or_path } = named ? options : { module_or_path: options };
  fullSource = module_or_path;
  const output = await initBanner(banner_module_or_path === undefined ? undefined : { module_or_path: banner_module_or_path });
  bannerReady = true;
  return output;
}

/**
 * Node and tests: instantiates the full module at once from its bytes (no page, no banner). In a
 * browser its glue is a script of its own, loaded by `ready()`: before that, there is nothing to
 * instantiate synchronously.
 */
export function initSync(options) {
  if (!full) {
    throw fail('init_required', 'initSync needs the full module\'s script, which a browser loads with `await ready()`; in Node, import the package (its "node" export) or mohprompt_privacy_node.js');
  }
  const result = full.initSync(options);
  fullReady = true;
  fullLoading = Promise.resolve();
  return result;
}

/** Resolves once the full module has loaded (it starts loading if it has not). */
export function ready() {
  fullLoading ??= loadFull()
    .then((glue) => glue.default(fullSource === undefined ? undefined : { module_or_path: fullSource }))
    .then(() => { fullReady = true; });
  return fullLoading;
}

// Resolves after the browser has painted the next frame; at once where the page is hidden.
function afterNextPaint() {
  if (document.visibilityState !== 'visible') return Promise.resolve();
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

export class Privacy {
  #banner = null;
  #full = null;
  #options;
  #forms = [];
  #callbacks = [];
  #destroyed = false;

  /** The banner module now, the full module after it; see the top of this file. */
  static start(options) {
    if (fullReady && !bannerReady) return new Privacy(options, null, full.Privacy.start(options));
    if (!bannerReady) requireFull('Privacy.start');
    let privacy = null;
    const banner = BannerModule.start(options, (opener) => privacy?.#openWhenFull(opener));
    privacy = new Privacy(options, banner, null);
    return privacy;
  }

  constructor(options, banner, fullPrivacy) {
    this.#options = options;
    this.#banner = banner;
    this.#full = fullPrivacy;
    /** Resolves once the full module runs here (queued forms attached); rejects if it cannot. */
    this.ready = fullPrivacy ? Promise.resolve() : this.#takeOver();
    // An unhandled rejection is the page's to report; the forms stay disabled either way.
    this.ready.catch(() => {});
  }

  async #takeOver() {
    // The first visitor's banner is painted before the bigger download starts.
    if (this.#banner.bannerOpen()) await afterNextPaint();
    await ready();
    if (this.#destroyed) throw fail('destroyed', 'destroy() was called before the full module ran');
    const banner = this.#banner;
    // The full module adopts the banner element on screen, so it stays where it is, with focus.
    // It throws where it refuses what the banner module accepted (a bad form in the policy):
    // the banner module then stays in charge, and the forms stay unable to send.
    const shown = document.querySelector('[data-privacy-banner]');
    const privacy = full.Privacy.afterBanner(this.#options, banner.stored(),
      banner.bannerOpen() ? shown : undefined);
    const owed = banner.owed();
    banner.handOver();
    this.#banner = null;
    this.#full = privacy;
    for (const [event, callback] of this.#callbacks) privacy.on(event, callback);
    privacy.settleOwed(owed);
    for (const form of this.#forms.splice(0)) {
      try {
        privacy.attachForm(form);
      } catch (err) {
        console.error(`privacy: form "${form.dataset.privacyForm}" could not be attached; it stays unable to send.`, err);
      }
    }
  }

  #openWhenFull(opener) {
    this.ready.then(() => {
      opener.removeAttribute('aria-busy');
      // The privacy centre gives focus back to the element that had it: the opener.
      opener.focus?.();
      this.#full.openPreferences();
    }, () => opener.removeAttribute('aria-busy'));
  }

  #now() { return this.#full ?? this.#banner; }

  hasConsent(id) { return this.#now().hasConsent(id); }
  decisions() { return this.#now().decisions(); }
  showBanner() { this.#now().showBanner(); }
  acceptAll() { this.#now().acceptAll(); }
  rejectAll() { this.#now().rejectAll(); }
  set(id, granted) { this.#now().set(id, granted); }
  withdraw(id) { this.#now().withdraw(id); }

  on(event, callback) {
    this.#now().on(event, callback);
    if (!this.#full) this.#callbacks.push([event, callback]);
  }

  openPreferences() {
    if (this.#full) return this.#full.openPreferences();
    this.ready.then(() => this.#full.openPreferences(), () => {});
  }

  attachForm(form) {
    if (this.#full) return this.#full.attachForm(form);
    if (!this.#forms.includes(form)) this.#forms.push(form);
  }

  prepareSubmission(form) {
    if (!this.#full) requireFull('prepareSubmission');
    return this.#full.prepareSubmission(form);
  }

  sealSubmission(form) {
    return this.ready.then(() => this.#full.sealSubmission(form));
  }

  receipts() {
    if (!this.#full) requireFull('receipts');
    return this.#full.receipts();
  }

  destroy() {
    this.#destroyed = true;
    this.#forms.length = 0;
    this.#banner?.destroy();
    this.#full?.destroy();
  }

  free() {
    this.#destroyed = true;
    this.#banner?.destroy();
    this.#full?.free();
  }
}

/** The string utilities, from the full module: after `ready()` (or `initSync`). */
export function validateThaiId(s) { requireFull('validateThaiId'); return full.validateThaiId(s); }
export function formatThaiId(s) { requireFull('formatThaiId'); return full.formatThaiId(s); }
export function normalizeThaiPhone(s) { requireFull('normalizeThaiPhone'); return full.normalizeThaiPhone(s); }
export function maskValue(kind, s) { requireFull('maskValue'); return full.maskValue(kind, s); }
export function scanText(s) { requireFull('scanText'); return full.scanText(s); }
