// The input experience of identifier fields (issue 5, deliverable 3): a national ID and a phone
// number are grouped as they are typed (1-2345-45678-78-1, 081-234-5678) without moving the caret
// away from the digit just typed or deleted; Thai digits pasted in become ASCII; leaving the field
// shows its mask, with a reveal button (aria-pressed) beside it, and focusing it shows the real
// value again; submission and validation always use the real value, and a wrong check digit is
// reported when the field is left.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  useDemo, SEL, REGISTRATION, fillForm, toThaiDigits, THAI_LETTERS, assertAxeClean, openSealedValue,
} from './harness.mjs';

const demo = useDemo();

const ID = '1234545678781';
const ID_GROUPED = '1-2345-45678-78-1';
const ID_MASKED = 'x-xxxx-xxxxx-78-1';
const MOBILE = '0812345678';
const MOBILE_GROUPED = '081-234-5678';

const reveal = (name) => `${SEL.form} button[data-privacy-reveal="${name}"]`;

/** The control's value and selection now. */
function control(s, name) {
  return s.page.locator(SEL.formControl(name)).evaluate((el) => ({
    value: el.value, start: el.selectionStart, end: el.selectionEnd, focused: document.activeElement === el,
  }));
}

/** How many digits stand before the caret, and the character just before it. */
const beforeCaret = ({ value, start }) => ({ digits: (value.slice(0, start).match(/[0-9]/g) ?? []).length, char: value[start - 1] ?? null });

/**
 * The grouped form of the first `n` digits of `grouped` (a full grouping): the text up to the n-th
 * digit, with or without the separator that follows it.
 */
function groupedPrefixes(grouped, n) {
  let seen = 0;
  for (let i = 0; i < grouped.length; i += 1) {
    if (/[0-9]/.test(grouped[i])) seen += 1;
    if (seen === n) {
      const exact = grouped.slice(0, i + 1);
      return grouped[i + 1] === '-' ? [exact, `${exact}-`] : [exact];
    }
  }
  return [grouped];
}

/** Types `digits` one key at a time into an empty control, checking the grouping after each key. */
async function typeGrouped(s, name, digits, grouped) {
  await s.page.fill(SEL.formControl(name), '');
  await s.page.focus(SEL.formControl(name));
  const wrong = [];
  for (let n = 1; n <= digits.length; n += 1) {
    await s.page.keyboard.type(digits[n - 1]);
    const state = await control(s, name);
    const allowed = groupedPrefixes(grouped, n);
    if (!allowed.includes(state.value)) wrong.push(`after ${digits.slice(0, n)}: "${state.value}", expected ${allowed.map((a) => `"${a}"`).join(' or ')}`);
    else if (state.start !== state.value.length || state.end !== state.value.length) wrong.push(`after ${digits.slice(0, n)}: caret at ${state.start}–${state.end}, not at the end`);
  }
  assert.deepEqual(wrong, [], `${name}: typing ${digits} key by key`);
  assert.equal((await control(s, name)).value, grouped, `${name}: the grouped value once typed`);
}

/** Pastes `text` into the focused control the way a person does (clipboard, then Ctrl/Cmd+V). */
async function paste(s, name, text) {
  await s.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.url });
  await s.page.fill(SEL.formControl(name), '');
  await s.page.focus(SEL.formControl(name));
  await s.page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await s.page.keyboard.press('ControlOrMeta+V');
}

/** Moves focus out of the control with Tab and waits until it is no longer focused. */
async function leave(s, name) {
  await s.page.focus(SEL.formControl(name));
  await s.page.keyboard.press('Tab');
  await s.page.waitForFunction((sel) => document.activeElement !== document.querySelector(sel), SEL.formControl(name));
}

async function fieldMessage(s, name) {
  return s.page.evaluate(([formSel, n]) => {
    const form = document.querySelector(formSel);
    const el = form.querySelector(`[data-privacy-error="${n}"]`);
    const text = el && el.checkVisibility() ? el.textContent.replace(/\s+/g, ' ').trim() : '';
    return { text: text || null, invalid: form.querySelector(`[name="${n}"]`).getAttribute('aria-invalid') };
  }, [SEL.form, name]);
}

// ----- grouping as typed ------------------------------------------------------------------------

test('a national ID is grouped 1-4-5-2-1 as it is typed, the caret staying after the last digit', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await typeGrouped(s, 'national_id', ID, ID_GROUPED);
  // Dashes typed by the person are not doubled.
  await s.page.fill(SEL.formControl('national_id'), '');
  await s.page.focus(SEL.formControl('national_id'));
  await s.page.keyboard.type(ID_GROUPED);
  assert.equal((await control(s, 'national_id')).value, ID_GROUPED, 'typing the grouped ID with its dashes');
});

test('a mobile number is grouped 0XX-XXX-XXXX as it is typed', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await typeGrouped(s, 'phone', MOBILE, MOBILE_GROUPED);
});

test('a digit typed or deleted in the middle of a national ID keeps the caret after the same digit', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.focus(SEL.formControl('national_id'));
  await s.page.keyboard.type('123454567878');
  const start = (await control(s, 'national_id')).value;
  assert.ok(['1-2345-45678-78', '1-2345-45678-78-'].includes(start), `precondition: twelve digits typed show as "${start}"`);

  // Caret after the third digit (1-23|45…), then a 9: 1-2394-54567-87-8, caret right after the 9.
  await s.page.locator(SEL.formControl('national_id')).evaluate((el) => el.setSelectionRange(4, 4));
  await s.page.keyboard.type('9');
  let state = await control(s, 'national_id');
  assert.equal(state.value, '1-2394-54567-87-8', 'the ID after typing 9 in the middle');
  assert.deepEqual(beforeCaret(state), { digits: 4, char: '9' }, `the caret moved away from the typed 9: value "${state.value}", caret at ${state.start}`);
  assert.equal(state.start, state.end, 'typing left a selection');

  // Backspace takes the 9 away again; the caret stays after the 3.
  await s.page.keyboard.press('Backspace');
  state = await control(s, 'national_id');
  assert.ok(['1-2345-45678-78', '1-2345-45678-78-'].includes(state.value), `the ID after Backspace: "${state.value}"`);
  assert.deepEqual(beforeCaret(state), { digits: 3, char: '3' }, `the caret moved after Backspace: value "${state.value}", caret at ${state.start}`);
});

test('a digit typed in the middle of a phone number keeps the caret after it', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.focus(SEL.formControl('phone'));
  await s.page.keyboard.type('081234567');
  const start = (await control(s, 'phone')).value;
  assert.ok(['081-234-567'].includes(start), `precondition: nine digits typed show as "${start}"`);
  // Caret after 081-2|34-567, then a 9: 081-293-4567, caret right after the 9.
  await s.page.locator(SEL.formControl('phone')).evaluate((el) => el.setSelectionRange(5, 5));
  await s.page.keyboard.type('9');
  const state = await control(s, 'phone');
  assert.equal(state.value, '081-293-4567', 'the phone number after typing 9 in the middle');
  assert.deepEqual(beforeCaret(state), { digits: 5, char: '9' }, `the caret moved away from the typed 9: value "${state.value}", caret at ${state.start}`);
});

test('pasting Thai digits gives ASCII digits, grouped', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await paste(s, 'national_id', toThaiDigits(ID));
  assert.equal((await control(s, 'national_id')).value, ID_GROUPED, 'the national ID pasted in Thai digits');
  await paste(s, 'national_id', '1 2345 45678 78 1');
  assert.equal((await control(s, 'national_id')).value, ID_GROUPED, 'the national ID pasted with spaces');
  await paste(s, 'phone', toThaiDigits(MOBILE_GROUPED));
  assert.equal((await control(s, 'phone')).value, MOBILE_GROUPED, 'the phone number pasted in Thai digits');
});

// ----- masked on blur, revealed on request ------------------------------------------------------

test('leaving the national ID shows its mask; the reveal button and focusing the field show the real value', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.focus(SEL.formControl('national_id'));
  await s.page.keyboard.type(ID);
  await leave(s, 'national_id');

  assert.equal((await control(s, 'national_id')).value, ID_MASKED, 'the field does not show its mask once left');
  const button = s.page.locator(reveal('national_id'));
  assert.equal(await button.count(), 1, `expected one ${reveal('national_id')}`);
  const info = await button.evaluate((el, sel) => {
    const input = document.querySelector(sel);
    return {
      type: el.type,
      pressed: el.getAttribute('aria-pressed'),
      name: (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim(),
      visible: el.checkVisibility(),
      besideField: Boolean(input.closest('.form-field')?.contains(el)),
    };
  }, SEL.formControl('national_id'));
  assert.equal(info.type, 'button', 'the reveal button would submit the form (type is not "button")');
  assert.equal(info.pressed, 'false', 'the reveal button is not aria-pressed="false" while the mask shows');
  assert.ok(info.name.length > 0, 'the reveal button has no accessible name');
  assert.equal(info.visible, true, 'the reveal button is not visible');
  assert.equal(info.besideField, true, 'the reveal button is not next to the field');

  await button.click();
  assert.equal(await button.getAttribute('aria-pressed'), 'true', 'pressing reveal does not set aria-pressed="true"');
  assert.equal((await control(s, 'national_id')).value, ID_GROUPED, 'pressing reveal does not show the real value');
  await button.click();
  assert.equal(await button.getAttribute('aria-pressed'), 'false', 'pressing reveal again does not set aria-pressed="false"');
  assert.equal((await control(s, 'national_id')).value, ID_MASKED, 'pressing reveal again does not show the mask');

  await s.page.focus(SEL.formControl('national_id'));
  assert.equal((await control(s, 'national_id')).value, ID_GROUPED, 'focusing the field does not show the real value');
  await leave(s, 'national_id');
  assert.equal((await control(s, 'national_id')).value, ID_MASKED, 'leaving the field again does not show the mask');
  const message = await fieldMessage(s, 'national_id');
  assert.equal(message.text, null, 'a valid ID shown masked has a message (was the mask validated?)');
  assert.notEqual(message.invalid, 'true', 'a valid ID shown masked is aria-invalid (was the mask validated?)');
  await s.settle();
  assert.deepEqual(s.registerPosts(), [], 'the reveal button posted the form');
});

test('while the mask shows, validation and submission use the real value', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await fillForm(s, { ...REGISTRATION, national_id: '', phone: '' });
  await s.page.focus(SEL.formControl('national_id'));
  await s.page.keyboard.type(ID);
  await s.page.focus(SEL.formControl('phone'));
  await s.page.keyboard.type(MOBILE);
  await leave(s, 'phone');
  assert.equal((await control(s, 'national_id')).value, ID_MASKED, 'precondition: the national ID shows its mask');

  const prepared = await s.page.evaluate(async (sel) => JSON.parse(JSON.stringify(await window.privacy.sealSubmission(document.querySelector(sel)))), SEL.form);
  const open = (field, value) => openSealedValue(demo, { form: 'register', field }, value);
  assert.equal(await open('national_id', prepared.payload.national_id), ID, 'sealSubmission sealed something else than the real ID');

  await s.page.locator(SEL.formPurpose('contact')).check();
  const before = (await s.events('privacy:submit')).length;
  await s.page.click(SEL.formSubmit);
  await s.page.waitForFunction((n) => window.__e2e.events.filter((e) => e.type === 'privacy:submit').length > n, before);
  const [post] = s.registerPosts();
  assert.ok(post, `the form was not posted: ${JSON.stringify(await fieldMessage(s, 'national_id'))}`);
  assert.equal(await open('national_id', post.json.national_id), ID, 'the posted national ID does not open to the real ID');
  assert.equal(await open('phone', post.json.phone), '+66812345678', 'the posted phone does not open to the real number in E.164');
});

for (const lang of ['th', 'en']) {
  test(`a national ID with a wrong check digit gets its message when the field is left (${lang})`, async (t) => {
    const s = await demo.session(t);
    await s.goto(`/?lang=${lang}`);
    await s.page.focus(SEL.formControl('national_id'));
    await s.page.keyboard.type('1234545678782');
    await leave(s, 'national_id');
    await s.page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('aria-invalid') === 'true', SEL.formControl('national_id'));
    const message = await fieldMessage(s, 'national_id');
    assert.ok(message.text, 'no message at the national ID');
    if (lang === 'en') assert.match(message.text, /national ID/i, `the English message is not the national-ID message: ${message.text}`);
    else assert.match(message.text, THAI_LETTERS, `the Thai page's message is not in Thai: ${message.text}`);
    assert.deepEqual(s.registerPosts(), [], 'leaving the field posted something');
  });
}

test('axe finds no violation with the national ID masked and its reveal button shown', async (t) => {
  const s = await demo.session(t);
  await s.goto('/');
  await s.page.click(SEL.bannerAction('reject-all'));
  await s.waitForBannerGone();
  await s.page.focus(SEL.formControl('national_id'));
  await s.page.keyboard.type(ID);
  await leave(s, 'national_id');
  assert.equal(await s.page.locator(reveal('national_id')).count(), 1, 'precondition: the reveal button is there');
  await assertAxeClean(s, 'national ID masked');
});
