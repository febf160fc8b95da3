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
 * Starts the module on the page: `prepare()` loads what the page needs (the banner module, the
 * policy, LIFF) and returns `{ policy, options }` for Privacy.start, which shows the banner at
 * once. Once the full module runs (`privacy.ready`), the forms are attached and
 * `window.privacy` is set, which is what tests wait for. If anything fails the forms keep their
 * disabled submit buttons and say why: nothing is sent without the module.
 */
export async function startPage(prepare) {
  let privacy;
  let options;
  try {
    let policy;
    ({ policy, options } = await prepare());
    const started = performance.now();
    privacy = startPrivacy(policy, options);
    // Named measures show in the browser's performance panel; `make bench` reports them.
    performance.measure('privacy: start', { start: started });
    privacy = await fullModule(privacy, policy, options);
  } catch (err) {
    // A wasm did not load (blocked, offline, an old browser) or would not start.
    console.error('The privacy module did not start; forms stay disabled.', err);
    for (const form of document.querySelectorAll('form[data-privacy-form]')) showUnavailable(form);
    return;
  }
  // Forms next: once window.privacy exists the forms are ready too.
  const attaching = performance.now();
  attachForms(privacy);
  performance.measure('privacy: attach forms', { start: attaching });
  window.privacy = privacy;
}

// Waits for the full module, which loads after the banner's first frame. Where it refuses the
// served policy that the banner module accepted (the full module reads all of it, forms too),
// the bundled policy takes over, as when the banner module refuses it.
async function fullModule(privacy, policy, options) {
  try {
    await privacy.ready;
    return privacy;
  } catch (err) {
    if (err?.code !== 'policy_invalid' || policy === undefined) throw err;
    console.error('The served policy was rejected; using the bundled policy.', err);
    privacy.destroy();
    const bundled = Privacy.start(options);
    await bundled.ready;
    return bundled;
  }
}
