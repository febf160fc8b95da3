// Google Consent Mode v2 stub: the same dataLayer/gtag pair Google's snippet defines, but no
// Google code is ever loaded. It lets the demo (and the tests) see the consent commands the
// module sends: 'default' at start, 'update' after each decision.

window.dataLayer = window.dataLayer || [];
window.gtag = function gtag() {
  // gtag pushes the arguments object itself, not an array; keep that shape.
  window.dataLayer.push(arguments);
};
