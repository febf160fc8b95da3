//! Applying a decision to the page: the session records it (and a receipt
//! when anything changed), then cookies of withdrawn categories are deleted,
//! gated scripts run, Consent Mode is updated and the events go out.

use super::delivery;
use super::events::{self, ChangeDetail, ConsentDetail};
use super::state::{Shared, now_seconds};
use crate::page::banner;
use crate::page::boundary::to_js;
use crate::page::gating;
use crate::session::{Action, ActionError};

/// Records what `action`, made through `method`, decides and applies the
/// result, with a receipt when anything changed. Returns whether it withdrew
/// a cookie category that had been allowed (its cookies are then deleted and
/// a reload completes the withdrawal; a purpose has no cookies to delete).
pub fn decide(shared: &Shared, action: &Action, method: &str) -> Result<bool, ActionError> {
    let (outcome, receipt) = {
        let mut inner = shared.borrow_mut();
        let inner = &mut *inner;
        let outcome = inner.session.act(action, now_seconds())?;
        inner.store.save(&inner.session.consent.encode());
        if inner.session.pending().is_empty() {
            if let Some((banner, _)) = inner.page.banner.take() {
                banner.remove();
            }
        }
        let receipt = (!outcome.changed.is_empty()).then(|| inner.record(method, &outcome.changed));
        (outcome, receipt)
    };
    after_decision(shared, method, &outcome.changed, &outcome.withdrawn, true);
    if let Some(receipt) = receipt {
        events::announce_receipt(shared, &receipt);
        delivery::flush(shared);
    }
    Ok(!outcome.withdrawn.is_empty())
}

/// Applies the current decisions to the page, then tells it: cookies of
/// `cleared` categories deleted (those just withdrawn; at start, every
/// category not allowed), gated scripts run, Consent Mode updated,
/// events dispatched. Runs with no borrow held: page code may re-enter.
pub fn after_decision(
    shared: &Shared,
    method: &str,
    changed: &[String],
    cleared: &[String],
    announce: bool,
) {
    let (effects, gtag, decisions, listeners) = {
        let inner = shared.borrow();
        let session = &inner.session;
        if let Some(dialog) = &inner.page.dialog {
            banner::refresh_states(dialog, &inner.view());
            if !cleared.is_empty() {
                banner::show_reload_notice(dialog, inner.lang);
            }
        }
        (
            gating::Effects::of(session, cleared),
            inner.gtag.clone(),
            to_js(&session.decisions()),
            inner.listeners.clone(),
        )
    };
    effects.apply(gtag.as_ref());
    if !announce {
        return;
    }
    let detail = ConsentDetail {
        method,
        decisions: decisions.clone(),
    };
    events::emit(&listeners, "consent", &to_js(&detail));
    if !changed.is_empty() {
        let detail = ChangeDetail {
            decisions,
            changed,
            reload_required: !cleared.is_empty(),
        };
        events::emit(&listeners, "change", &to_js(&detail));
    }
}
