//! The pages loaded on demand, in groups: each page is a route whose view lives in its group's
//! module (the build splits the wasm at each group), fetched the first time someone opens one
//! of the group's pages. The first screen (sign-in, the shell and the overview) stays in the
//! main module, so a phone starts without downloading the invoice editor, dunning or the reports.

use crate::pages;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// A group of pages loaded together: `$Group` names its pages, `$view` (one split point, so
/// one module with what only these pages use) draws the one asked for, and each page is a route
/// `$route` loading the group. Pages are grouped, not split one by one, because every split
/// point multiplies the pieces the splitter cuts from shared code: a page each made about 800
/// modules, and the dashboard's first load instantiated 151 of them (issue 30).
macro_rules! page_group {
    ($group:ident, $view:ident, $preload:ident { $($route:ident => $page:path),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy)]
        pub enum $group {
            $($route),+
        }

        #[lazy]
        fn $view(page: $group) -> AnyView {
            match page {
                $($group::$route => view! { <$page/> }.into_any()),+
            }
        }

        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $view($group::$route).await
                }

                async fn preload() {
                    $preload().await;
                }
            }
        )+
    };
}

page_group!(ReportsPages, reports_view, __preload_reports_view {
    Dashboard => pages::DashboardPage,
    Aging => pages::AgingPage,
    Performance => pages::PerformancePage,
});

page_group!(TodayPages, today_view, __preload_today_view {
    Worklist => pages::WorklistPage,
    Tasks => pages::TasksPage,
    Promises => pages::PromisesPage,
    Approvals => pages::ApprovalsPage,
});

page_group!(CustomerPages, customer_view, __preload_customer_view {
    Customers => pages::CustomersPage,
    Customer => pages::CustomerPage,
    Statement => pages::StatementPage,
});

page_group!(InvoicePages, invoice_view, __preload_invoice_view {
    Invoices => pages::InvoicesPage,
    NewInvoice => pages::NewInvoicePage,
    Invoice => pages::InvoicePage,
    EditInvoice => pages::EditInvoicePage,
    Disputes => pages::DisputesPage,
});

page_group!(CashPages, cash_view, __preload_cash_view {
    Payments => pages::PaymentsPage,
    Cash => pages::CashPage,
    Import => pages::ImportPage,
});

page_group!(CollectionPages, collection_view, __preload_collection_view {
    Dunning => pages::DunningPage,
    Legal => pages::LegalPage,
    Letters => pages::LettersPage,
});

page_group!(SettingsPages, settings_view, __preload_settings_view {
    Settings => pages::SettingsPage,
    PaymentSettings => pages::PaymentSettingsPage,
    CompanyProfile => pages::CompanyProfilePage,
    Webhooks => pages::WebhooksPage,
    Messaging => pages::MessagingPage,
});

page_group!(AccountPages, account_view, __preload_account_view {
    Account => pages::AccountPage,
    Team => pages::TeamPage,
    ApiKeys => pages::ApiKeysPage,
    Audit => pages::AuditPage,
    Billing => pages::BillingPage,
    PaymentComplete => pages::PaymentCompletePage,
});

// A customer's statement link opens this alone: it shares no group with the team's pages.
page_group!(PublicPages, public_view, __preload_public_view {
    PublicStatement => pages::PublicStatementPage,
});

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
