// Start-up steps the demo's two pages share (www/app.js, www/liff/app.js): start the module with
// the served policy, attach it to the page's forms, and, where that fails, say why a form cannot
// be sent. A form the module is not attached to keeps its submit button
// disabled: nothing is sent unmasked (fail closed).

import { Privacy } from '/pkg/mohprompt_privacy.js';

/**
 * The policy served at /policy.json (tests route it to changed copies), or undefined when it
 * cannot be fetched: the module then uses its bundled policy.
 */
export async function fetchPolicy() {
  try {
    // Matches the pages' <link rel=preload>: the request starts while the page is parsed.
    const response = await fetch('/policy.json');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return await response.json();
  } catch (err) {
    console.warn('policy.json could not be loaded; using the bundled policy.', err);
    return undefined;
  }
}

/** Privacy.start with the served policy, or with the bundled one when the served one is refused. */
function startPrivacy(policy, options) {
  try {
    return Privacy.start({ policy, ...options });
  } catch (err) {
    if (policy === undefined) throw err;
    // A broken served policy must not leave the visitor without a way to decide.
    console.error('The served policy was rejected; using the bundled policy.', err);
    return Privacy.start(options);
  }
}

// The module marks each form's fields, renders its purposes and then enables its
// [data-privacy-submit] buttons. A form it cannot attach to keeps its submit button disabled
// and says so; the others still work.
function attachForms(privacy) {
  for (const form of document.querySelectorAll('form[data-privacy-form]')) {
    try {
      privacy.attachForm(form);
    } catch (err) {
      console.error(`The privacy module could not attach to form "${form.dataset.privacyForm}"; it stays disabled.`, err);
      showUnavailable(form);
    }
  }
}

// The page's own note under a form that cannot be sent: without the module the submit button
// stays disabled, and the person should know why rather than face a dead button.
function showUnavailable(form) {
  for (const note of form.querySelectorAll('[data-demo-form-unavailable]')) note.hidden = false;
}

/**
 * Starts the module on the page: `prepare()` loads what the page needs (the wasm, the policy,
 * LIFF) and returns `{ policy, options }` for Privacy.start. Then the forms are attached and
 * `window.privacy` is set, which is what tests wait for. If anything fails the forms keep their
 * disabled submit buttons and say why: nothing is sent without the module.
 */
export async function startPage(prepare) {
  let privacy;
  try {
    const { policy, options } = await prepare();
    const started = performance.now();
    privacy = startPrivacy(policy, options);
    // Named measures show in the browser's performance panel; `make bench` reports them.
    performance.measure('privacy: start', { start: started });
  } catch (err) {
    // The wasm did not load (blocked, offline, an old browser) or would not start.
    console.error('The privacy module did not start; forms stay disabled.', err);
    for (const form of document.querySelectorAll('form[data-privacy-form]')) showUnavailable(form);
    return;
  }
  // The banner is what a first visitor needs first: let it be painted before the forms are
  // marked, which lays the whole form out again (the banner is then on screen 20 to 50 ms
  // sooner; `make bench`). Until it is attached, a form cannot be sent.
  if (document.querySelector('[data-privacy-banner]')) await afterNextPaint();
  // Forms next: once window.privacy exists the forms are ready too.
  const attaching = performance.now();
  attachForms(privacy);
  performance.measure('privacy: attach forms', { start: attaching });
  window.privacy = privacy;
}

// Resolves once the browser has painted the next frame; at once when the page is hidden, where
// no frame is painted.
function afterNextPaint() {
  if (document.visibilityState !== 'visible') return Promise.resolve();
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
