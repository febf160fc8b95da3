//! What a submission reports to page code: the `{ payload, report }` of
//! `prepareSubmission` and `sealSubmission`, and the report of `privacy:submit`.
//! Names, kinds, actions and operators; the payload only where it is what
//! is sent.

use crate::fields::{FieldAction, FieldKind, Submission};
use crate::masking::MaskOperator;
use crate::page::boundary::to_js;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A field's declared kind (the policy's `kind`). */
export type FieldKind =
  | 'title' | 'given_name' | 'family_name' | 'sex' | 'date_of_birth' | 'national_id'
  | 'passport' | 'nationality' | 'phone' | 'email' | 'address' | 'postal_code' | 'photo'
  | 'free_text';
/** How a declared field leaves the browser (the policy's `operator`). */
export type MaskOperator = 'keep' | 'mask' | 'keyed_hash' | 'redact' | 'drop' | 'seal';
/**
 * What was done to a control: sent (after its operator), empty, denied (a
 * purpose it serves is not allowed), dropped (its operator), or undeclared
 * (not in the policy: never sent).
 */
export type FieldAction = 'sent' | 'empty' | 'denied' | 'dropped' | 'undeclared';
/** One control of a submission's report: never its value. */
export interface ReportField {
  name: string;
  /** Its declared kind; `null` when it is not declared. */
  kind: FieldKind | null;
  action: FieldAction;
  /** How many identifiers the egress guard masked in its value. */
  masked: number;
  /** Its declared operator; `null` when it is not declared. */
  operator: MaskOperator | null;
}
/** What a submission did to each control of the form, by name. */
export interface SubmissionReport {
  /** The form's policy id. */
  form: string;
  fields: ReportField[];
  /** How many controls are not in the policy (never sent). */
  undeclared: number;
  undeclaredNames: string[];
}
/** What the guarded submit sends for a form (`payload`: name to value, each after its operator) and what it did to each control. */
export interface Submission {
  payload: Record<string, string>;
  report: SubmissionReport;
}
"#;

/// `{ payload, report }` of `prepareSubmission` and `sealSubmission`.
#[derive(Serialize)]
pub struct Prepared<'a> {
    /// `{ name: value }` of what is sent, in declaration order.
    pub payload: Payload<'a>,
    pub report: Report<'a>,
}

/// `{ name: value }` of what is sent: a map, so a plain object.
pub struct Payload<'a>(pub &'a [(String, String)]);

impl Serialize for Payload<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// What was done to each control: names, kinds, actions, operators and the
/// undeclared controls' names, never a value.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report<'a> {
    pub form: &'a str,
    pub fields: Vec<ReportField<'a>>,
    pub undeclared: u32,
    pub undeclared_names: Vec<&'a str>,
}

/// One control of a [`Report`].
#[derive(Serialize)]
pub struct ReportField<'a> {
    pub name: &'a str,
    /// Its declared kind; `null` when it is not declared.
    pub kind: Option<&'static str>,
    pub action: &'static str,
    /// How many identifiers the egress guard masked in its value.
    pub masked: u32,
    /// Its declared operator; `null` when it is not declared.
    pub operator: Option<&'static str>,
}

impl<'a> Report<'a> {
    /// The report of form `id`'s `submission`.
    pub fn of(id: &'a str, submission: &'a Submission) -> Report<'a> {
        let undeclared_names: Vec<&str> = submission
            .report
            .iter()
            .filter(|e| e.action == FieldAction::Undeclared)
            .map(|e| e.name.as_str())
            .collect();
        let fields = submission
            .report
            .iter()
            .map(|e| ReportField {
                name: &e.name,
                kind: e.kind.map(FieldKind::as_str),
                action: e.action.as_str(),
                masked: e.masked as u32,
                operator: e.operator.map(MaskOperator::as_str),
            })
            .collect();
        Report {
            form: id,
            fields,
            undeclared: undeclared_names.len() as u32,
            undeclared_names,
        }
    }
}

/// `{ payload, report }` of form `id`'s submission, as a JS object.
pub fn submission_object(id: &str, submission: &Submission) -> JsValue {
    to_js(&Prepared {
        payload: Payload(&submission.payload),
        report: Report::of(id, submission),
    })
}
