//! The test kit: what a new test needs to arrange a company, call the API with types, and move
//! time, without SQL in the test body.
//!
//! ```ignore
//! #[tokio::test]
//! async fn a_new_behaviour_reads_as_a_sentence() {
//!     let app = spawn_app().await;
//!     let acme = TestTenant::sign_up(&app, "Acme").await; // a company and its owner
//!     let collector = acme.member("collector").await; // invited, joined: a session
//!     let buyer = acme.customer("B-1").await; // CustomerCreated { id, code, name }
//!     let invoice = acme.invoice(&buyer, "1000").await; // IssuedInvoice, typed
//!     app.set_today(invoice.due_date + Days::new(45)).await; // every company's today
//!     let overdue: Page<IssuedInvoice> = acme.api().invoices(json!({ "filter": { "overdue": true } })).await;
//!     assert_eq!(overdue.total_count, 1);
//! }
//! ```
//!
//! - [`requests`]: typed calls. [`Api`] (or [`data`]) sends an operation and reads `data` into
//!   serde structs, failing the test with the whole body on any error. For a shape the kit does
//!   not have, declare a `#[derive(Deserialize)] #[serde(rename_all = "camelCase")]` struct in
//!   the test and call `api.data::<MyShape>(query, variables)`.
//! - [`tenant`]: [`TestTenant`], a signed-up company with conveniences that return typed values.
//! - [`fixtures`]: the untyped JSON helpers older tests use (`ok`, `create_customer`, ...).
//! - [`mail`]: reading the mail the app sent (`invitation_token`).
//! - Time: `app.set_today(day)` / `app.reset_clock()` (in `helpers.rs`) set the development clock.
//! - Refusals: send with `app.graphql_as` and compare `error_codes(&body)`; a whole error body is
//!   a snapshot (`error_bodies.rs`).

pub mod fixtures;
pub mod mail;
pub mod replica;
pub mod requests;
pub mod tenant;

pub use fixtures::{
    PAYMENT_FIELDS, accept_query, company_today, create_customer, create_invoice_raw, customer,
    invite, invoice, issue_invoice, join, ok, record_payment_raw, run_dunning,
};
pub use mail::{invitation_token, newest_pdf_to, newest_to_where, pdf_text};
pub use requests::{
    Api, COMPANY_SETTINGS, CustomerCreated, IssuedInvoice, Money, Page, RecordedPayment, data,
};
pub use tenant::TestTenant;
