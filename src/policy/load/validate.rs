//! The second step of reading a policy: [`validate`] checks what serde's
//! types cannot (ids, links, cross references, key suites), noting every
//! problem with its path natively and stopping at the first in the browser,
//! and builds the [`Policy`] model from the raw document. The checks of the
//! forms, the LINE link and the keys are in `validate/forms.rs`.

use super::*;

mod forms;

use forms::{form, line_link, seal_key_of};

/// The problems found so far. Natively (the CLI's `check`) each one is kept
/// and the checks go on past it; in the browser the first one ends loading,
/// since the page reports only that one: [`Problems::note`] then always
/// stops, so the compiler drops the code that would go on, and the wasm
/// stays the size it had when every check returned its error.
struct Problems(Vec<PolicyError>);

/// A problem was noted and loading ends (natively: the value's own checks
/// end, as what follows depends on it). Made only by [`Problems::note`], so
/// an `Err(Stop)` always comes with a problem.
struct Stop;

impl Problems {
    /// Notes a problem. `Err(Stop)` in the browser; natively `Ok`, and the
    /// caller goes on with what does not depend on the bad value.
    #[inline]
    fn note(&mut self, problem: PolicyError) -> Result<(), Stop> {
        self.0.push(problem);
        if cfg!(target_arch = "wasm32") {
            Err(Stop)
        } else {
            Ok(())
        }
    }

    /// Notes the problem of a check that failed, as [`Problems::note`] does.
    #[inline]
    fn check(&mut self, checked: Result<(), PolicyError>) -> Result<(), Stop> {
        match checked {
            Ok(()) => Ok(()),
            Err(problem) => self.note(problem),
        }
    }
}

/// Checks what the types cannot and builds the model. Every bad value the
/// checks can reach is refused with its path, in the order they are checked
/// (the document's); in the browser only the first.
pub(in crate::policy) fn validate(raw: RawPolicy) -> Result<Policy, Vec<PolicyError>> {
    let mut problems = Problems(Vec::new());
    match policy(raw, &mut problems) {
        Ok(policy) if problems.0.is_empty() => Ok(policy),
        _ => Err(problems.0),
    }
}

fn policy(raw: RawPolicy, problems: &mut Problems) -> Result<Policy, Stop> {
    let root = At::Root;
    let version = version(raw.version, problems)?;
    let controller = controller(raw.controller, &root.key("controller"), problems)?;
    let policy_url = raw.policy_url.0;
    problems.check(url(&policy_url, &root.key("policy_url")))?;
    let (categories, purposes) = choices(raw.categories, raw.purposes, problems)?;
    let list = root.key("forms");
    let mut forms = Vec::new();
    for (id, entry) in raw.forms.0 {
        forms.push(form(entry, &list.key(&id), &id, &purposes, problems)?);
    }
    let line = match raw.line {
        Some(line) => Some(line_link(
            line,
            &root.key("line"),
            &purposes,
            &forms,
            problems,
        )?),
        None => None,
    };
    let list = root.key("keys");
    let mut seal_key = None;
    for (i, item) in raw.keys.into_iter().enumerate() {
        let key = seal_key_of(item, &list.index(i), problems)?;
        seal_key = seal_key.or(key);
    }
    Ok(Policy {
        version,
        controller,
        policy_url,
        categories,
        purposes,
        forms,
        line,
        seal_key,
    })
}

/// Checks the banner's part of a policy (its version, link, categories and
/// purposes) and builds a [`Policy`] of it alone: the controller, forms, keys
/// and LINE link are left empty, as the banner module never shows or sends
/// them. The checks are the ones [`validate`] runs on that part.
pub(in crate::policy) fn validate_banner_part(
    version_text: Str,
    policy_url: Str,
    categories: Vec<Obj<RawCategory>>,
    purposes: Vec<Obj<RawPurpose>>,
) -> Result<Policy, Vec<PolicyError>> {
    let mut problems = Problems(Vec::new());
    let policy = (|| {
        let version = version(version_text, &mut problems)?;
        let policy_url = policy_url.0;
        problems.check(url(&policy_url, &At::Root.key("policy_url")))?;
        let (categories, purposes) = choices(categories, purposes, &mut problems)?;
        Ok::<_, Stop>(Policy {
            version,
            controller: Controller::default(),
            policy_url,
            categories,
            purposes,
            forms: Vec::new(),
            line: None,
            seal_key: None,
        })
    })();
    match policy {
        Ok(policy) if problems.0.is_empty() => Ok(policy),
        _ => Err(problems.0),
    }
}

fn version(raw: Str, problems: &mut Problems) -> Result<String, Stop> {
    let version = raw.0;
    if version.len() > 32
        || !version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    {
        problems.note(
            At::Root
                .key("version")
                .problem("use 1 to 32 of A-Z a-z 0-9 . _ -"),
        )?;
    }
    Ok(version)
}

/// The cookie categories and purposes: what the banner and the privacy
/// centre ask about.
fn choices(
    raw_categories: Vec<Obj<RawCategory>>,
    raw_purposes: Vec<Obj<RawPurpose>>,
    problems: &mut Problems,
) -> Result<(Vec<Category>, Vec<Purpose>), Stop> {
    let root = At::Root;
    let list = root.key("categories");
    let mut categories: Vec<Category> = Vec::new();
    for (i, item) in raw_categories.into_iter().enumerate() {
        let at = list.index(i);
        let category = category(item, &at, problems)?;
        if categories.iter().any(|c| c.id == category.id) {
            problems.note(at.key("id").problem("duplicate id"))?;
            continue;
        }
        categories.push(category);
    }
    if !categories.iter().any(|c| c.always_on) {
        problems
            .note(list.problem("needs an always_on category for strictly necessary cookies"))?;
    }
    if categories.len() > 32 {
        problems.note(list.problem("at most 32 categories"))?;
    }
    let list = root.key("purposes");
    let mut purposes: Vec<Purpose> = Vec::new();
    for (i, item) in raw_purposes.into_iter().enumerate() {
        let at = list.index(i);
        let purpose = purpose(item, &at, problems)?;
        let id = at.key("id");
        if purposes.iter().any(|p| p.id == purpose.id) {
            problems.note(id.problem("duplicate id"))?;
            continue;
        }
        // A shared id means one decision for both: it must be one that is asked.
        if let Some(category) = categories.iter().find(|c| c.id == purpose.id) {
            if category.always_on || !purpose.asks_consent() {
                problems.note(id.problem(
                    "shares a category's id, so it must rest on consent and the category must not be always_on",
                ))?;
            }
        }
        purposes.push(purpose);
    }
    if purposes.len() > 32 {
        problems.note(list.problem("at most 32 purposes"))?;
    }
    Ok((categories, purposes))
}

fn text(raw: Obj<RawText>) -> Text {
    Text {
        th: raw.0.th.0,
        en: raw.0.en.0,
    }
}

fn controller(
    raw: Obj<RawController>,
    at: &At,
    problems: &mut Problems,
) -> Result<Controller, Stop> {
    let raw = raw.0;
    let website = raw.website.0;
    problems.check(url(&website, &at.key("website")))?;
    Ok(Controller {
        name: text(raw.name),
        address: text(raw.address),
        phone: raw.phone.0,
        fax: raw.fax.map(|s| s.0),
        email: raw.email.0,
        website,
        correction: raw.correction.map(text),
    })
}

fn category(raw: Obj<RawCategory>, at: &At, problems: &mut Problems) -> Result<Category, Stop> {
    let raw = raw.0;
    let id = raw.id.0;
    problems.check(plain_id(&id, &at.key("id")))?;
    let list = at.key("cookies");
    let mut cookies = Vec::new();
    for (i, item) in raw.cookies.into_iter().enumerate() {
        match cookie_pattern(item, &list.index(i)) {
            Ok(pattern) => cookies.push(pattern),
            Err(problem) => problems.note(problem)?,
        }
    }
    let list = at.key("consent_mode");
    let mut consent_mode = Vec::new();
    for (i, item) in raw.consent_mode.into_iter().enumerate() {
        match CONSENT_MODE_SIGNALS.iter().find(|s| **s == item.0) {
            Some(signal) => consent_mode.push(*signal),
            None => problems.note(list.index(i).problem("not a Consent Mode v2 signal"))?,
        }
    }
    Ok(Category {
        id,
        always_on: raw.always_on,
        revision: raw.revision.0,
        title: text(raw.title),
        description: text(raw.description),
        cookies,
        consent_mode,
        change_note: raw.change_note.map(text),
    })
}

fn purpose(raw: Obj<RawPurpose>, at: &At, problems: &mut Problems) -> Result<Purpose, Stop> {
    let raw = raw.0;
    let legal_basis = match LegalBasis::ALL
        .into_iter()
        .find(|b| b.as_str() == raw.legal_basis.0)
    {
        Some(basis) => basis,
        None => {
            problems.note(at.key("legal_basis").problem(
                "expected consent, contract, legal_obligation, public_task, vital_interest or legitimate_interest",
            ))?;
            // Read as consent for the checks that follow (a shared id, a
            // form's reason, the LINE link): they only ever demand consent,
            // so the one mistake is reported once. The policy is refused.
            LegalBasis::Consent
        }
    };
    let list = at.key("fields");
    let mut fields = Vec::new();
    for (i, item) in raw.fields.into_iter().enumerate() {
        problems.check(plain_id(&item.0, &list.index(i)))?;
        fields.push(item.0);
    }
    let id = raw.id.0;
    problems.check(plain_id(&id, &at.key("id")))?;
    let mut purpose = Purpose {
        id,
        legal_basis,
        revision: raw.revision.0,
        title: text(raw.title),
        description: text(raw.description),
        fields,
        retention: text(raw.retention),
        change_note: raw.change_note.map(text),
        content_hash: 0,
    };
    purpose.content_hash = content_hash(&purpose);
    Ok(purpose)
}

/// FNV-1a over what the person is shown about a purpose, each part ended by
/// a zero byte so that moving text between parts changes the hash too.
fn content_hash(purpose: &Purpose) -> u32 {
    let mut content = String::new();
    push_decimal(&mut content, u64::from(purpose.revision));
    let texts = [&purpose.title, &purpose.description, &purpose.retention];
    let parts = [purpose.legal_basis.as_str()]
        .into_iter()
        .chain(texts.iter().flat_map(|t| [t.th.as_str(), t.en.as_str()]))
        .chain(purpose.fields.iter().map(String::as_str));
    for part in parts {
        content.push('\0');
        content.push_str(part);
    }
    crate::consent::fnv1a(content.as_bytes())
}

fn plain_id(id: &str, at: &At) -> Result<(), PolicyError> {
    if id.len() > 32
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(at.problem("use 1 to 32 of a-z 0-9 _"));
    }
    Ok(())
}

fn cookie_pattern(raw: Str, at: &At) -> Result<CookiePattern, PolicyError> {
    let name = raw.0;
    let (stem, prefix) = match name.strip_suffix('*') {
        Some(stem) => (stem, true),
        None => (name.as_str(), false),
    };
    // RFC 6265 cookie-name is a token: visible ASCII except separators.
    let token = |b: u8| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}*".contains(&b);
    if stem.is_empty() || !stem.bytes().all(token) {
        return Err(at.problem("not a cookie name (a trailing * matches a prefix)"));
    }
    let stem = stem.to_owned();
    Ok(if prefix {
        CookiePattern::Prefix(stem)
    } else {
        CookiePattern::Exact(stem)
    })
}

fn url(url: &str, at: &At) -> Result<(), PolicyError> {
    // Rendered as a link: anything but https or a same-site path could run
    // script (`javascript:`) or lead elsewhere (`//host`, `http:`). Browsers
    // read `\` as `/` and drop tabs and newlines anywhere in a link, so
    // `/\host` and `/<tab>/host` open `//host` too: neither may appear at all.
    let hidden = url.bytes().any(|b| b < b' ' || b == b'\\');
    let same_site = url.starts_with('/') && !url.starts_with("//");
    if (url.starts_with("https://") || same_site) && !hidden {
        Ok(())
    } else {
        Err(at.problem("must start with https:// or one /, with no backslash or control character"))
    }
}
