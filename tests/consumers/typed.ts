// A TypeScript consumer of @mohprompt/privacy that uses every exported type, checked by strict
// tsc (tsconfig.json: strict, skipLibCheck false, lib ES2022 + DOM + DOM.Iterable, bundler
// resolution). Each `@ts-expect-error` line is misuse the types must refuse: tsc fails when one
// is accepted, so a type weakened to `any` (or a detail typed loosely) fails the check.
import init, {
  initSync,
  Privacy,
  validateThaiId,
  formatThaiId,
  normalizeThaiPhone,
  maskValue,
  scanText,
  type ChangeDetail,
  type CollectionMethod,
  type ConsentDetail,
  type DecisionState,
  type Decisions,
  type FieldAction,
  type FieldKind,
  type FindingKind,
  type InitInput,
  type InitOutput,
  type LegalBasis,
  type MaskOperator,
  type PrivacyError,
  type PrivacyErrorCode,
  type PrivacyEvent,
  type PrivacyEventMap,
  type PrivacyOptions,
  type Receipt,
  type ReportField,
  type ScanFinding,
  type ScanResult,
  type SubmitDetail,
  type Submission,
  type SubmissionReport,
  type SyncInitInput,
  type UnsentReport,
} from '@mohprompt/privacy';

declare const wasmBytes: Uint8Array<ArrayBuffer>;

export async function start(form: HTMLFormElement): Promise<Privacy> {
  const input: InitInput = new URL('https://example.org/mohprompt_privacy_bg.wasm');
  const output: InitOutput = await init({ module_or_path: input });
  const memory: WebAssembly.Memory = output.memory;
  void memory;
  const sync: SyncInitInput = wasmBytes;
  initSync({ module: sync });

  const options: PrivacyOptions = { lang: 'en', storage: 'memory', receiptEndpoint: '/api/consent-receipts' };
  // @ts-expect-error: no such language
  const badLang: PrivacyOptions = { lang: 'fr' };
  // @ts-expect-error: no such option
  const badOption: PrivacyOptions = { langauge: 'en' };
  // @ts-expect-error: storage is 'auto' or 'memory'
  const badStorage: PrivacyOptions = { storage: 'local' };
  void badLang, badOption, badStorage;

  const privacy = Privacy.start(options);
  const decisions: Decisions = privacy.decisions();
  const state: DecisionState | undefined = decisions['statistics'];
  // @ts-expect-error: a decision is one of four strings, not a boolean
  const wrongState: boolean = decisions['statistics'];
  void state, wrongState;
  const granted: boolean = privacy.hasConsent('statistics');
  void granted;

  privacy.on('consent', (detail) => {
    const method: CollectionMethod = detail.method;
    const now: Decisions = detail.decisions;
    // @ts-expect-error: a consent detail has no reloadRequired
    void detail.reloadRequired;
    void method, now;
  });
  privacy.on('change', (detail) => {
    const changed: string[] = detail.changed;
    const reload: boolean = detail.reloadRequired;
    void changed, reload;
  });
  privacy.on('receipt', (receipt) => {
    const id: string = receipt.receipt_id;
    const basis: LegalBasis | undefined = receipt.purposes[0]?.legal_basis;
    // @ts-expect-error: a receipt carries no value typed into a form
    void receipt.payload;
    void id, basis;
  });
  privacy.on('submit', (detail) => {
    const ok: boolean = detail.ok;
    const status: number = detail.status;
    const report: SubmissionReport | UnsentReport = detail.report;
    // @ts-expect-error: an unsent report has no fields: narrow first
    void detail.report.fields;
    if ('fields' in report) void report.fields.length;
    void ok, status;
  });
  // @ts-expect-error: no such event
  privacy.on('consented', () => {});
  // @ts-expect-error: a change detail has no method
  privacy.on('change', (detail) => detail.method);

  const handlers: { [E in PrivacyEvent]: (detail: PrivacyEventMap[E]) => void } = {
    consent: (detail: ConsentDetail) => void detail.decisions,
    change: (detail: ChangeDetail) => void detail.changed,
    receipt: (detail: Receipt) => void detail.subject,
    submit: (detail: SubmitDetail) => void detail.form,
  };
  privacy.on('consent', handlers.consent);

  privacy.attachForm(form);
  const submission: Submission = privacy.prepareSubmission(form);
  const payload: Record<string, string> = submission.payload;
  const field: ReportField | undefined = submission.report.fields[0];
  if (field) {
    const kind: FieldKind | null = field.kind;
    const operator: MaskOperator | null = field.operator;
    const action: FieldAction = field.action;
    // @ts-expect-error: a report never holds a value
    void field.value;
    void kind, operator, action;
  }
  // @ts-expect-error: a payload value is a string
  const count: number = payload['national_id'];
  void count;
  const sealed: Submission = await privacy.sealSubmission(form);
  // @ts-expect-error: sealSubmission is a promise
  void sealed.payload, privacy.sealSubmission(form).payload;
  const receipts: Receipt[] = privacy.receipts();
  // @ts-expect-error: receipts are objects, not strings
  const receiptTexts: string[] = privacy.receipts();
  void receipts, receiptTexts;
  privacy.set('statistics', true);
  privacy.withdraw('statistics');
  // @ts-expect-error: set takes a boolean
  privacy.set('statistics', 'yes');
  return privacy;
}

export function utilities(): void {
  const valid: boolean = validateThaiId('1-2345-45678-78-1');
  const formatted: string | null = formatThaiId('1234545678781');
  // @ts-expect-error: formatThaiId is null for an invalid ID
  const alwaysString: string = formatThaiId('1234545678781');
  const phone: string | null = normalizeThaiPhone('0812345678');
  const masked: string = maskValue('national_id', '1234545678781');
  const scan: ScanResult = scanText('โทร 081 234 5678');
  const finding: ScanFinding | undefined = scan.findings[0];
  const findingKind: FindingKind | undefined = finding?.kind;
  // @ts-expect-error: a finding holds no value
  void finding?.value;
  // @ts-expect-error: the scan result's text is a string
  const scannedLength: number = scan.text;
  void valid, formatted, alwaysString, phone, masked, findingKind, scannedLength;
}

export function handle(error: unknown): PrivacyErrorCode | undefined {
  if (error instanceof Error && 'code' in error) {
    const known = error as PrivacyError;
    const code: PrivacyErrorCode = known.code;
    // @ts-expect-error: not one of the codes
    const unknownCode: PrivacyErrorCode = 'init_missing';
    void unknownCode;
    return code;
  }
  return undefined;
}
