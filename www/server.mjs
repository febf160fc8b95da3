// The demo server for mohprompt-privacy: static files under the strict CSP the module must live
// with, plus the JSON-lines endpoints (the web page's registrations, the LIFF page's certificate
// requests, consent receipts) and the demo analytics endpoint. Node built-ins, @hpke/core for
// sealed fields, and the module itself (pkg/, built by `make build`) for the leak scan (npm
// packages come with scripts/setup.sh, which `make run` runs first).
//
// It is also the reference receiver: what a backend of the module should check before it stores
// anything. Every endpoint that takes data (`/api/…`; /collect reads no body and stores nothing):
// - takes only same-origin requests: 403 when `Origin` is missing or is not this server's own
//   (browsers send it on every POST, fetch and sendBeacon alike, so a request without one is not
//   this page's);
// - takes only `application/json` bodies (`; charset=utf-8` allowed): 415 otherwise;
// - runs the module's own leak scan (www/leak-scan.mjs) over every string of the body, nested
//   values and object keys included: a raw national ID (or 13 digits whose check digit fails), a
//   passport or a phone number refuses the body with 422 naming its path, never its value. What
//   the module's operators write passes, decided by the field's declared operator in the served
//   policy: sealed fields are opened and checked instead (below), keyed_hash fields may hold a
//   64-hex keyed hash. E-mail addresses do not refuse (the policy sends them masked).
// Refusals are JSON `{ error, message, … }`; nothing refused is stored.
//
// Sealed fields: at start the server makes an HPKE key pair (www/sealing.mjs) and serves
// /policy.json with `keys` listing its public key only. A form field the policy declares with the
// operator `seal` must arrive sealed to that key for this policy version, form and field, and
// hold what its kind needs; otherwise the whole body is refused (400 malformed, 422 otherwise)
// with the field and the reason, never the value, and nothing is stored. What is stored is the
// body as received: the sealed strings, never the plaintext, which is dropped once checked. The
// private key stays in memory; a restart makes a new one with a new kid.
//
// Consent receipts (www/receipts.mjs) must have the shape src/receipt.rs writes (400 with the
// failing path otherwise) and are stored once per receipt_id: the module retries a delivery
// whose answer it did not see, so the same receipt may arrive again. A copy with the same content
// gets the same 204 as the first, so the client can drop it from its queue; the same id with
// other content gets 409. The ids are read back from the receipts file at start.
//
// With a receipts service (`receiptsService`, or RECEIPTS_SERVICE when run; `make run` starts
// `mohprompt-privacy serve` and sets it), POSTs to /api/consent-receipts go to the service's
// /consent-receipts instead, on the page's own origin (so the CSP's connect-src stays 'self'):
// the request's Origin, Content-Type and body pass as they came, and the service's status and
// answer come back as they are (201 new, 200 the same again, 409, 403, 413, 415, 422, 503). When
// the service cannot be reached the answer is 503, and the module keeps the receipt to send later.
//
// Text, JS, JSON, SVG and wasm go out gzip-compressed (level 9) to a request whose
// Accept-Encoding allows it, with `Vary: Accept-Encoding`, as a deployment would serve them: the
// banner-time bench throttles the network and must see the bytes a phone would get.
//
//   node www/server.mjs            → http://127.0.0.1:8080/ and the LIFF page at /liff/
//                                    (PORT and DATA_DIR env override)
//   import { startServer } from './www/server.mjs'; await startServer({ port: 0 })

import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SealError, checkSealedBody, createRecipient } from './sealing.mjs';
import { findLeaks, formExemption, loadScanner } from './leak-scan.mjs';
import { checkReceipt, receiptExemption, receiptLedger } from './receipts.mjs';

const WWW_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPO_DIR = path.dirname(WWW_DIR);
const HOST = '127.0.0.1';
const POLICY_FILE = path.join(REPO_DIR, 'policy', 'mohprompt.json');

// The policy every page is served under; the module and the demo must work inside it. The module
// sends forms with fetch, so `form-action 'none'` costs nothing and is the browser's own backstop:
// no native form submission leaves a page, whatever a script does to a form.
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

// Served gzip-compressed when the request accepts it, as a deployment with static compression
// serves them (level 9, what the size rows of `make bench` count); images other than SVG are
// compressed already.
const COMPRESSIBLE = /^(text\/|application\/(javascript|json|wasm)|image\/svg\+xml)/;

// A consent receipt or a form submission is small; anything bigger is refused rather than stored.
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Starts the demo server.
 * @param {object} [options]
 * @param {number} [options.port=8080]  0 picks a free port (tests, benches).
 * @param {string} [options.dataDir]    where the JSON-lines files go; default: a fresh temp dir.
 * @param {Record<string,string>|Array<[string,string]>} [options.extraRoots]
 *   more static roots, URL prefix → directory, e.g. { '/bench/': '/abs/benches/pages' }.
 *   They are looked up before the default ones, so a test may also replace `/pkg/`.
 * @param {string} [options.policyFile]  the policy to serve and to check bodies against (sealed
 *   and keyed_hash fields); default: policy/mohprompt.json. Read on every request, so an edit
 *   shows without a restart.
 * @param {string[]} [options.origins]  more origins whose pages may POST, besides the server's
 *   own (http://127.0.0.1:<port> and http://localhost:<port>), e.g. the public origin of a
 *   proxy in front of it.
 * @param {string|(() => string)} [options.receiptsService]  the base URL of a receipts service
 *   (`mohprompt-privacy serve`) that receipts are forwarded to, or a function giving it at each
 *   request (a test starts the service once it knows this server's port).
 * @returns {Promise<{url: string, close: () => Promise<void>, registerFile: string,
 *   certificateFile: string, receiptsFile: string, origins: string[],
 *   seal: {kid: string, publicKey: string, recipientKey: CryptoKeyPair}}>}
 *   `seal` is this run's recipient: its kid, its public key as published (base64url of the
 *   65-byte point) and the @hpke/core key pair, for tests that open values themselves.
 *   Rejects when pkg/ is not built: the leak scan is the module's own.
 */
export async function startServer({ port = 8080, dataDir, extraRoots, policyFile = POLICY_FILE, origins = [], receiptsService } = {}) {
  const scan = await loadScanner();
  const dir = dataDir ?? (await fsp.mkdtemp(path.join(os.tmpdir(), 'mohprompt-demo-')));
  await fsp.mkdir(dir, { recursive: true });
  const registerFile = path.join(dir, 'register.jsonl');
  const certificateFile = path.join(dir, 'certificate.jsonl');
  const receiptsFile = path.join(dir, 'consent-receipts.jsonl');
  const recipient = await createRecipient();
  const publishPolicy = () => publishedPolicy(policyFile, recipient);

  const routes = staticRoutes(extraRoots);
  const jsonLinesEndpoints = {
    '/api/register': { file: registerFile, status: 200, form: 'register' },
    '/api/certificate': { file: certificateFile, status: 200, form: 'certificate' },
    '/api/consent-receipts': receiptsService
      ? { forward: typeof receiptsService === 'function' ? receiptsService : () => receiptsService }
      : { file: receiptsFile, status: 204, receipts: await receiptLedger(receiptsFile) },
  };
  // Filled in once the port is known.
  const receiver = { origins: new Set(), scan, recipient, policyFile };

  const server = http.createServer((req, res) => {
    handle(req, res, routes, jsonLinesEndpoints, receiver, publishPolicy).catch((err) => {
      console.error('demo server error:', err);
      if (!res.headersSent) send(res, 500, 'Internal Server Error');
      else res.destroy();
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port: boundPort } = server.address();
  const url = `http://${HOST}:${boundPort}`;
  for (const origin of [url, `http://localhost:${boundPort}`, ...origins]) receiver.origins.add(new URL(origin).origin);
  const close = () =>
    new Promise((resolve) => {
      // Browsers keep connections alive; without this, close() waits for them to time out.
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const { kid, publicKey, recipientKey } = recipient;
  const seal = Object.freeze({ kid, publicKey, recipientKey });
  return { url, close, registerFile, certificateFile, receiptsFile, origins: [...receiver.origins], seal };
}

async function readPolicy(policyFile) {
  return JSON.parse(await fsp.readFile(policyFile, 'utf8'));
}

/** The policy the browser gets: the file's, with `keys` listing this run's public key only. */
async function publishedPolicy(policyFile, recipient) {
  const policy = await readPolicy(policyFile);
  return `${JSON.stringify({ ...policy, keys: [recipient.keyEntry] }, null, 2)}\n`;
}

/**
 * The check of one form's body: its sealed fields (by the policy as it is now) must open and
 * hold what their kinds need. Resolves to null when the body may be stored, or to the SealError
 * that says which field failed and why.
 */
async function sealCheck(recipient, policy, formId, body) {
  try {
    await checkSealedBody(recipient, policy, formId, body);
    return null;
  } catch (err) {
    if (err instanceof SealError) return err;
    throw err;
  }
}

function staticRoutes(extraRoots) {
  const extra = Array.isArray(extraRoots) ? extraRoots : Object.entries(extraRoots ?? {});
  const routes = extra.map(([prefix, dir]) => ({ prefix: withSlashes(prefix), dir: path.resolve(dir) }));
  routes.push({ prefix: '/pkg/', dir: path.join(REPO_DIR, 'pkg') });
  routes.push({ prefix: '/', dir: WWW_DIR });
  return routes;
}

function withSlashes(prefix) {
  let p = prefix.startsWith('/') ? prefix : `/${prefix}`;
  if (!p.endsWith('/')) p += '/';
  return p;
}

async function handle(req, res, routes, jsonLinesEndpoints, receiver, publishPolicy) {
  let pathname;
  try {
    pathname = new URL(req.url, 'http://localhost').pathname;
  } catch {
    return send(res, 400, 'Bad Request');
  }

  if (pathname === '/collect') {
    // The demo analytics endpoint: it only has to exist so tests can see whether it was called.
    if (req.method !== 'GET' && req.method !== 'POST') return send(res, 405, 'Method Not Allowed', { Allow: 'GET, POST' });
    req.resume();
    return send(res, 204);
  }

  const endpoint = jsonLinesEndpoints[pathname];
  if (endpoint) {
    if (req.method !== 'POST') return send(res, 405, 'Method Not Allowed', { Allow: 'POST' });
    if (endpoint.forward) return forwardReceipt(req, res, endpoint.forward());
    return receive(req, res, endpoint, receiver);
  }

  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
  }

  if (pathname === '/policy.json') {
    return sendText(req, res, 200, MIME_TYPES['.json'], await publishPolicy());
  }

  const file = resolveStatic(pathname, routes);
  if (file === null) return send(res, 403, 'Forbidden');
  return sendFile(req, res, file);
}

// Maps a URL path to a file inside one of the roots, or null when it would leave that root.
function resolveStatic(pathname, routes) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  // Refuse rather than normalise: a request that needs `..`, a backslash or a NUL is not a
  // browser asking for a page.
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  if (decoded.split('/').some((segment) => segment === '..')) return null;

  const route = routes.find((r) => decoded.startsWith(r.prefix) || `${decoded}/` === r.prefix);
  if (!route) return null;
  const rest = decoded.slice(route.prefix.length);
  const file = path.resolve(route.dir, `.${path.posix.sep}${rest}`);
  if (file !== route.dir && !file.startsWith(route.dir + path.sep)) return null;
  return decoded.endsWith('/') || rest === '' ? path.join(file, 'index.html') : file;
}

async function sendFile(req, res, file) {
  let stat;
  try {
    stat = await fsp.stat(file);
    if (stat.isDirectory()) {
      file = path.join(file, 'index.html');
      stat = await fsp.stat(file);
    }
  } catch {
    return send(res, 404, 'Not Found');
  }
  const type = MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const headers = {
    ...securityHeaders(),
    'Content-Type': type,
    // A demo under constant rebuilds: never serve a stale wasm next to fresh glue code.
    'Cache-Control': 'no-store',
  };
  if (COMPRESSIBLE.test(type)) {
    headers.Vary = 'Accept-Encoding';
    if (acceptsGzip(req)) {
      const body = await gzippedFile(file, stat);
      res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': body.length });
      return res.end(req.method === 'HEAD' ? undefined : body);
    }
  }
  res.writeHead(200, { ...headers, 'Content-Length': stat.size });
  if (req.method === 'HEAD') return res.end();
  fs.createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/**
 * Whether the request's Accept-Encoding allows gzip: `gzip` (or `x-gzip`), or `*` when gzip is
 * not named, with a q-value above 0. No header means identity only.
 */
function acceptsGzip(req) {
  const header = req.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  const weights = new Map();
  for (const part of header.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (!coding) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    weights.set(coding.trim(), q ? Number.parseFloat(q.slice(2)) || 0 : 1);
  }
  const q = weights.get('gzip') ?? weights.get('x-gzip') ?? weights.get('*') ?? 0;
  return q > 0;
}

// Compressed once per version of a file (its size and modification time), kept in memory: the
// demo serves a few dozen files, rebuilt now and then.
const gzipCache = new Map();

async function gzippedFile(file, stat) {
  const version = `${stat.size}:${stat.mtimeMs}`;
  const cached = gzipCache.get(file);
  if (cached?.version === version) return cached.body;
  const body = gzipSync(await fsp.readFile(file), { level: 9 });
  gzipCache.set(file, { version, body });
  return body;
}

// `application/json`, alone or with a UTF-8 charset: the body is read as UTF-8 JSON, nothing else.
const JSON_TYPE = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * One POST to a JSON-lines endpoint, checked in this order (the first failure answers, and
 * nothing is stored): same origin (403), JSON media type (415), size (413), a JSON object (400),
 * a receipt's shape (400), the leak scan (422), sealed fields (400/422), a receipt id already
 * stored with other content (409). Then the body is appended as one line.
 */
async function receive(req, res, { file, status, form, receipts }, receiver) {
  const origin = req.headers.origin;
  if (!origin || !receiver.origins.has(origin)) {
    req.resume();
    return refuse(res, 403, 'cross_origin', origin
      ? 'Only pages of this server may post here (the Origin is another site\'s).'
      : 'Only pages of this server may post here (the request has no Origin, which every browser sends on a POST).');
  }
  const type = String(req.headers['content-type'] ?? '');
  if (!JSON_TYPE.test(type)) {
    req.resume();
    return refuse(res, 415, 'media_type', 'The body must be application/json (UTF-8).');
  }
  let text;
  try {
    text = await readBody(req);
  } catch (err) {
    if (err.status === 413) return refuse(res, 413, 'too_large', `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    throw err;
  }
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return refuse(res, 400, 'not_json', 'The body is not JSON.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return refuse(res, 400, 'not_an_object', 'The body must be a JSON object.');
  }

  const policy = await readPolicy(receiver.policyFile);
  if (receipts) {
    const problem = checkReceipt(body);
    if (problem) return refuse(res, 400, 'receipt_shape', `${problem.path} ${problem.reason}.`, { path: problem.path });
  }
  const exempt = receipts ? receiptExemption(policy) : formExemption(policy, form);
  const leaks = findLeaks(body, receiver.scan, exempt);
  if (leaks.length > 0) {
    // The paths and the kinds go back; the values are neither echoed, logged nor kept.
    const where = leaks.map((l) => (l.in === 'key' ? `a key (${l.path})` : l.path)).join(', ');
    return refuse(res, 422, 'identifier_in_body', `A raw identifier was sent in ${where}; nothing was stored.`, { fields: leaks });
  }
  if (form) {
    const sealProblem = await sealCheck(receiver.recipient, policy, form, body);
    // Only the field and the reason go back; the value (sealed or not) is neither echoed nor kept.
    if (sealProblem) {
      return refuse(res, sealProblem.status, 'sealed_field', sealProblem.message, { path: sealProblem.field });
    }
  }

  // One object per line; JSON.stringify never emits a raw newline, so a line is a record.
  const append = () => fsp.appendFile(file, `${JSON.stringify(body)}\n`, 'utf8');
  if (receipts) {
    const outcome = await receipts.store(body, append);
    if (outcome === 'conflict') {
      return refuse(res, 409, 'receipt_id_conflict',
        'A different receipt with this receipt_id is already stored; this one was not.', { path: 'receipt_id' });
    }
  } else {
    await append();
  }
  if (status === 204) return send(res, 204);
  return sendJson(res, status, { ok: true });
}

/**
 * Forwards a receipt's POST to the receipts service and its answer back. Only the headers the
 * service reads go along; the body is streamed, unread.
 */
function forwardReceipt(req, res, serviceUrl) {
  return new Promise((resolve) => {
    const headers = {};
    for (const name of ['origin', 'content-type', 'content-length']) {
      if (req.headers[name] !== undefined) headers[name] = req.headers[name];
    }
    const upstream = http.request(new URL('/consent-receipts', serviceUrl), { method: 'POST', headers }, (answer) => {
      const chunks = [];
      answer.on('data', (chunk) => chunks.push(chunk));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        const out = { ...securityHeaders(), 'Cache-Control': 'no-store', 'Content-Length': body.length };
        for (const name of ['content-type', 'retry-after']) {
          if (answer.headers[name] !== undefined) out[name] = answer.headers[name];
        }
        res.writeHead(answer.statusCode ?? 502, out);
        res.end(body);
        resolve();
      });
      answer.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    upstream.on('error', () => {
      req.resume();
      if (!res.headersSent) {
        res.setHeader('Retry-After', '5');
        refuse(res, 503, 'receipts_service_unreachable', 'The receipts service cannot be reached; nothing was stored. Send it again later.');
      }
      resolve();
    });
    req.pipe(upstream);
  });
}

/** A refusal of a POST: `{ error, message, …extra }` as JSON; never a value from the body. */
function refuse(res, status, error, message, extra = {}) {
  return sendJson(res, status, { error, message, ...extra });
}

function sendJson(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    ...securityHeaders(),
    'Content-Type': MIME_TYPES['.json'],
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      // Keep draining past the limit (discarding) so the client still gets its 413 answer.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) reject(Object.assign(new Error('Payload Too Large'), { status: 413 }));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function securityHeaders() {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

/** A generated body (not a file) with the same headers as a served file. */
function sendText(req, res, status, type, text) {
  const headers = { ...securityHeaders(), 'Content-Type': type, 'Cache-Control': 'no-store' };
  let body = Buffer.from(text, 'utf8');
  if (COMPRESSIBLE.test(type)) {
    headers.Vary = 'Accept-Encoding';
    if (acceptsGzip(req)) {
      body = gzipSync(body, { level: 9 });
      headers['Content-Encoding'] = 'gzip';
    }
  }
  res.writeHead(status, { ...headers, 'Content-Length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function send(res, status, text = '', extraHeaders = {}) {
  const headers = { ...securityHeaders(), 'Cache-Control': 'no-store', ...extraHeaders };
  if (status === 204 || text === '') {
    res.writeHead(status, headers);
    return res.end();
  }
  res.writeHead(status, { ...headers, 'Content-Type': MIME_TYPES['.txt'], 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function isMain() {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  const port = Number.parseInt(process.env.PORT ?? '8080', 10);
  let server;
  try {
    server = await startServer({
      port,
      dataDir: process.env.DATA_DIR || undefined,
      receiptsService: process.env.RECEIPTS_SERVICE || undefined,
    });
  } catch (err) {
    console.error(`The demo server did not start: ${err.message}`);
    process.exit(1);
  }
  if (!fs.existsSync(path.join(WWW_DIR, 'liff', 'dist', 'app.js'))) {
    console.warn('warning: www/liff/dist/ is not built yet (scripts/build-liff.sh); the LIFF page will not start.');
  }
  console.log(`Mor Prom privacy demo: ${server.url}/`);
  console.log(`LINE LIFF mini-app page: ${server.url}/liff/ (?mock=1 without LINE)`);
  console.log(`form submissions (JSON lines): ${server.registerFile}`);
  console.log(`certificate requests (JSON lines): ${server.certificateFile}`);
  if (process.env.RECEIPTS_SERVICE) {
    console.log(`consent receipts: forwarded to the receipts service at ${process.env.RECEIPTS_SERVICE}`);
  } else {
    console.log(`consent receipts (JSON lines): ${server.receiptsFile}`);
  }
  console.log(`sealed fields open with key ${server.seal.kid} (new at every start; private key in memory only)`);
  console.log('Ctrl+C to stop.');
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping.`);
    server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
