//! The pages loaded on demand: each is a route whose view lives in a chunk of its own (the
//! build splits the wasm at these points), fetched the first time someone opens it. The first
//! screen (sign-in, the shell and the overview) stays in the main module, so a phone starts
//! without downloading the invoice editor, dunning or the reports.

use crate::pages;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A route named `$route` whose view is the page `$page`, loaded on demand.
macro_rules! lazy_page {
    ($($route:ident => $page:path),+ $(,)?) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    )+};
}

lazy_page! {
    Account => pages::AccountPage,
    Customers => pages::CustomersPage,
    Customer => pages::CustomerPage,
    Statement => pages::StatementPage,
    PublicStatement => pages::PublicStatementPage,
    Invoices => pages::InvoicesPage,
    NewInvoice => pages::NewInvoicePage,
    Invoice => pages::InvoicePage,
    EditInvoice => pages::EditInvoicePage,
    Payments => pages::PaymentsPage,
    Cash => pages::CashPage,
    Import => pages::ImportPage,
    Dunning => pages::DunningPage,
    Worklist => pages::WorklistPage,
    Promises => pages::PromisesPage,
    Tasks => pages::TasksPage,
    Disputes => pages::DisputesPage,
    Approvals => pages::ApprovalsPage,
    Dashboard => pages::DashboardPage,
    Aging => pages::AgingPage,
    Performance => pages::PerformancePage,
    Legal => pages::LegalPage,
    Letters => pages::LettersPage,
    Team => pages::TeamPage,
    ApiKeys => pages::ApiKeysPage,
    Audit => pages::AuditPage,
    Billing => pages::BillingPage,
    Settings => pages::SettingsPage,
    PaymentSettings => pages::PaymentSettingsPage,
    CompanyProfile => pages::CompanyProfilePage,
    Webhooks => pages::WebhooksPage,
    Messaging => pages::MessagingPage,
    PaymentComplete => pages::PaymentCompletePage,
}

/// The pages most people open after signing in (the dashboard, the worklist, customers,
/// invoices), fetched in the background one after another: opening them later waits for no
/// download, as their modules stay cached. The sign-in page fetches none of them.
pub fn preload_common_pages() {
    leptos::task::spawn_local(async {
        Dashboard::preload().await;
        Worklist::preload().await;
        Customers::preload().await;
        Invoices::preload().await;
    });
}
