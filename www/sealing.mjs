// The receiving side of sealed fields. The browser encrypts a national ID, a passport number or
// a phone number with HPKE (RFC 9180, base mode, DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 /
// AES-128-GCM) to the public key the policy lists, so only the holder of the private key reads
// it. This module is that holder for the demo server: it makes the key pair, publishes the
// public half as a policy `keys` entry, and opens and checks what arrives.
//
// The cryptography is @hpke/core's (on Node's WebCrypto), not ours. The private key lives in this
// process only, as a non-extractable CryptoKey: it is never exported, written or logged, and a
// restart makes a new one (with a new kid).
//
// A sealed value is `hpke1.<kid>.<base64url(enc)>.<base64url(ciphertext)>`, and its info binds
// it to one policy version, one form and one field, so a value copied into another field or
// form does not open. Errors name the field and the reason, never the value.

import { randomBytes, webcrypto } from 'node:crypto';
import { Aes128Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';

/** The suite string of a policy `keys` entry, as the browser module expects it. */
export const SEAL_SUITE = 'DHKEM(P-256, HKDF-SHA256)/HKDF-SHA256/AES-128-GCM';

/** The field operator that asks the browser to seal a field. */
export const SEAL_OPERATOR = 'seal';

// The first part of info: names the format, so a key used for something else never opens these.
const INFO_LABEL = 'mohprompt-privacy/seal/v1';
const SEALED_PREFIX = 'hpke1';
// An uncompressed P-256 point (0x04, x, y) is both the public key and the enc.
const POINT_BYTES = 65;
const TAG_BYTES = 16;
const KID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * Why a sealed field was refused: `field` and `reason` are safe to show and log (they never hold
 * the value); `status` is 400 for a value that is not a sealed string at all, 422 for one that is
 * well formed but does not open or does not hold what its field needs.
 */
export class SealError extends Error {
  constructor(field, reason, status = 422) {
    super(`${field}: ${reason}`);
    this.name = 'SealError';
    this.field = field;
    this.reason = reason;
    this.status = status;
  }
}

/** The one suite sealed fields use; a fresh object, since @hpke/core suites hold no secrets. */
export function sealSuite() {
  return new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });
}

/**
 * Makes the recipient: a new P-256 key pair and its kid (`demo-` and 8 random hex digits, so a
 * page holding the policy of an earlier run is told its key is unknown rather than failing to
 * open). The result holds the private key; keep it in memory only.
 * @param {object} [options]
 * @param {string} [options.kid]  1 to 64 of A-Z a-z 0-9 _ -; default: a random `demo-…` one.
 * @returns {Promise<{kid: string, publicKey: string, keyEntry: {kid: string, suite: string,
 *   public_key: string}, recipientKey: CryptoKeyPair, suite: CipherSuite}>}
 *   `publicKey` is the base64url of the 65-byte point, as in `keyEntry.public_key`.
 */
export async function createRecipient({ kid = randomKid() } = {}) {
  if (!KID_PATTERN.test(kid)) throw new TypeError('kid: use 1 to 64 of A-Z a-z 0-9 _ -');
  const suite = sealSuite();
  // WebCrypto rather than suite.kem.generateKeyPair(), which makes the private key extractable:
  // this one cannot be exported at all, so no later mistake can write or log it. @hpke/core takes
  // such a pair as it is (only deriveBits is needed to open).
  const recipientKey = await webcrypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']);
  const point = new Uint8Array(await suite.kem.serializePublicKey(recipientKey.publicKey));
  const publicKey = toBase64url(point);
  const keyEntry = Object.freeze({ kid, suite: SEAL_SUITE, public_key: publicKey });
  return Object.freeze({ kid, publicKey, keyEntry, recipientKey, suite });
}

function randomKid() {
  return `demo-${randomBytes(4).toString('hex')}`;
}

/**
 * The HPKE info of one field: the format label, the policy version, the form id and the field
 * name, each after a 0x00. Sender and recipient must build it byte for byte the same.
 */
export function sealInfo({ version, form, field }) {
  const text = [INFO_LABEL, version, form, field].join('\0');
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/**
 * Splits a sealed string into its kid, enc and ciphertext, or throws a SealError (400) that
 * says which part is wrong. Base64url must be unpadded and canonical: there is one spelling of
 * each sealed value.
 */
export function parseSealed(field, value) {
  if (typeof value !== 'string') throw new SealError(field, 'must be a sealed string', 400);
  const parts = value.split('.');
  if (parts.length !== 4 || parts[0] !== SEALED_PREFIX) {
    throw new SealError(field, 'is not sealed (expected hpke1.<kid>.<enc>.<ciphertext>)', 400);
  }
  const [, kid, encText, ctText] = parts;
  if (!KID_PATTERN.test(kid)) throw new SealError(field, 'has a malformed kid', 400);
  const enc = fromBase64url(encText);
  if (enc === null || enc.length !== POINT_BYTES) {
    throw new SealError(field, `has a malformed enc (expected base64url of ${POINT_BYTES} bytes)`, 400);
  }
  const ct = fromBase64url(ctText);
  if (ct === null || ct.length < TAG_BYTES) {
    throw new SealError(field, 'has a malformed ciphertext (expected base64url of at least the 16-byte tag)', 400);
  }
  return { kid, enc, ct };
}

/**
 * Opens one sealed field and returns its plaintext. Throws a SealError when the string is
 * malformed (400), was sealed to another kid, or does not open with the info of this policy
 * version, form and field (422): the AEAD tag covers the whole ciphertext and the info, so a
 * changed byte, another field's value or another form's value all end here.
 * @param {{kid: string, recipientKey: CryptoKeyPair, suite?: CipherSuite}} recipient
 *   what createRecipient returns, or startServer's `seal` (which has no suite: a new one is made)
 * @param {{version: string, form: string, field: string}} where
 * @param {unknown} value  what arrived in the body for that field
 * @returns {Promise<string>}
 */
export async function openSealed(recipient, { version, form, field }, value) {
  const { kid, enc, ct } = parseSealed(field, value);
  if (kid !== recipient.kid) {
    throw new SealError(field, `was sealed to key "${kid}", which is not this server's key`);
  }
  let plaintext;
  try {
    const suite = recipient.suite ?? sealSuite();
    const context = await suite.createRecipientContext({
      recipientKey: recipient.recipientKey,
      enc,
      info: sealInfo({ version, form, field }),
    });
    plaintext = await context.open(ct);
  } catch {
    // The cause is not shown: whether the point or the tag failed tells an attacker more than
    // it tells the sender.
    throw new SealError(field, `does not open for form "${form}", field "${field}", policy ${version}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plaintext);
  } catch {
    throw new SealError(field, 'opens to text that is not UTF-8');
  }
}

// What each field kind must hold once the browser has normalised it (src/identifiers.rs).
const IDENTIFIER_RULES = {
  national_id: {
    test: isThaiId,
    reason: 'is not a national ID (13 digits, first 1 to 8, with a valid check digit)',
  },
  passport: {
    // The Thai pattern or another country's: 6 to 9 letters and digits, at least one digit.
    test: (text) => /^[A-Z0-9]{6,9}$/.test(text) && /[0-9]/.test(text),
    reason: 'is not a passport number (6 to 9 upper-case letters and digits, at least one digit)',
  },
  phone: {
    // +66 and a national number of the shapes libphonenumber's Thai metadata has (the module
    // checks the ranges): a mobile or VoIP number (6/8/9 and 8 digits, or 14 and 7), a fixed line
    // (2/3/4/5/7 and 7 digits, or 10/16/18/19 and 6), toll-free 1800 or premium 1900 and 6
    // digits, or toll-free 001800 and 7.
    test: (text) => /^\+66(?:[689][0-9]{8}|14[0-9]{7}|[23457][0-9]{7}|1[0689][0-9]{6}|1[89]00[0-9]{6}|001800[0-9]{7})$/.test(text),
    reason: 'is not a Thai phone number in E.164 (+66 and a Thai national number)',
  },
};

/**
 * Whether 13 ASCII digits form a Thai national ID: the first (the person type) is 1 to 8 and
 * digit 13 = (11 − (13·d1 + 12·d2 + … + 2·d12) mod 11) mod 10.
 */
export function isThaiId(text) {
  if (!/^[1-8][0-9]{12}$/.test(text)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(text[i]) * (13 - i);
  return (11 - (sum % 11)) % 10 === Number(text[12]);
}

/**
 * Checks an opened value against the rule of its field kind (national_id, passport, phone) and
 * throws a SealError (422) naming `field` when it fails. A kind without a rule here only has to
 * be non-empty: the browser sealed it, so it reached no one else either way.
 */
export function checkIdentifier(kind, plaintext, field = kind) {
  if (typeof plaintext !== 'string' || plaintext === '') throw new SealError(field, 'is empty');
  const rule = IDENTIFIER_RULES[kind];
  if (rule && !rule.test(plaintext)) throw new SealError(field, rule.reason);
}

/** The fields of a policy form that the browser must seal: `[{ name, kind }]`, or [] for none. */
export function sealedFields(policy, formId) {
  const fields = policy?.forms?.[formId]?.fields;
  if (!Array.isArray(fields)) return [];
  return fields
    .filter((field) => field.operator === SEAL_OPERATOR)
    .map((field) => ({ name: field.name, kind: field.kind ?? field.name }));
}

/**
 * Checks every sealed field of `formId` that is present in `body`: it must open for this policy
 * version, form and field and hold what its kind needs. Resolves when all pass; throws the
 * first SealError otherwise. The plaintexts are dropped here and never returned.
 */
export async function checkSealedBody(recipient, policy, formId, body) {
  for (const { name, kind } of sealedFields(policy, formId)) {
    if (!Object.hasOwn(body, name)) continue;
    const plaintext = await openSealed(recipient, { version: policy.version, form: formId, field: name }, body[name]);
    checkIdentifier(kind, plaintext, name);
  }
}

/** Base64url without padding, as the policy and sealed strings spell bytes. */
export function toBase64url(bytes) {
  return Buffer.from(bytes).toString('base64url');
}

/** The bytes of canonical unpadded base64url, or null for anything else. */
export function fromBase64url(text) {
  if (!BASE64URL_PATTERN.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  // Buffer ignores stray bits in the last character: refuse any spelling but the one it writes.
  if (bytes.toString('base64url') !== text) return null;
  return new Uint8Array(bytes);
}
