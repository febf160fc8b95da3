// Starts the consent module on the demo page and attaches it to the page's forms. The policy is
// fetched from /policy.json so tests can route it to a changed copy; if that fails the module's
// bundled policy is used instead.

import init, { Privacy } from '/pkg/mohprompt_privacy.js';
import { keepPageClearOfBanner } from '/banner-space.js';

const RECEIPT_ENDPOINT = '/api/consent-receipts';

// The key of the keyed-hash operator (HMAC-SHA256), which the demo policy applies to the national
// ID. A demo key: a real deployment's key comes from its server configuration. A key written into
// the page, as here, is readable by anyone who loads it, and with it every hash can be reversed by
// trying all 10^12 IDs.
const HASH_KEY = 'mohprompt-demo-key';

// Only an explicit ?lang is passed on; otherwise the module reads <html lang> itself.
function requestedLanguage() {
  const lang = new URLSearchParams(window.location.search).get('lang');
  return lang === 'th' || lang === 'en' ? lang : undefined;
}

async function fetchPolicy() {
  try {
    // Matches the page's <link rel=preload>: the request starts while the page is parsed.
    const response = await fetch('/policy.json');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return await response.json();
  } catch (err) {
    console.warn('policy.json could not be loaded; using the bundled policy.', err);
    return undefined;
  }
}

function startPrivacy(policy, lang) {
  try {
    return Privacy.start({ policy, lang, receiptEndpoint: RECEIPT_ENDPOINT, hashKey: HASH_KEY });
  } catch (err) {
    if (policy === undefined) throw err;
    // A broken served policy must not leave the visitor without a way to decide.
    console.error('The served policy was rejected; using the bundled policy.', err);
    return Privacy.start({ lang, receiptEndpoint: RECEIPT_ENDPOINT, hashKey: HASH_KEY });
  }
}

// The module marks each form's fields, renders its purposes and then enables its
// [data-privacy-submit] buttons. A form it cannot attach to keeps its submit button disabled
// (fail-closed) and says so; the others still work.
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

keepPageClearOfBanner();
let privacy;
try {
  const [, policy] = await Promise.all([init(), fetchPolicy()]);
  privacy = startPrivacy(policy, requestedLanguage());
} catch (err) {
  // The wasm did not load (blocked, offline, an old browser) or would not start. Nothing is
  // sent without it: the forms keep their disabled submit buttons.
  console.error('The privacy module did not start; forms stay disabled.', err);
  for (const form of document.querySelectorAll('form[data-privacy-form]')) showUnavailable(form);
}
if (privacy) {
  // Forms first: once window.privacy exists (what tests wait for) the forms are ready too.
  attachForms(privacy);
  window.privacy = privacy;
}
