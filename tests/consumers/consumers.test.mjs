// The package as its users get it: `npm pack` of pkg/, the tarball installed (offline) into a
// temporary project, and there the README's snippets ("Using it", each code block after a
// `<!-- consumer: <file> -->` comment) written out as they are and run: a Vite app, a webpack
// app, an esbuild app and a plain <script type="module"> page, each built with the tools pinned in
// tests/consumers/package-lock.json, served, and driven in headless Chromium (the banner shows,
// accept all, reload: no banner and the categories granted; a form attached and its submission
// prepared with the national ID masked); the LIFF mini-app's script, built with Vite against
// LINE's mock; the Node snippet (the string utilities after initSync,
// no_dom from Privacy.start); and strict tsc on typed.ts, a consumer of every exported type.
//
// A file left out of pkg.json's "files" is missing from the tarball and breaks the apps; a README
// snippet that stops working fails here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, CHROMIUM_ARGS } from '../e2e/harness.mjs';

const run = promisify(execFile);
const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(HERE, '../..');
const TOOLS = path.join(HERE, 'node_modules');
const TIMEOUT_MS = 10_000;

// Valid Thai national IDs (their check digits hold), typed grouped and ungrouped.
const ID_IN_FIELD = '1-1037-02345-67-9';
const ID_IN_NOTE = '3100700123451';
const RAW_IDS = ['1103702345679', ID_IN_FIELD, ID_IN_NOTE];

/** The README's consumer snippets: file name → text. Each one named here must be there. */
const SNIPPETS = [
  'install.sh',
  'vite/index.html', 'vite/main.js', 'vite/build.sh',
  'webpack/main.js', 'webpack/webpack.config.js', 'webpack/build.sh',
  'esbuild/main.js', 'esbuild/build.sh',
  'plain/index.html',
  'liff/main.js',
  'node/utilities.mjs',
];

function readSnippets() {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  // Every code block of "From npm" is one the tests run: none without its marker.
  const [from, to] = ['\n### From npm\n', "\n### On the demo's pages\n"].map((heading) => readme.indexOf(heading));
  assert.ok(from >= 0 && to > from, 'README.md: no "### From npm" part before "### On the demo\'s pages"');
  const part = readme.slice(from, to);
  for (const [block] of part.matchAll(/^.*\n```[a-z]+\n/gm)) {
    assert.match(block, /^<!-- consumer: /, `README.md: a code block in "From npm" is run by no test: ${block}`);
  }
  const snippets = new Map();
  for (const [, names, body] of readme.matchAll(/<!-- consumer: ([^>]*?) -->\n```[a-z]*\n([\s\S]*?)\n```\n/g)) {
    for (const name of names.split(/\s+/)) {
      assert.ok(!snippets.has(name), `README.md: two snippets for ${name}`);
      snippets.set(name, body + '\n');
    }
  }
  for (const name of SNIPPETS) assert.ok(snippets.has(name), `README.md: no <!-- consumer: ${name} --> snippet`);
  for (const name of snippets.keys()) assert.ok(SNIPPETS.includes(name), `README.md: snippet ${name} is run by nothing`);
  return snippets;
}

/**
 * The apps' policy: the bundled Mor Prom policy with one form of its own, `signup`, whose
 * national ID is masked (the bundled forms seal theirs, which needs a receiver's key).
 */
function appPolicy() {
  const policy = JSON.parse(fs.readFileSync(path.join(ROOT, 'policy/mohprompt.json'), 'utf8'));
  const why = { th: 'ใช้ทดสอบแพ็กเกจ', en: 'To test the package.' };
  policy.forms = {
    signup: {
      purposes: ['service'],
      fields: [
        { name: 'name', kind: 'given_name', class: 'required', purposes: ['service'], why, operator: 'keep' },
        { name: 'national_id', kind: 'national_id', class: 'required', purposes: ['service'], why, operator: 'mask' },
        { name: 'note', kind: 'free_text', class: 'optional', purposes: ['service'], why, operator: 'keep' },
      ],
    },
  };
  return policy;
}

let work;       // the temporary project
let snippets;
let policy;
let browser;

/** Runs a README shell snippet in dir (its `npx` finds the pinned tools in node_modules/.bin). */
async function runShell(dir, script) {
  try {
    return await run('sh', ['-ec', script], {
      cwd: dir,
      env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
      maxBuffer: 16 << 20,
    });
  } catch (err) {
    assert.fail(`${script.trim()} (in ${path.relative(work, dir) || '.'}) failed:\n${err.stdout}\n${err.stderr}`);
  }
}

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

before(async () => {
  snippets = readSnippets();
  policy = appPolicy();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mohprompt-consumers-'));

  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
    { cwd: path.join(ROOT, 'pkg') });
  const tarball = path.join(work, JSON.parse(stdout)[0].filename);
  write(path.join(work, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }, null, 2));
  // The README's install line, with the packed tarball for the name (nothing is published).
  const install = snippets.get('install.sh');
  assert.equal(install.trim(), 'npm install @mohprompt/privacy', 'README install.sh snippet');
  await runShell(work, `${install.trim().replace('@mohprompt/privacy', tarball)} --no-audit --no-fund`);

  // The build tools come from this folder's lock, not from the registry: npx runs them from the
  // project's node_modules/.bin.
  const bin = path.join(work, 'node_modules/.bin');
  fs.mkdirSync(bin, { recursive: true });
  for (const tool of ['vite', 'webpack', 'esbuild', 'tsc']) {
    fs.symlinkSync(fs.realpathSync(path.join(TOOLS, '.bin', tool)), path.join(bin, tool));
  }

  for (const [name, text] of snippets) write(path.join(work, name), text);
  for (const app of ['vite', 'webpack', 'esbuild', 'plain', 'liff']) {
    write(path.join(work, app, 'policy.json'), JSON.stringify(policy));
  }
  // webpack's and esbuild's pages are Vite's, loading the bundle from dist/.
  const page = snippets.get('vite/index.html');
  const viteScript = '<script type="module" src="/main.js"></script>';
  assert.ok(page.includes(viteScript), `README vite/index.html: no ${viteScript}`);
  const bundled = page.replace(viteScript,
    '<link rel="stylesheet" href="/dist/main.css">\n  <script type="module" src="/dist/main.js"></script>');
  write(path.join(work, 'webpack/index.html'), bundled);
  write(path.join(work, 'esbuild/index.html'), bundled);
  writeLiffApp(page);
  // The typed consumer.
  fs.mkdirSync(path.join(work, 'typed'));
  for (const file of ['typed.ts', 'tsconfig.json']) fs.copyFileSync(path.join(HERE, file), path.join(work, 'typed', file));

  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

/**
 * The LIFF app: the README's page and LIFF script, the LIFF SDK from this folder's lock, and a
 * Vite config of the test's own that puts LINE's mock (@line/liff-mock) behind `@line/liff`, as
 * the LINE app: Thai, iOS, in the client (the page itself is in English).
 */
function writeLiffApp(page) {
  write(path.join(work, 'liff/index.html'), page);
  fs.symlinkSync(path.join(TOOLS, '@line'), path.join(work, 'node_modules/@line'));
  write(path.join(work, 'liff/line-app.js'), `// LINE's app, as its mock: liff.init always runs mocked.
import liff from ${JSON.stringify(path.join(TOOLS, '@line/liff/index.mjs'))};
import { LiffMockPlugin } from '@line/liff-mock';

liff.use(new LiffMockPlugin());
const init = liff.init.bind(liff);
liff.init = async (config) => {
  await init({ ...config, mock: true });
  liff.$mock.set((p) => ({ ...p, isInClient: true, getOS: 'ios', getLanguage: 'th-TH' }));
};
export default liff;
`);
  write(path.join(work, 'liff/vite.config.js'), `export default {
  resolve: { alias: [{ find: /^@line\\/liff$/, replacement: ${JSON.stringify(path.join(work, 'liff/line-app.js'))} }] },
};
`);
}

after(async () => {
  await browser?.close();
  if (work && !process.env.KEEP_CONSUMERS) fs.rmSync(work, { recursive: true, force: true });
  else if (work) console.log(`kept ${work}`);
});

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** A static server of dir (and of `routes`: URL path → file); records the paths it had not. */
async function serve(dir, routes = {}) {
  const missing = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = routes[url.pathname] ?? path.join(dir, decodeURIComponent(url.pathname));
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!file.startsWith(work) || !fs.existsSync(file)) {
      // The browser asks for a favicon by itself; the apps have none.
      if (url.pathname !== '/favicon.ico') missing.push(url.pathname);
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, missing, close: () => server.close() };
}

const BANNER = '[data-privacy-banner]';
const FORM = 'form[data-privacy-form="signup"]';

/**
 * What a visitor does on the app at `site`: sees the banner, accepts all, reloads (no banner,
 * every category granted), fills the form; then prepareSubmission masks the national ID.
 */
async function visit(site, { banner = async () => {} } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const errors = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico')) errors.push(msg.text());
  });
  try {
    await page.goto(`${site.url}/`);
    await page.locator(BANNER).waitFor({ state: 'visible' }).catch((err) => {
      assert.fail(`no banner: ${err.message.split('\n')[0]}; page errors: ${errors.join(' | ')}; 404: ${site.missing.join(', ')}`);
    });
    // The package's stylesheet reached the page: the banner is fixed to the bottom.
    assert.equal(await page.locator(BANNER).evaluate((el) => getComputedStyle(el).position), 'fixed',
      'the banner is not styled: privacy.css did not reach the page');
    await banner(page);
    await page.click(`${BANNER} [data-privacy-action="accept-all"]`);
    await page.locator(BANNER).waitFor({ state: 'hidden' });

    await page.reload();
    await page.waitForFunction(() => window.privacy !== undefined);
    assert.equal(await page.locator(BANNER).isVisible(), false, 'the banner after a reload');
    const decisions = await page.evaluate(() => window.privacy.decisions());
    for (const { id } of policy.categories) assert.equal(decisions[id], 'granted', `decisions().${id}`);

    // attachForm ran in the app: the fields are marked and the submit button is enabled.
    await page.locator(`${FORM} [data-privacy-field-mark="required"]`).first().waitFor();
    assert.equal(await page.locator(`${FORM} [data-privacy-submit]`).isEnabled(), true, 'submit enabled by attachForm');
    await page.fill(`${FORM} [name="name"]`, 'Somchai Jaidee');
    await page.fill(`${FORM} [name="national_id"]`, ID_IN_FIELD);
    await page.fill(`${FORM} [name="note"]`, `please call, my ID is ${ID_IN_NOTE}`);
    const submission = await page.evaluate((form) => window.privacy.prepareSubmission(document.querySelector(form)), FORM);
    assert.equal(submission.payload.name, 'Somchai Jaidee');
    assert.equal(submission.payload.national_id, 'x-xxxx-xxxxx-67-9');
    assert.equal(submission.payload.note, 'please call, my ID is x-xxxx-xxxxx-45-1');
    const text = JSON.stringify(submission);
    for (const raw of RAW_IDS) assert.ok(!text.includes(raw), `a raw national ID in the submission: ${text}`);
    const idReport = submission.report.fields.find((field) => field.name === 'national_id');
    assert.equal(idReport.operator, 'mask');

    assert.deepEqual(site.missing, [], 'requests for files the app does not have');
    assert.deepEqual(errors, [], 'errors on the page');
  } finally {
    await context.close();
    site.close();
  }
}

test('Node: the README snippet uses every string utility after initSync; Privacy.start throws no_dom', async () => {
  const { stdout } = await runShell(path.join(work, 'node'), 'node utilities.mjs');
  assert.equal(stdout, 'ok\n');
});

test('TypeScript: strict tsc (skipLibCheck false, ES2022 + DOM) accepts typed.ts and its @ts-expect-error lines', async () => {
  await runShell(path.join(work, 'typed'), 'npx tsc -p tsconfig.json');
});

test('Vite: the README app builds, shows the banner, remembers consent, masks the form', async () => {
  await runShell(path.join(work, 'vite'), snippets.get('vite/build.sh'));
  await visit(await serve(path.join(work, 'vite/dist')));
});

test('webpack: the README app builds, shows the banner, remembers consent, masks the form', async () => {
  await runShell(path.join(work, 'webpack'), snippets.get('webpack/build.sh'));
  await visit(await serve(path.join(work, 'webpack')));
});

test('esbuild: the README app (wasm URL from the file loader) builds and runs', async () => {
  await runShell(path.join(work, 'esbuild'), snippets.get('esbuild/build.sh'));
  await visit(await serve(path.join(work, 'esbuild')));
});

test('a plain <script type="module"> page importing the installed files runs', async () => {
  await visit(await serve(work, { '/': path.join(work, 'plain/index.html'), '/policy.json': path.join(work, 'plain/policy.json') }));
});

test('LIFF: the README mini-app script, built with Vite, runs in LINE (its mock) as a bottom sheet', async () => {
  await runShell(path.join(work, 'liff'), snippets.get('vite/build.sh'));
  await visit(await serve(path.join(work, 'liff/dist')), {
    banner: async (page) => {
      const banner = page.locator(BANNER);
      assert.equal(await banner.getAttribute('data-privacy-layout'), 'sheet', 'in LINE the banner is a bottom sheet');
      assert.equal(await banner.getAttribute('data-privacy-os'), 'ios', 'the OS LIFF reports');
      assert.equal(await banner.getAttribute('lang'), 'th', 'the language LIFF reports, not the page\'s');
    },
  });
});
