//! The router and the layout every page shares.

use crate::api;
use crate::components::{ToastHost, ToastKind, use_toasts};
use crate::i18n::{LocaleSwitcher, Msg, provide_locale, use_locale, use_text};
use crate::pages::{
    AcceptInvitationPage, AccountPage, AgingPage, ApiKeysPage, AuditPage, BillingPage,
    CustomerPage, CustomersPage, DashboardPage, DunningPage, EditInvoicePage, ForgotPasswordPage,
    HomePage, ImportPage, InvoicePage, InvoicesPage, LegalPage, LoginPage, NewInvoicePage,
    NotFoundPage, PaymentCompletePage, PaymentSettingsPage, PaymentsPage, PerformancePage,
    PromisesPage, PublicStatementPage, ResetPasswordPage, SettingsPage, SignUpPage, StatementPage,
    SubscriptionNotice, TeamPage, VerifyEmailBanner, VerifyEmailPage, WorklistPage,
};
use crate::session::{SessionStatus, provide_session, use_session};
use domain::access::Permission;
use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    provide_locale();
    crate::components::provide_toasts();
    provide_session();
    view! {
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/signup") view=SignUpPage/>
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                    <Route path=path!("/reset-password/:token") view=ResetPasswordPage/>
                    <Route path=path!("/verify-email/:token") view=VerifyEmailPage/>
                    <Route path=path!("/account") view=AccountPage/>
                    <Route path=path!("/customers") view=CustomersPage/>
                    <Route path=path!("/customers/:id") view=CustomerPage/>
                    <Route path=path!("/customers/:id/statement") view=StatementPage/>
                    <Route path=path!("/s/:token") view=PublicStatementPage/>
                    <Route path=path!("/invoices") view=InvoicesPage/>
                    <Route path=path!("/invoices/new") view=NewInvoicePage/>
                    <Route path=path!("/invoices/:id") view=InvoicePage/>
                    <Route path=path!("/invoices/:id/edit") view=EditInvoicePage/>
                    <Route path=path!("/payments") view=PaymentsPage/>
                    <Route path=path!("/import") view=ImportPage/>
                    <Route path=path!("/dunning") view=DunningPage/>
                    <Route path=path!("/worklist") view=WorklistPage/>
                    <Route path=path!("/promises") view=PromisesPage/>
                    <Route path=path!("/dashboard") view=DashboardPage/>
                    <Route path=path!("/reports/aging") view=AgingPage/>
                    <Route path=path!("/reports/performance") view=PerformancePage/>
                    <Route path=path!("/legal") view=LegalPage/>
                    <Route path=path!("/team") view=TeamPage/>
                    <Route path=path!("/api-keys") view=ApiKeysPage/>
                    <Route path=path!("/audit") view=AuditPage/>
                    <Route path=path!("/billing") view=BillingPage/>
                    <Route path=path!("/settings") view=SettingsPage/>
                    <Route path=path!("/settings/payments") view=PaymentSettingsPage/>
                    <Route path=path!("/payment-complete") view=PaymentCompletePage/>
                    <Route path=path!("/invite/:token") view=AcceptInvitationPage/>
                </Routes>
            </Layout>
            <ToastHost/>
        </Router>
    }
}

/// Header with the brand, the navigation and the language switch; the page below it.
#[component]
fn Layout(children: Children) -> impl IntoView {
    let text = use_text();
    let session = use_session();
    view! {
        <a class="skip-link" href="#main">{move || text(Msg::SkipToContent)}</a>
        <header class="app-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"D"</span>
                <span>"Duely"</span>
            </A>
            <nav class="app-nav" aria-label=move || text(Msg::MainNavigation)>
                <A href="/" exact=true>{move || text(Msg::NavOverview)}</A>
                // The menu shows only what the role may do (the server enforces it regardless).
                <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ViewReports))>
                    <A href="/dashboard">{move || text(Msg::NavDashboard)}</A>
                </Show>
                <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ViewCustomers))>
                    <A href="/customers">{move || text(Msg::NavCustomers)}</A>
                </Show>
                <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ViewInvoices))>
                    <A href="/invoices">{move || text(Msg::NavInvoices)}</A>
                </Show>
                <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ViewPayments))>
                    <A href="/payments">{move || text(Msg::NavPayments)}</A>
                </Show>
                <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::WorkCollections))>
                    <A href="/worklist">{move || text(Msg::NavWorklist)}</A>
                    <A href="/promises">{move || text(Msg::Promises)}</A>
                    <A href="/dunning">{move || text(Msg::NavDunning)}</A>
                    <A href="/legal">{move || text(Msg::NavLegal)}</A>
                    <A href="/reports/performance">{move || text(Msg::NavPerformance)}</A>
                </Show>
                <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ViewReports))>
                    <A href="/reports/aging">{move || text(Msg::NavAging)}</A>
                </Show>
                <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ManageCustomers))>
                    <A href="/import">{move || text(Msg::NavImport)}</A>
                </Show>
                <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ViewTeam))>
                    <A href="/team">{move || text(Msg::NavTeam)}</A>
                </Show>
                <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ManageApiKeys))>
                    <A href="/api-keys">{move || text(Msg::NavApiKeys)}</A>
                </Show>
                <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ViewAuditLog))>
                    <A href="/audit">{move || text(Msg::NavAudit)}</A>
                </Show>
                <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ManageSettings))>
                    <A href="/settings">{move || text(Msg::NavSettings)}</A>
                    <A href="/settings/payments">{move || text(Msg::NavPaymentSettings)}</A>
                </Show>
                <Show when=move || session.current.get().is_some_and(|s| s.can(Permission::ManageBilling))>
                    <A href="/billing">{move || text(Msg::NavBilling)}</A>
                </Show>
                <Show when=move || session.status.get() == SessionStatus::SignedOut>
                    <A href="/login">{move || text(Msg::NavSignIn)}</A>
                    <A href="/signup">{move || text(Msg::NavSignUp)}</A>
                </Show>
            </nav>
            <LocaleSwitcher/>
            <UserMenu/>
        </header>
        <SubscriptionNotice/>
        <VerifyEmailBanner/>
        <main id="main" class="app-main" tabindex="-1">{children()}</main>
    }
}

/// The signed-in user and company, with their account page and sign-out.
#[component]
fn UserMenu() -> impl IntoView {
    let text = use_text();
    let session = use_session();
    let navigate = leptos_router::hooks::use_navigate();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            session.log_out().await;
            navigate("/login", Default::default());
        });
    };
    view! {
        {move || session.current.get().map(|current| view! {
            <div class="user-menu">
                <span class="user-menu-who" title=move || text(Msg::SignedInAs)>
                    <span class="user-menu-company" data-testid="header-company">{current.tenant_name.clone()}</span>
                    <span class="user-menu-name">{current.user_name.clone()}</span>
                </span>
                <A href="/account" attr:class="button button-secondary" attr:data-testid="account-link">
                    {move || text(Msg::NavAccount)}
                </A>
                <CompanySwitcher/>
                <button type="button" class="button button-secondary" data-testid="sign-out" on:click=sign_out.clone()>
                    {move || text(Msg::SignOut)}
                </button>
            </div>
        })}
    }
}

/// The companies the user belongs to, shown when there is more than one. Choosing one switches
/// the session to it (new tokens, new role, so a new menu) and returns to the overview.
#[component]
fn CompanySwitcher() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let session = use_session();
    let toasts = use_toasts();
    let navigate = leptos_router::hooks::use_navigate();
    let companies = RwSignal::new(Vec::<(String, String)>::new());
    // Only the company matters here: a silent token refresh must not reload the list.
    let current_tenant = Memo::new(move |_| {
        session
            .current
            .with(|current| current.as_ref().map(|current| current.tenant_id.clone()))
    });
    Effect::new(move |_| {
        if current_tenant.get().is_none() {
            companies.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(data) = api::run::<api::Me>(api::me::Variables {}).await {
                companies.set(
                    data.me
                        .memberships
                        .into_iter()
                        .map(|membership| (membership.tenant.id, membership.tenant.name))
                        .collect(),
                );
            }
        });
    });
    let switch_to = move |tenant_id: String| {
        if Some(&tenant_id) == current_tenant.get_untracked().as_ref() {
            return;
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = api::run::<api::SwitchTenant>(api::switch_tenant::Variables {
                input: api::switch_tenant::SwitchTenantInput { tenant_id },
            })
            .await;
            match result {
                Ok(data) => {
                    let session_now: crate::session::Session = data.switch_tenant.into();
                    let name = session_now.tenant_name.clone();
                    session.start(session_now);
                    toasts.push(
                        ToastKind::Success,
                        format!("{} {name}", text(Msg::SwitchedCompany)),
                    );
                    navigate("/", Default::default());
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    view! {
        <Show when=move || companies.with(|companies| companies.len() > 1)>
            <label class="company-switcher">
                <span class="visually-hidden">{move || text(Msg::SwitchCompany)}</span>
                <select
                    data-testid="company-switcher"
                    prop:value=move || current_tenant.get().unwrap_or_default()
                    on:change={
                        let switch_to = switch_to.clone();
                        move |event| switch_to(event_target_value(&event))
                    }
                >
                    {move || {
                        let current = current_tenant.get();
                        companies
                            .get()
                            .into_iter()
                            .map(|(id, name)| {
                                let selected = Some(&id) == current.as_ref();
                                view! { <option value=id selected=selected>{name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
        </Show>
    }
}
