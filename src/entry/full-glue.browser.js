// The full module's glue in a browser: a script of its own, fetched when the full module is
// wanted (after the banner's first frame, or at once where no banner is due), so that its
// bytes and its evaluation stay off the page's critical path.

export let full = null;

export async function loadFull() {
  full ??= await import('./mohprompt_privacy_full.js');
  return full;
}
