use crate::i18n::{Msg, use_text};
use crate::session::{SessionStatus, use_session};
use domain::access::Permission;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Shows `children` only to a signed-in user whose role has `permission`; others see why not.
/// The server enforces the same rule; this only spares people a page of errors.
#[component]
pub fn RequirePermission(permission: Permission, children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let text = use_text();
    move || match session.status.get() {
        SessionStatus::Restoring => ().into_any(),
        SessionStatus::SignedOut => view! { <Redirect path="/login"/> }.into_any(),
        SessionStatus::SignedIn => {
            if session
                .current
                .get()
                .is_some_and(|current| current.can(permission))
            {
                children().into_any()
            } else {
                view! {
                    <section class="empty-state" data-testid="no-access">
                        <h1>{move || text(Msg::NoAccessTitle)}</h1>
                        <p>{move || text(Msg::NoAccessLead)}</p>
                    </section>
                }
                .into_any()
            }
        }
    }
}
