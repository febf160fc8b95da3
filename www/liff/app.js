// Starts the consent module inside the LINE LIFF mini-app page (www/liff/index.html).
// Bundled with the LIFF SDK by scripts/build-liff.sh into /liff/dist/app.js; the privacy
// module and the page helper stay separate files (/pkg/…, /banner-space.js), loaded as they are.
//
// The LINE account is the module's business, not the page's: the page hands the SDK object to
// Privacy.start and never reads the profile itself. The module reads the userId from
// liff.getContext() only to compute its keyed hash, and that hash leaves only with the person's
// consent to the policy's `line_link` purpose.
//
// ?mock=1 runs LINE's own mock plugin (@line/liff-mock) instead of the real SDK connection, so
// the page works offline and in tests. More query parameters shape the mock:
//   mock_client=0  as if opened in an ordinary browser, not in LINE (default: in LINE)
//   mock_os=ios    what liff.getOS() returns (default 'android')
//   mock_lang=en   what liff.getLanguage() returns (default 'th')
//
// The account the mock reports, in its context and profile (tests/e2e/liff.test.mjs uses the same values and looks for them
// in every request, stored record, cookie, storage item and console line: keep both in step):
//   MOCK_USER_ID       'U' + 32 lowercase hex digits, the shape of a real LINE userId
//   MOCK_DISPLAY_NAME  a Thai display name

// The pluggable SDK: the core and only the modules this page and the privacy module call,
// a third of the full SDK's bytes.
import liff from '@line/liff/core';
import GetContext from '@line/liff/get-context';
import GetDecodedIDToken from '@line/liff/get-decoded-id-token';
import GetLanguage from '@line/liff/get-language';
import GetOS from '@line/liff/get-os';
import IsInClient from '@line/liff/is-in-client';
import IsLoggedIn from '@line/liff/is-logged-in';
import Login from '@line/liff/login';
import init from '/pkg/mohprompt_privacy.js';
import { keepPageClearOfBanner } from '/banner-space.js';
import { fetchPolicy, startPage } from '/privacy-start.js';

const MOCK_USER_ID = 'U4af4980629f1c0b0e3a5a7c3d2e1f0a9';
const MOCK_DISPLAY_NAME = 'สมหญิง ใจดี';

// The LIFF app's id from the LINE Developers console. A placeholder in the demo: the real SDK
// connection (without ?mock=1) needs a LIFF app registered for this page's URL.
const LIFF_ID = '2000000000-MorPromD';

const RECEIPT_ENDPOINT = '/api/consent-receipts';

// The key of the keyed-hash operator (HMAC-SHA256), for the national ID and for the LINE userId.
// A demo key, as in www/app.js: a real deployment's key comes from its server configuration.
const HASH_KEY = 'mohprompt-demo-key-readable-by-anyone';

// The page title in each language; the texts in the body switch by CSS (data-lang, /style.css).
const TITLES = {
  th: 'หมอพร้อม – ขอหนังสือรับรองการฉีดวัคซีน (หน้าสาธิต LINE)',
  en: 'Mor Prom – vaccination certificate request (LINE demo page)',
};

const query = new URLSearchParams(window.location.search);

/**
 * The initialised LIFF SDK object, or undefined where LIFF is not available (outside LINE
 * without a registered LIFF app, offline): the module then runs without it, with consent and
 * the form working and no LINE link.
 */
async function startLiff() {
  try {
    for (const Module of [GetContext, GetDecodedIDToken, GetLanguage, GetOS, IsInClient, IsLoggedIn, Login]) {
      liff.use(new Module());
    }
    if (query.get('mock') === '1') return await startMockLiff();
    await liff.init({ liffId: LIFF_ID });
    // In LINE the person is logged in by LIFF itself; if not, log in there (login() navigates).
    // Outside LINE login() would leave the page for LINE Login: the page works without it.
    if (liff.isInClient() && !liff.isLoggedIn()) liff.login();
    return liff;
  } catch (err) {
    console.warn('LIFF is not available here; the page runs without a LINE link.', err);
    return undefined;
  }
}

// The mock is loaded only with ?mock=1 (the import is evaluated lazily).
async function startMockLiff() {
  // A CommonJS package: as a chunk of its own its exports arrive under `default`.
  const mock = await import('@line/liff-mock');
  const LiffMockPlugin = mock.LiffMockPlugin ?? mock.default.LiffMockPlugin;
  liff.use(new LiffMockPlugin());
  await liff.init({ liffId: LIFF_ID, mock: true });
  liff.$mock.set((p) => ({
    ...p,
    isInClient: query.get('mock_client') !== '0',
    getOS: query.get('mock_os') || 'android',
    getLanguage: query.get('mock_lang') || 'th',
    // In LINE, the context carries the userId; the mock's default context has none.
    getContext: { ...p.getContext, type: 'utou', userId: MOCK_USER_ID },
    getDecodedIDToken: { sub: MOCK_USER_ID, name: MOCK_DISPLAY_NAME },
    getProfile: { userId: MOCK_USER_ID, displayName: MOCK_DISPLAY_NAME, statusMessage: '' },
  }));
  // Logged in, as a person who opened the mini-app in LINE is.
  liff.login();
  return liff;
}

/** The page's own texts follow LINE's language: Thai for 'th…', English for anything else. */
function followLineLanguage(liffObject) {
  let tag = '';
  try {
    tag = String(liffObject?.getLanguage?.() ?? '');
  } catch {
    // left empty: the page keeps the language of its markup
  }
  if (tag === '') return;
  const lang = tag.toLowerCase().startsWith('th') ? 'th' : 'en';
  document.documentElement.lang = lang;
  document.title = TITLES[lang];
}

// An async function rather than top-level await: the bundle targets ES2020, which older LINE
// in-app browsers (WebViews of older iOS and Android) run.
async function main() {
  keepPageClearOfBanner();
  await startPage(async () => {
    const [liffObject, policy] = await Promise.all([startLiff(), fetchPolicy(), init()]);
    followLineLanguage(liffObject);
    // No `lang`: the module reads liff.getLanguage() itself.
    return { policy, options: { liff: liffObject, receiptEndpoint: RECEIPT_ENDPOINT, hashKey: HASH_KEY } };
  });
}

main();
