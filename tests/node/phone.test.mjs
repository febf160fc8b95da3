// normalizeThaiPhone against libphonenumber: thousands of numbers of every Thai range, lengths
// around them and numbers that are no Thai number, each in every spelling people type, read by
// the built module (pkg/) and by libphonenumber-js's max metadata with Thailand as the default
// region. Valid means isValid() with country calling code 66; the E.164 form is .number. They
// must agree on every input. libphonenumber-js does not read Thai digits (๐–๙): those inputs go
// to it with ASCII digits, and to the module as typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { initSync, normalizeThaiPhone } from '../../pkg/mohprompt_privacy_node.js';

initSync({ module: fs.readFileSync(new URL('../../pkg/mohprompt_privacy_bg.wasm', import.meta.url)) });

function seededRandom(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const random = seededRandom(66);
const digits = (n) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
const toScript = (s, zero) => s.replace(/[0-9]/g, (d) => String.fromCodePoint(zero.codePointAt(0) + Number(d)));
const fromThaiDigits = (s) => s.replace(/[๐-๙]/g, (d) => String(d.codePointAt(0) - 0x0e50));

// National numbers (without the trunk 0): every range of the Thai metadata at its length and one
// digit either side, and every two-digit start at lengths 7 to 11.
const RANGES = [
  ['2', 8], ['32', 8], ['39', 8], ['42', 8], ['45', 8], ['46', 8], ['48', 8], ['52', 8], ['56', 8],
  ['57', 8], ['73', 8], ['77', 8], ['78', 8], ['10', 8], ['16', 8], ['18', 8], ['19', 8], ['11', 8],
  ['14', 9], ['15', 9], ['8', 9], ['9', 9], ['61', 9], ['66', 9], ['60', 9], ['68', 9], ['6710', 9],
  ['6718', 9], ['6719', 9], ['6724', 9], ['6723', 9], ['6731', 9], ['6737', 9], ['674', 9], ['69', 9],
  ['1800', 10], ['1900', 10], ['1700', 10], ['001800', 13],
];
const nationals = [];
for (const [prefix, length] of RANGES) {
  for (const len of [length - 1, length, length + 1]) {
    for (let k = 0; k < 12; k += 1) nationals.push(prefix + digits(Math.max(0, len - prefix.length)));
  }
}
for (let start = 10; start <= 99; start += 1) {
  for (let len = 7; len <= 11; len += 1) nationals.push(String(start) + digits(len - 2));
}

function group(s, sizes, sep) {
  const out = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= s.length) break;
    out.push(s.slice(at, at + size));
    at += size;
  }
  if (at < s.length) out.push(s.slice(at));
  return out.join(sep);
}

// Every spelling of national number n.
function spellings(n) {
  const national = `0${n}`;
  return [
    n,
    national,
    group(national, [3, 3], '-'),
    group(national, [3, 3], ' '),
    group(national, [2, 3], '.'),
    group(national, [1, 4], '-'),
    `(${national.slice(0, 3)}) ${group(national.slice(3), [3], '-')}`,
    `(${national.slice(0, 2)}) ${national.slice(2)}`,
    `+66${n}`,
    `+66 ${group(n, [2, 3], ' ')}`,
    `+66-${group(n, [1, 4], '-')}`,
    `+66 0${n}`,
    `+660${n}`,
    `+66 (0) ${group(n, [2, 3], ' ')}`,
    `(+66) ${n}`,
    `0066${n}`,
    `0066 ${group(n, [2, 3], ' ')}`,
    `00660${n}`,
    `66${n}`,
    `66 ${group(n, [2, 3], ' ')}`,
    `660${n}`,
    `001 66 ${n}`,
    `009${66}${n}`,
    `+1${n}`,
    `+6${n}`,
    toScript(national, '๐'),
    toScript(`+66 ${group(n, [2, 3], ' ')}`, '๐'),
    toScript(group(national, [3, 3], '-'), '０'),
    ` ${national} `,
    `${national}.`,
  ];
}

function libphonenumber(input) {
  const number = parsePhoneNumberFromString(fromThaiDigits(input), 'TH');
  return number && number.isValid() && number.countryCallingCode === '66' ? number.number : null;
}

test('normalizeThaiPhone accepts exactly what libphonenumber reads as a valid Thai number, with the same E.164', () => {
  const inputs = [...new Set(nationals.flatMap(spellings))];
  const disagreements = [];
  let valid = 0;
  for (const input of inputs) {
    const expected = libphonenumber(input);
    const actual = normalizeThaiPhone(input) ?? null;
    if (expected !== null) valid += 1;
    if (actual !== expected) disagreements.push(`${JSON.stringify(input)}: module ${actual}, libphonenumber ${expected}`);
  }
  assert.ok(inputs.length > 20000, `only ${inputs.length} inputs`);
  assert.ok(valid > 5000 && valid < inputs.length - 5000, `${valid} valid of ${inputs.length}: the inputs must hold both`);
  assert.deepEqual(disagreements.slice(0, 30), [], `${disagreements.length} disagreements of ${inputs.length} inputs`);
});
