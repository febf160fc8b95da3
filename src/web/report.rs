//! What a submission reports to page code: the `{ payload, report }` of
//! `prepareSubmission` and `sealSubmission`, and the report of `privacy:submit`.
//! Names, kinds, actions and operators; the payload only where it is what
//! is sent.

use super::boundary::to_js;
use crate::fields::{FieldAction, FieldKind, Submission};
use crate::masking::MaskOperator;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use wasm_bindgen::prelude::*;

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
