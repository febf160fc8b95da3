//! The service's HTTP surface (axum):
//!
//! - `GET /`: 200 while the store answers, 503 when it does not;
//! - `POST /consent-receipts`: a receipt as the module sends it. Checked in
//!   this order, the first failure answering and nothing stored: an allowed
//!   `Origin` (403), `application/json` (415), at most 64 KiB (413), JSON
//!   (400), the receipt's shape and the leak scan (422, naming the path).
//!   Then 201 once committed, 200 when the same receipt is stored already,
//!   409 when another body is stored under its receipt_id, 503 when the
//!   store cannot be reached (the module's queue keeps it and tries later);
//! - for the data-protection office, with `Authorization: Bearer <token>`
//!   (401 otherwise, before anything is read): `GET /subjects/{subject}`
//!   (the subject's records as one document, for a right-of-access
//!   request), `GET /subjects/{subject}/receipts` (oldest first) and
//!   `GET /subjects/{subject}/consent?at=TIME` (what was in force then).
//!
//! Every refusal is JSON `{ "error", "message", … }` and names paths,
//! never a value from the body.

use super::store::{NewReceipt, Store, StoreError, Stored, now_millis};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mohprompt_privacy::policy::Policy;
use mohprompt_privacy::receipt::received::{ReceivedReceipt, Refusal, check, unix_millis};
use mohprompt_privacy::receipt::{is_uuid_v4, iso8601};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::sync::Arc;

/// A receipt is small; anything bigger is refused rather than stored.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every request shares.
#[derive(Debug)]
pub struct Service {
    /// The receipts.
    pub store: Store,
    /// Origins whose pages may post receipts.
    pub origins: HashSet<String>,
    /// SHA-256 of the office's bearer token (compared digest to digest).
    pub token_sha256: [u8; 32],
    /// The policy served to the pages (its controller's details pass the leak scan).
    pub policy: Policy,
}

/// The router of the service.
pub fn router(service: Arc<Service>) -> Router {
    Router::new()
        .route("/", get(health))
        .route(
            "/consent-receipts",
            axum::routing::post(receive).options(preflight),
        )
        .route("/subjects/{subject}", get(access))
        .route("/subjects/{subject}/receipts", get(receipts))
        .route("/subjects/{subject}/consent", get(consent))
        .fallback(|| async { refuse(StatusCode::NOT_FOUND, "not_found", "No such endpoint.") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(service)
}

/// `{ error, message }` with a status.
fn refuse(status: StatusCode, error: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": error, "message": message })),
    )
        .into_response()
}

fn unavailable(e: &StoreError) -> Response {
    // The reason goes to the operator's log, not to the client.
    eprintln!("mohprompt-privacy serve: {e}");
    let mut response = refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "store_unavailable",
        "The receipt store cannot be reached; nothing was stored. Send it again later.",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

async fn health(State(service): State<Arc<Service>>) -> Response {
    match service.store.ping().await {
        Ok(()) => axum::Json(json!({ "status": "ok" })).into_response(),
        Err(e) => unavailable(&e),
    }
}

/// The allowed Origin of a request, if it has one.
fn allowed_origin<'h>(service: &Service, headers: &'h HeaderMap) -> Option<&'h str> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    service.origins.contains(origin).then_some(origin)
}

/// A page of an allowed origin may post from another origin too (CORS).
fn with_cors(mut response: Response, origin: &str) -> Response {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    response
}

async fn preflight(State(service): State<Arc<Service>>, headers: HeaderMap) -> Response {
    let Some(origin) = allowed_origin(&service, &headers) else {
        return refuse(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "Only pages of an allowed origin may post here.",
        );
    };
    let mut response = with_cors(StatusCode::NO_CONTENT.into_response(), origin);
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST"),
    );
    h.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    response
}

/// `application/json`, alone or with a UTF-8 charset.
fn is_json_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = value.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default();
    essence.eq_ignore_ascii_case("application/json")
        && parts.all(|p| {
            let p = p.to_ascii_lowercase().replace(' ', "");
            p == "charset=utf-8" || p == "charset=\"utf-8\""
        })
}

async fn receive(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(origin) = allowed_origin(&service, &headers) else {
        let why = if headers.contains_key(header::ORIGIN) {
            "Only pages of an allowed origin may post here (the Origin is another site's)."
        } else {
            "Only pages of an allowed origin may post here (the request has no Origin, which every browser sends on a POST)."
        };
        return refuse(StatusCode::FORBIDDEN, "cross_origin", why);
    };
    with_cors(receive_from(&service, &headers, body).await, origin)
}

async fn receive_from(
    service: &Service,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if !is_json_type(headers) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "media_type",
            "The body must be application/json (UTF-8).",
        );
    }
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                &format!("The body is larger than {MAX_BODY_BYTES} bytes."),
            );
        }
        Err(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "unreadable",
                "The body could not be read.",
            );
        }
    };
    let Ok(value) = serde_json::from_slice::<Value>(&bytes) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "not_json",
            "The body is not JSON (UTF-8).",
        );
    };
    let receipt = match check(&value, &service.policy) {
        Ok(receipt) => receipt,
        Err(refusal) => return refused(&refusal),
    };
    store(service, &receipt, &value).await
}

/// 422 with the path (a shape) or the paths and kinds (identifiers).
fn refused(refusal: &Refusal) -> Response {
    let mut answer = Map::new();
    answer.insert("error".into(), refusal.code().into());
    answer.insert("message".into(), refusal.message().into());
    match refusal {
        Refusal::Shape { path, .. } => {
            answer.insert("path".into(), path.as_str().into());
        }
        Refusal::Leaks(found) => {
            let fields: Vec<Value> = found
                .iter()
                .map(|f| {
                    let mut field = json!({ "path": f.path, "kind": f.kind.as_str() });
                    if f.in_key {
                        field["in"] = "key".into();
                    }
                    field
                })
                .collect();
            answer.insert("fields".into(), fields.into());
        }
    }
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(answer)).into_response()
}

async fn store(service: &Service, receipt: &ReceivedReceipt, value: &Value) -> Response {
    let row = NewReceipt {
        receipt_id: receipt.receipt_id.clone(),
        subject: receipt.subject.clone(),
        // check() has read the timestamp already.
        decided_at: unix_millis(&receipt.timestamp).unwrap_or_default(),
        policy_version: receipt.policy.version.clone(),
        body: value.to_string(),
    };
    match service.store.insert(row).await {
        Ok(Stored::New) => (
            StatusCode::CREATED,
            axum::Json(json!({ "receipt_id": receipt.receipt_id, "stored": true })),
        )
            .into_response(),
        Ok(Stored::Again) => (
            StatusCode::OK,
            axum::Json(json!({ "receipt_id": receipt.receipt_id, "stored": false,
                "message": "This receipt is stored already; nothing new was stored." })),
        )
            .into_response(),
        Ok(Stored::Conflict) => refuse(
            StatusCode::CONFLICT,
            "receipt_id_conflict",
            "A different receipt with this receipt_id is stored already; this one was not.",
        ),
        Err(e) => unavailable(&e),
    }
}

/// Whether the request carries the office's token.
fn authorised(service: &Service, headers: &HeaderMap) -> bool {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    // Digests compared, so the time taken says nothing about the token.
    Sha256::digest(token.trim().as_bytes()).as_slice() == service.token_sha256
}

/// The checks every office request passes first: the token (401), then a
/// subject that is a pseudonymous id (422).
fn office(service: &Service, headers: &HeaderMap, subject: &str) -> Result<(), Response> {
    if !authorised(service, headers) {
        let mut response = refuse(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "This endpoint needs the office's token: Authorization: Bearer <token>.",
        );
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"consent-receipts\""),
        );
        return Err(response);
    }
    if !is_uuid_v4(subject) {
        let answer = json!({ "error": "subject", "path": "subject",
            "message": "subject must be a UUID v4 in lowercase hex (the pseudonymous id receipts carry)." });
        return Err((StatusCode::UNPROCESSABLE_ENTITY, axum::Json(answer)).into_response());
    }
    Ok(())
}

/// Stored bodies as they are, one JSON array.
fn raw_list(bodies: Vec<String>) -> Vec<Box<RawValue>> {
    bodies
        .into_iter()
        .filter_map(|b| RawValue::from_string(b).ok())
        .collect()
}

async fn receipts(
    State(service): State<Arc<Service>>,
    Path(subject): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = office(&service, &headers, &subject) {
        return refusal;
    }
    match service.store.of_subject(&subject).await {
        Ok(bodies) => axum::Json(raw_list(bodies)).into_response(),
        Err(e) => unavailable(&e),
    }
}

/// `?at=`: a time as receipts write it; now when missing.
#[derive(Debug, Deserialize)]
struct At {
    at: Option<String>,
}

/// What a subject had decided at a time, from the receipt in force then.
#[derive(Debug, Serialize)]
struct InForce {
    subject: String,
    at: String,
    receipt_id: String,
    decided_at: String,
    collection_method: String,
    language: String,
    policy: Value,
    purposes: Map<String, Value>,
    cookie_categories: Map<String, Value>,
    granted: Vec<String>,
    denied: Vec<String>,
}

impl InForce {
    fn of(receipt: ReceivedReceipt, at: String) -> InForce {
        let mut granted = Vec::new();
        let mut denied = Vec::new();
        let mut note = |id: &str, state: &str| match state {
            "granted" => granted.push(id.to_owned()),
            "denied" => denied.push(id.to_owned()),
            _ => {}
        };
        let mut purposes = Map::new();
        for p in &receipt.purposes {
            note(&p.id, &p.state);
            purposes.insert(
                p.id.clone(),
                json!({ "state": p.state, "legal_basis": p.legal_basis, "revision": p.revision }),
            );
        }
        let mut cookie_categories = Map::new();
        for c in &receipt.cookie_categories {
            note(&c.id, &c.state);
            cookie_categories.insert(
                c.id.clone(),
                json!({ "state": c.state, "revision": c.revision }),
            );
        }
        InForce {
            subject: receipt.subject,
            at,
            receipt_id: receipt.receipt_id,
            decided_at: receipt.timestamp,
            collection_method: receipt.collection_method,
            language: receipt.language,
            policy: json!({ "version": receipt.policy.version, "sha256": receipt.policy.sha256 }),
            purposes,
            cookie_categories,
            granted,
            denied,
        }
    }
}

/// The receipt in force at `at` (ms), read back.
async fn in_force(
    service: &Service,
    subject: &str,
    at_ms: i64,
) -> Result<Option<ReceivedReceipt>, StoreError> {
    let body = service.store.in_force(subject, at_ms).await?;
    // What is stored passed the same types when it came in.
    Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
}

fn time_of(millis: i64) -> String {
    iso8601(u64::try_from(millis / 1000).unwrap_or(0))
}

async fn consent(
    State(service): State<Arc<Service>>,
    Path(subject): Path<String>,
    Query(query): Query<At>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = office(&service, &headers, &subject) {
        return refusal;
    }
    let at_ms = match query.at.as_deref() {
        None => now_millis(),
        Some(text) => match unix_millis(text) {
            Some(ms) => ms,
            None => {
                let answer = json!({ "error": "at", "path": "at",
                    "message": "at must be a UTC time such as 2026-12-08T10:00:00Z." });
                return (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(answer)).into_response();
            }
        },
    };
    let at = query.at.unwrap_or_else(|| time_of(at_ms));
    match in_force(&service, &subject, at_ms).await {
        Ok(Some(receipt)) => axum::Json(InForce::of(receipt, at)).into_response(),
        Ok(None) => refuse(
            StatusCode::NOT_FOUND,
            "no_receipt",
            "No receipt of this subject was decided at or before this time.",
        ),
        Err(e) => unavailable(&e),
    }
}

async fn access(
    State(service): State<Arc<Service>>,
    Path(subject): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = office(&service, &headers, &subject) {
        return refusal;
    }
    let now = now_millis();
    let bodies = match service.store.of_subject(&subject).await {
        Ok(bodies) => bodies,
        Err(e) => return unavailable(&e),
    };
    let current = bodies
        .last()
        .and_then(|b| serde_json::from_str::<ReceivedReceipt>(b).ok())
        .map(|r| InForce::of(r, time_of(now)));
    let document = json!({
        "subject": subject,
        "generated_at": time_of(now),
        "about": "Every consent receipt recorded for this pseudonymous subject, oldest first, and the consent in force now.",
        "count": bodies.len(),
        "in_force": current,
        "receipts": raw_list(bodies),
    });
    let mut response = axum::Json(document).into_response();
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"consent-records.json\""),
    );
    response
}
