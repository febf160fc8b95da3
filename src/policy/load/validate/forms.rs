//! The checks of what a policy says about forms: each form and its fields,
//! the LINE link, and the keys sealed fields go to. `validate.rs` runs them
//! after the categories and purposes they refer to.

use super::*;

/// A recipient key; `None` for a well-formed key of a suite this module
/// does not seal with (a policy may list it for newer clients).
pub(super) fn seal_key_of(
    raw: Obj<RawKey>,
    at: &At,
    problems: &mut Problems,
) -> Result<Option<SealKey>, Stop> {
    let raw = raw.0;
    let kid = raw.kid.0;
    if kid.is_empty()
        || kid.len() > 64
        || !kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        problems.note(at.key("kid").problem("use 1 to 64 of A-Z a-z 0-9 _ -"))?;
    }
    let key_at = at.key("public_key");
    let Some(public_key) = seal::from_base64url(&raw.public_key.0) else {
        problems.note(key_at.problem("not base64url without padding"))?;
        return Ok(None);
    };
    if raw.suite.0 != seal::SUITE {
        return Ok(None);
    }
    if public_key.len() != seal::POINT_BYTES || public_key.first() != Some(&4) {
        problems.note(key_at.problem("a P-256 public key is an uncompressed point of 65 bytes"))?;
        return Ok(None);
    }
    Ok(Some(SealKey { kid, public_key }))
}

pub(super) fn line_link(
    raw: Obj<RawLine>,
    at: &At,
    purposes: &[Purpose],
    forms: &[Form],
    problems: &mut Problems,
) -> Result<LineLink, Stop> {
    let raw = raw.0;
    let purpose = raw.purpose.0;
    if !purposes.iter().any(|p| p.id == purpose && p.asks_consent()) {
        problems.note(at.key("purpose").problem("must be a consent purpose"))?;
    }
    if raw.link.0 != "keyed_hash" {
        problems.note(at.key("link").problem("expected \"keyed_hash\""))?;
    }
    let field = raw.field.0;
    if forms
        .iter()
        .any(|form| form.fields.iter().any(|f| f.name == field))
    {
        problems.note(
            at.key("field")
                .problem("is already the name of a form field"),
        )?;
    }
    Ok(LineLink { purpose, field })
}

pub(super) fn form(
    raw: Obj<RawForm>,
    at: &At,
    id: &str,
    purposes: &[Purpose],
    problems: &mut Problems,
) -> Result<Form, Stop> {
    let raw = raw.0;
    if id.is_empty()
        || id.len() > 32
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
    {
        problems.note(at.problem("a form id uses 1 to 32 of a-z 0-9 _ -"))?;
    }
    let list = at.key("purposes");
    let mut listed = Vec::new();
    for (i, item) in raw.purposes.into_iter().enumerate() {
        if !purposes.iter().any(|p| p.id == item.0) {
            problems.note(list.index(i).problem("not a purpose of this policy"))?;
        }
        // Listed even so: the fields that name it are not refused for it again.
        listed.push(item.0);
    }
    let reason = match raw.reason {
        Some(Str(reason)) => {
            let asked = purposes.iter().any(|p| p.id == reason && p.asks_consent());
            if !asked || !listed.contains(&reason) {
                problems.note(
                    at.key("reason")
                        .problem("must be a consent purpose listed in purposes"),
                )?;
            }
            Some(reason)
        }
        None => None,
    };
    let list = at.key("groups");
    let mut groups: Vec<FieldGroup> = Vec::new();
    for (i, item) in raw.groups.into_iter().enumerate() {
        let id_at = list.index(i);
        let id_at = id_at.key("id");
        let Obj(item) = item;
        let id = item.id.0;
        problems.check(plain_id(&id, &id_at))?;
        if groups.iter().any(|g| g.id == id) {
            problems.note(id_at.problem("duplicate id"))?;
            continue;
        }
        groups.push(FieldGroup {
            id,
            label: text(item.label),
        });
    }
    let list = at.key("fields");
    let mut fields: Vec<Field> = Vec::new();
    // Whether every field could be read: which groups are empty follows from them all.
    let mut every_field = true;
    for (i, item) in raw.fields.into_iter().enumerate() {
        let item_at = list.index(i);
        let Some(field) = field(item, &item_at, &listed, &groups, problems)? else {
            every_field = false;
            continue;
        };
        if fields.iter().any(|f| f.name == field.name) {
            problems.note(item_at.key("name").problem("duplicate name"))?;
            continue;
        }
        fields.push(field);
    }
    let lonely = groups.iter().find(|g| {
        !fields
            .iter()
            .any(|f| f.class == FieldClass::OneOf(g.id.clone()))
    });
    if let Some(lonely) = lonely.filter(|_| every_field) {
        let mut problem = String::from("no field is in group ");
        problem.push_str(&lonely.id);
        problems.note(at.key("groups").problem(&problem))?;
    }
    Ok(Form {
        id: id.to_owned(),
        purposes: listed,
        reason,
        fields,
        groups,
    })
}

/// A field; `None` when its kind, class or operator is unknown (noted): it
/// is then left out of the form's checks that follow from its fields.
fn field(
    raw: Obj<RawField>,
    at: &At,
    purposes: &[String],
    groups: &[FieldGroup],
    problems: &mut Problems,
) -> Result<Option<Field>, Stop> {
    let raw = raw.0;
    let name = raw.name.0;
    let control_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    if name.len() > 64 || !name.bytes().all(control_name) {
        problems.note(at.key("name").problem("use 1 to 64 of A-Z a-z 0-9 _ -"))?;
    }
    let kind = FieldKind::ALL
        .into_iter()
        .find(|k| k.as_str() == raw.kind.0);
    if kind.is_none() {
        problems.note(at.key("kind").problem("not a field kind"))?;
    }
    let group_at = at.key("group");
    let class = match raw.class.0.as_str() {
        "required" => Some(FieldClass::Required),
        "optional" => Some(FieldClass::Optional),
        "one_of" => match &raw.group {
            None => {
                problems.note(group_at.problem("missing"))?;
                None
            }
            Some(Str(group)) => {
                if !groups.iter().any(|g| g.id == *group) {
                    problems.note(group_at.problem("not a group of this form"))?;
                }
                Some(FieldClass::OneOf(group.clone()))
            }
        },
        _ => {
            problems.note(
                at.key("class")
                    .problem("expected required, optional or one_of"),
            )?;
            None
        }
    };
    if matches!(class, Some(FieldClass::Required | FieldClass::Optional)) && raw.group.is_some() {
        problems.note(group_at.problem("only a one_of field has a group"))?;
    }
    let list = at.key("purposes");
    let mut used = Vec::new();
    for (i, item) in raw.purposes.into_iter().enumerate() {
        if !purposes.contains(&item.0) {
            problems.note(list.index(i).problem("not one of the form's purposes"))?;
        }
        used.push(item.0);
    }
    if used.is_empty() {
        problems.note(list.problem("name at least one purpose: data is asked for a reason"))?;
    }
    let operator_at = at.key("operator");
    let operator = MaskOperator::ALL
        .into_iter()
        .find(|o| o.as_str() == raw.operator.0);
    if operator.is_none() {
        problems
            .note(operator_at.problem("expected keep, mask, keyed_hash, redact, drop or seal"))?;
    }
    // Guideline section 8: these leave the browser raw only where the
    // form's entry says so in as many words.
    let sensitive = matches!(
        kind,
        Some(FieldKind::NationalId | FieldKind::Passport | FieldKind::Phone)
    );
    if sensitive && operator == Some(MaskOperator::Keep) && !raw.allow_keep {
        problems.note(operator_at.problem(
            "a national ID, passport or phone is never sent raw unless the field sets allow_keep",
        ))?;
    }
    let identifiers = match raw.identifiers {
        None => OnIdentifier::Mask,
        Some(Str(rule)) => {
            let rule_at = at.key("identifiers");
            let rule = match rule.as_str() {
                "mask" => Some(OnIdentifier::Mask),
                "refuse" => Some(OnIdentifier::Refuse),
                _ => None,
            };
            if rule.is_none() {
                problems.note(rule_at.problem("expected mask or refuse"))?;
            } else if kind.is_some_and(FieldKind::is_identifier) {
                problems.note(rule_at.problem(
                    "only a field that is not itself an identifier is scanned for identifiers",
                ))?;
            }
            rule.unwrap_or(OnIdentifier::Mask)
        }
    };
    let (Some(kind), Some(class), Some(operator)) = (kind, class, operator) else {
        return Ok(None);
    };
    Ok(Some(Field {
        name,
        kind,
        class,
        purposes: used,
        why: text(raw.why),
        operator,
        identifiers,
    }))
}
