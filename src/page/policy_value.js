// The banner module's reading of the policy the page gave, a JS value (src/page/policy_value.rs):
// one call into JS for each string, member and list, where js-sys would make four to six (the
// object check, Array.isArray, the key made into a JS string, Reflect.get, the null check, the
// string's type).
// The banner's part of the policy is a few hundred members, read while the banner waits.

/** The value under `key` of an object (not an array); undefined where there is none, or null. */
export function member(value, key) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return value[key] ?? undefined;
}

/** The string under `key` of an object; undefined where there is none. */
export function memberString(value, key) {
  const string = member(value, key);
  return typeof string === 'string' ? string : undefined;
}

/** The items of an array; undefined for any other value. */
export function items(value) {
  return Array.isArray(value) ? value : undefined;
}
