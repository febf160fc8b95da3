// The full module's glue in Node: imported at once, so that `initSync` can instantiate the full
// module synchronously, as the string utilities' callers expect.

import * as glue from './mohprompt_privacy_full.js';

export const full = glue;

export async function loadFull() {
  return glue;
}
