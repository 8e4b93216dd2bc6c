//! Invoices: the list, the editor (new and draft edit) with live totals priced by the domain
//! crate's own rule, and the detail page with its lifecycle actions and disputes.

use crate::api;
use crate::i18n::invoice_status_text;
use domain::invoices::InvoiceStatus;
use leptos::prelude::*;

mod detail;
mod documents;
mod editor;
mod fapiao;
mod list;

pub use detail::InvoicePage;
pub use editor::{EditInvoicePage, NewInvoicePage};
pub use list::InvoicesPage;

fn status_of<T: serde::Serialize>(status: &T) -> InvoiceStatus {
    api::to_domain(status).unwrap_or(InvoiceStatus::Draft)
}

fn status_badge(locale: domain::Locale, status: InvoiceStatus) -> impl IntoView {
    let class = match status {
        InvoiceStatus::Paid => "badge badge-success",
        InvoiceStatus::Void | InvoiceStatus::WrittenOff => "badge badge-muted",
        InvoiceStatus::Draft => "badge",
        InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid => "badge badge-info",
    };
    view! { <span class=class data-testid="invoice-status">{invoice_status_text(locale, status)}</span> }
}
