// Picks the page language before the body is drawn: Thai by default, English with ?lang=en.
// The page carries both texts (data-lang="th" / "en"); style.css hides the one that does not
// match <html lang>, so switching needs no text in JavaScript and works before the module loads.
// A classic (not module) script in <head> on purpose: it must run before the first paint.

(function choosePageLanguage() {
  'use strict';
  var SUPPORTED = { th: true, en: true };
  var TITLES = {
    th: 'หมอพร้อม – บริการสุขภาพดิจิทัล (หน้าสาธิต)',
    en: 'Mor Prom – digital health services (demo page)',
  };

  var requested = new URLSearchParams(window.location.search).get('lang');
  var lang = requested && SUPPORTED[requested] ? requested : 'th';
  document.documentElement.lang = lang;
  document.title = TITLES[lang];

  // Attributes cannot be switched by CSS: mark the current language link and translate labels.
  function updateAttributes() {
    var links = document.querySelectorAll('[data-lang-link]');
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute('data-lang-link') === lang) links[i].setAttribute('aria-current', 'true');
      else links[i].removeAttribute('aria-current');
    }
    var attr = 'data-aria-label-' + lang;
    var labelled = document.querySelectorAll('[' + attr + ']');
    for (var j = 0; j < labelled.length; j++) {
      labelled[j].setAttribute('aria-label', labelled[j].getAttribute(attr));
    }
  }
  document.addEventListener('DOMContentLoaded', updateAttributes);
})();
