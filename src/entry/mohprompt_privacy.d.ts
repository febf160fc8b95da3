// What the package's entry (mohprompt_privacy.js, next to this file) adds to the full module's
// typings, or declares its own way. scripts/entry-types.mjs appends it to them.

/** Where `init` finds each module's wasm; each defaults to the file next to the script. */
export interface InitOptions {
  /** The full module's wasm (`mohprompt_privacy_bg.wasm`), loaded after the banner. */
  module_or_path?: InitInput | Promise<InitInput>;
  /** The banner module's wasm (`mohprompt_privacy_banner_bg.wasm`), loaded by `init` itself. */
  banner_module_or_path?: InitInput | Promise<InitInput>;
}

/**
 * Loads the banner module, the small wasm that `Privacy.start` runs at once. The full module
 * (forms, masking, sealing, receipts, the privacy centre, the string utilities) loads after the
 * banner's first frame, or at once where no banner is due; `ready()` loads it on demand. Passing
 * an `InitInput` directly (deprecated) names the full module's wasm.
 */
export default function init(options?: InitOptions | InitInput | Promise<InitInput>): Promise<InitOutput>;

/**
 * Resolves once the full module has loaded, loading it if it has not started: the string
 * utilities (`validateThaiId`, `formatThaiId`, `normalizeThaiPhone`, `maskValue`, `scanText`)
 * throw `module_loading` before. Not needed after `initSync`.
 */
export function ready(): Promise<void>;

export interface Privacy {
  /**
   * Resolves once the full module runs on this page and the forms `attachForm` queued are
   * attached. Before it: `attachForm` queues, `openPreferences` and `sealSubmission` wait,
   * `prepareSubmission` and `receipts` throw `module_loading`; the decisions, the banner, `set`,
   * `withdraw` and `on` work at once. Rejects where the full module cannot load or refuses the
   * policy (the error's `code`); the forms then stay unable to send.
   */
  readonly ready: Promise<void>;
}
