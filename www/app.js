// Starts the consent module on the demo page and attaches it to the page's forms. The policy is
// fetched from /policy.json so tests can route it to a changed copy; if that fails the module's
// bundled policy is used instead.

import init from '/pkg/mohprompt_privacy.js';
import { keepPageClearOfBanner } from '/banner-space.js';
import { fetchPolicy, startPage } from '/privacy-start.js';

const RECEIPT_ENDPOINT = '/api/consent-receipts';

// The key of the keyed-hash operator (HMAC-SHA256), which the demo policy applies to the national
// ID. A demo key: a real deployment's key comes from its server configuration. A key written into
// the page, as here, is readable by anyone who loads it, and with it every hash can be reversed by
// trying all 10^12 IDs.
const HASH_KEY = 'mohprompt-demo-key-readable-by-anyone';

// Only an explicit ?lang is passed on; otherwise the module reads <html lang> itself.
function requestedLanguage() {
  const lang = new URLSearchParams(window.location.search).get('lang');
  return lang === 'th' || lang === 'en' ? lang : undefined;
}

keepPageClearOfBanner();
await startPage(async () => {
  const [, policy] = await Promise.all([init(), fetchPolicy()]);
  return { policy, options: { lang: requestedLanguage(), receiptEndpoint: RECEIPT_ENDPOINT, hashKey: HASH_KEY } };
});
