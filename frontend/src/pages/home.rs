use crate::api::{self, ServerInfo, server_info};
use crate::components::Spinner;
use crate::i18n::{Msg, permission_text, role_text, use_locale, use_text};
use crate::session::{SessionStatus, use_session};
use leptos::prelude::*;
use leptos_router::components::A;

/// Signed in: the company overview. Signed out: what Duely is, and the way in.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    let text = use_text();
    view! {
        {move || match session.status.get() {
            SessionStatus::Restoring => view! { <Spinner label=Signal::derive(move || text(Msg::SessionRestoring))/> }.into_any(),
            SessionStatus::SignedIn => view! { <Overview/> }.into_any(),
            SessionStatus::SignedOut => view! { <Landing/> }.into_any(),
        }}
        <ServerVersion/>
    }
}

#[component]
fn Overview() -> impl IntoView {
    let session = use_session();
    let text = use_text();
    let locale = use_locale();
    view! {
        {move || session.current.get().map(|current| {
            let role = current.role;
            let grants = role.permissions();
            view! {
                <section class="overview" data-testid="overview">
                    <p class="eyebrow">{move || text(Msg::WelcomeBack)} ", " {current.user_name.clone()}</p>
                    <h1 data-testid="company-name">{current.tenant_name.clone()}</h1>
                    <p class="lead">
                        {move || text(Msg::YourRole)} ": "
                        <strong data-testid="role">{move || role_text(locale.get(), role)}</strong>
                    </p>
                    <div class="panel">
                        <h2>{move || text(Msg::YourAccess)}</h2>
                        <ul class="grant-list">
                            {grants.into_iter().map(|(permission, _)| view! {
                                <li>{move || permission_text(locale.get(), permission)}</li>
                            }).collect_view()}
                        </ul>
                    </div>
                </section>
            }
        })}
    }
}

#[component]
fn Landing() -> impl IntoView {
    let text = use_text();
    view! {
        <section class="hero">
            <p class="eyebrow">{move || text(Msg::Tagline)}</p>
            <h1>{move || text(Msg::OverviewTitle)}</h1>
            <p class="lead">{move || text(Msg::OverviewLead)}</p>
            <div class="hero-actions">
                <A href="/signup" attr:class="button button-primary">{move || text(Msg::NavSignUp)}</A>
                <A href="/login" attr:class="button button-secondary">{move || text(Msg::SignIn)}</A>
            </div>
        </section>
    }
}

#[component]
fn ServerVersion() -> impl IntoView {
    let text = use_text();
    let info = LocalResource::new(|| api::run::<ServerInfo>(server_info::Variables {}));
    view! {
        <footer class="server-info">
            <Suspense fallback=move || view! { <Spinner label=Signal::derive(move || text(Msg::Loading))/> }>
                {move || {
                    info.get()
                        .and_then(|result| result.ok())
                        .map(|data| {
                            view! {
                                <span data-testid="server-version">
                                    {move || text(Msg::ServerVersion)}
                                    " "
                                    {data.server_info.version.clone()}
                                </span>
                            }
                        })
                }}
            </Suspense>
        </footer>
    }
}
