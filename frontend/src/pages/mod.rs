//! One module per screen.

mod accept_invitation;
mod access;
mod account;
mod activity_edit;
mod allocation;
mod analytics;
mod api_keys;
mod audit;
mod billing;
mod collections;
mod customers;
mod disputes;
mod dunning;
mod home;
mod imports;
mod invoices;
mod legal;
mod login;
mod not_found;
mod password_reset;
mod payments;
mod promises;
mod settings;
mod signup;
mod statements;
mod tasks;
mod team;
mod verify_email;
mod worklist;

pub use accept_invitation::AcceptInvitationPage;
pub use account::AccountPage;
pub use analytics::{AgingPage, DashboardPage, PerformancePage};
pub use api_keys::ApiKeysPage;
pub use audit::AuditPage;
pub use billing::{
    BillingPage, PaymentCompletePage, PaymentSettingsPage, SubscriptionNotice, go_to,
};
pub use customers::{CustomerPage, CustomersPage};
pub use disputes::DisputesPage;
pub use dunning::DunningPage;
pub use home::HomePage;
pub use imports::{ExportButton, ImportPage};
pub use invoices::{EditInvoicePage, InvoicePage, InvoicesPage, NewInvoicePage};
pub use legal::LegalPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use password_reset::{ForgotPasswordPage, ResetPasswordPage};
pub use payments::PaymentsPage;
pub use promises::PromisesPage;
pub use settings::SettingsPage;
pub use signup::SignUpPage;
pub use statements::{PublicStatementPage, StatementPage};
pub use tasks::TasksPage;
pub use team::TeamPage;
pub use verify_email::{VerifyEmailBanner, VerifyEmailPage};
pub use worklist::WorklistPage;
