// The WebCrypto half of sealing a field (see seal.rs): P-256 key agreement
// and AES-128-GCM, which the browser already has, so the wasm carries
// neither. `schedule(dh, enc)` is the Rust half between them: HPKE's key
// schedule, returning the AEAD key (16 bytes) followed by the nonce (12).
// Resolves to the sealed value `hpke1.<kid>.<enc>.<ciphertext>`.
// `aad` and `ephemeral` (a key pair) are given only by RFC 9180's test vectors.
export async function hpkeSeal(kid, recipient, plaintext, schedule, aad, ephemeral) {
  const subtle = crypto.subtle;
  const ecdh = { name: 'ECDH', namedCurve: 'P-256' };
  const peer = await subtle.importKey('raw', recipient, ecdh, false, []);
  const pair = ephemeral ?? (await subtle.generateKey(ecdh, true, ['deriveBits']));
  const enc = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  const dh = await subtle.deriveBits({ ...ecdh, public: peer }, pair.privateKey, 256);
  const keys = schedule(new Uint8Array(dh), enc);
  const key = await subtle.importKey('raw', keys.subarray(0, 16), 'AES-GCM', false, ['encrypt']);
  const gcm = { name: 'AES-GCM', iv: keys.subarray(16), additionalData: aad };
  const ciphertext = new Uint8Array(await subtle.encrypt(gcm, key, plaintext));
  return ['hpke1', kid, base64url(enc), base64url(ciphertext)].join('.');
}

function base64url(bytes) {
  const text = btoa(String.fromCharCode(...bytes));
  return text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
