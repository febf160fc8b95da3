// Sealed fields (see seal.rs): HPKE (RFC 9180) in base mode with the suite
// DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-128-GCM, on WebCrypto, which
// has every primitive it needs (ECDH, HMAC, AES-GCM): the wasm carries none.
// A sealed value is `hpke1.<kid>.<enc>.<ciphertext>`, base64url without padding.

const ECDH = { name: 'ECDH', namedCurve: 'P-256' };
const utf8 = (text) => new TextEncoder().encode(text);
// suite_id of the KEM (0x0010), and of KEM, KDF (0x0001) and AEAD (0x0001) together.
const KEM = utf8('KEM\0\x10');
const SUITE = utf8('HPKE\0\x10\0\x01\0\x01');

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// HMAC-SHA256. WebCrypto refuses an empty key; HMAC pads a short key with
// zeros, so HKDF's empty salt is the same as 32 zero bytes.
async function hmac(key, data) {
  const raw = key.length ? key : new Uint8Array(32);
  const hmacKey = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, data));
}

// LabeledExtract, and LabeledExpand for outputs of one HMAC block or less.
const extract = (suite, salt, label, ikm) => hmac(salt, concat(utf8('HPKE-v1'), suite, utf8(label), ikm));
async function expand(suite, prk, label, info, length) {
  const labeled = concat([0, length], utf8('HPKE-v1'), suite, utf8(label), info, [1]);
  return (await hmac(prk, labeled)).slice(0, length);
}

function base64url(bytes) {
  const text = btoa(String.fromCharCode(...bytes));
  return text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * HPKE's single-shot seal of `plaintext` to `recipient` (an uncompressed P-256 point) under
 * `info` (both strings, sealed as UTF-8): the sealed string. `aad` (a string) and `ephemeral`
 * (a key pair) are given only by RFC 9180's test vectors; a seal always has a fresh ephemeral key.
 */
export async function hpkeSeal(kid, recipient, info, plaintext, aad, ephemeral) {
  const subtle = crypto.subtle;
  const peer = await subtle.importKey('raw', recipient, ECDH, false, []);
  // Not extractable: the private key cannot leave WebCrypto; the public one always can.
  const pair = ephemeral ?? (await subtle.generateKey(ECDH, false, ['deriveBits']));
  const enc = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  const dh = await subtle.deriveBits({ ...ECDH, public: peer }, pair.privateKey, 256);
  const eae = await extract(KEM, [], 'eae_prk', new Uint8Array(dh));
  const shared = await expand(KEM, eae, 'shared_secret', concat(enc, recipient), 32);
  const pskIdHash = await extract(SUITE, [], 'psk_id_hash', []);
  const context = concat([0], pskIdHash, await extract(SUITE, [], 'info_hash', utf8(info)));
  const secret = await extract(SUITE, shared, 'secret', []);
  const raw = await expand(SUITE, secret, 'key', context, 16);
  const key = await subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt']);
  const iv = await expand(SUITE, secret, 'base_nonce', context, 12);
  const gcm = { name: 'AES-GCM', iv, additionalData: utf8(aad ?? '') };
  const ciphertext = new Uint8Array(await subtle.encrypt(gcm, key, utf8(plaintext)));
  return `hpke1.${kid}.${base64url(enc)}.${base64url(ciphertext)}`;
}

/**
 * Seals each `[name, info, plaintext]` (strings) of `fields` into `target.payload[name]`, and resolves to
 * `target`; rejects with `failure` (an Error made by the module, never holding a value) when any
 * cannot be sealed.
 */
export async function sealInto(target, kid, recipient, fields, failure) {
  try {
    const sealing = fields.map(([, info, plaintext]) => hpkeSeal(kid, recipient, info, plaintext));
    const sealed = await Promise.all(sealing);
    fields.forEach(([name], i) => {
      target.payload[name] = sealed[i];
    });
    return target;
  } catch {
    throw failure;
  }
}
