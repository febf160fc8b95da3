// A TypeScript consumer of @mohprompt/privacy that uses every exported type, checked by strict
// tsc (tsconfig.json: strict, skipLibCheck false, lib ES2022 + DOM + DOM.Iterable, bundler
// resolution). Each `@ts-expect-error` line is misuse the types must refuse: tsc fails when one
// is accepted, so a type weakened to `any` (or a detail typed loosely) fails the check. Results
// are left to inference before they are misused: a variable annotated with the right type would
// accept an `any` without a word.
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
  type PolicyDocument,
  ready,
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
  const output = await init({ module_or_path: input });
  const memory: WebAssembly.Memory = output.memory;
  const same: InitOutput = output;
  // @ts-expect-error: the output names only the memory
  void output.start;
  void memory, same;
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
  // The policy option is the policy's own type, or its JSON text.
  const policy: PolicyDocument = {
    version: '2026.12-1',
    controller: { name: { th: 'ก', en: 'A' }, address: { th: 'ก', en: 'A' }, phone: '0 2590 1495', email: 'a@example.org', website: 'https://example.org' },
    policy_url: 'https://example.org/privacy',
    categories: [{ id: 'necessary', always_on: true, revision: 1, title: { th: 'ก', en: 'A' }, description: { th: 'ก', en: 'A' } }],
  };
  const withPolicy: PrivacyOptions = { policy };
  const withText: PrivacyOptions = { policy: JSON.stringify(policy) };
  // @ts-expect-error: a category's revision is a number
  const badRevision: PolicyDocument = { ...policy, categories: [{ ...policy.categories[0], revision: '1' }] };
  // @ts-expect-error: a policy needs its categories
  const noCategories: PrivacyOptions = { policy: { version: '1', controller: policy.controller, policy_url: policy.policy_url } };
  void withPolicy, withText, badRevision, noCategories;

  const privacy = Privacy.start(options);
  // The full module, after the banner module: a promise, and the same for the utilities.
  const loaded: Promise<void> = privacy.ready;
  const utilities: Promise<void> = ready();
  // @ts-expect-error: ready is a promise, not a flag
  const readyFlag: boolean = privacy.ready;
  void loaded, utilities, readyFlag;
  // @ts-expect-error: no such method
  privacy.grantAll();
  const decisions = privacy.decisions();
  const typedDecisions: Decisions = decisions;
  const state: DecisionState | undefined = decisions['statistics'];
  // @ts-expect-error: a decision is one of four strings, not a boolean
  const wrongState: boolean = decisions['statistics'];
  void typedDecisions, state, wrongState;
  const granted: boolean = privacy.hasConsent('statistics');
  // @ts-expect-error: hasConsent is a boolean
  const grantedText: string = privacy.hasConsent('statistics');
  void granted, grantedText;

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
  const submission = privacy.prepareSubmission(form);
  const typedSubmission: Submission = submission;
  const payload: Record<string, string> = submission.payload;
  // @ts-expect-error: a payload value is a string
  const count: number = submission.payload['national_id'];
  // @ts-expect-error: the report is not a list
  void submission.report.length;
  void typedSubmission, count;
  const field = submission.report.fields[0];
  const typedField: ReportField | undefined = field;
  void typedField, payload;
  if (field) {
    const kind: FieldKind | null = field.kind;
    const operator: MaskOperator | null = field.operator;
    const action: FieldAction = field.action;
    // @ts-expect-error: a report never holds a value
    void field.value;
    void kind, operator, action;
  }
  const sealing = privacy.sealSubmission(form);
  // @ts-expect-error: sealSubmission is a promise
  void sealing.payload;
  const sealed = await sealing;
  const typedSealed: Submission = sealed;
  // @ts-expect-error: a payload value is a string
  const sealedCount: number = sealed.payload['national_id'];
  void typedSealed, sealedCount;
  const receipts = privacy.receipts();
  const typedReceipts: Receipt[] = receipts;
  // @ts-expect-error: receipts are objects, not strings
  const receiptTexts: string[] = receipts;
  void typedReceipts, receiptTexts;
  privacy.set('statistics', true);
  privacy.withdraw('statistics');
  // @ts-expect-error: set takes a boolean
  privacy.set('statistics', 'yes');
  return privacy;
}

export function utilities(): void {
  const valid: boolean = validateThaiId('1-2345-45678-78-1');
  // @ts-expect-error: validateThaiId is a boolean
  const validText: string = validateThaiId('1-2345-45678-78-1');
  const formatted: string | null = formatThaiId('1234545678781');
  // @ts-expect-error: formatThaiId is null for an invalid ID
  const alwaysString: string = formatThaiId('1234545678781');
  const phone: string | null = normalizeThaiPhone('0812345678');
  // @ts-expect-error: normalizeThaiPhone is null for what is not a Thai number
  const alwaysPhone: string = normalizeThaiPhone('0812345678');
  const masked: string = maskValue('national_id', '1234545678781');
  // @ts-expect-error: maskValue is a string
  const maskedCount: number = maskValue('national_id', '1234545678781');
  // @ts-expect-error: the kind is a string
  maskValue(1, '1234545678781');
  const scan = scanText('โทร 081 234 5678');
  const typedScan: ScanResult = scan;
  const finding = scan.findings[0];
  const typedFinding: ScanFinding | undefined = finding;
  const findingKind: FindingKind | undefined = finding?.kind;
  // @ts-expect-error: a finding holds no value
  void finding?.value;
  // @ts-expect-error: not a finding kind
  const notAKind: FindingKind = 'national-id';
  // @ts-expect-error: the scan result's text is a string
  const scannedLength: number = scan.text;
  void valid, validText, formatted, alwaysString, phone, alwaysPhone, masked, maskedCount;
  void typedScan, typedFinding, findingKind, notAKind, scannedLength;
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
