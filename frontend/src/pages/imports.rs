//! Importing customers, invoices and received payments (receipts) from CSV, with upload progress
//! and every problem listed by row and column.

use super::access::RequirePermission;
use crate::components::{ProgressBar, ToastKind, use_toasts};
use crate::files;
use crate::i18n::{Msg, use_text};
use crate::session::use_session;
use domain::access::Permission;
use leptos::prelude::*;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Problem {
    row: i64,
    column: String,
    message: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    rows: i64,
    imported: i64,
    /// Payments of the file recorded already (by `external_id`), left as they are; 0 for the
    /// other kinds.
    #[serde(default)]
    skipped: i64,
    dry_run: bool,
    problems: Vec<Problem>,
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let text = use_text();
    let session = use_session();
    // Receipts are recorded payments: the box is for those who may record them.
    let may_import_payments = move || {
        session
            .current
            .get()
            .is_some_and(|current| current.can(Permission::ManagePayments))
    };
    view! {
        <RequirePermission permission=Permission::ManageCustomers>
            <section class="page">
                <header class="page-header">
                    <h1>{move || text(Msg::ImportTitle)}</h1>
                    <p class="lead">{move || text(Msg::ImportLead)}</p>
                </header>
                <ImportBox
                    kind="customers"
                    title=Msg::ImportCustomers
                    columns="code,name,tax_id,currency,payment_terms_days,payment_terms_kind,credit_limit,segment,contact_name,contact_email,contact_phone,billing_address,collector_email,salesperson_email"
                    hints=&[Msg::CustomerImportAssignHint, Msg::CustomerImportAssignEmpty]
                />
                <ImportBox
                    kind="invoices"
                    title=Msg::ImportInvoices
                    columns="number,customer_code,issue_date,due_date,currency,description,quantity,unit_price,tax_rate,external_ref"
                />
                <Show when=may_import_payments>
                    <ImportBox
                        kind="payments"
                        title=Msg::ImportPayments
                        columns="external_id,customer_code,received_on,amount,currency,method,reference,invoice_number,allocated_amount"
                        hints=&[Msg::PaymentImportGroupHint, Msg::PaymentImportOnceHint, Msg::PaymentImportAllocateHint]
                    />
                </Show>
            </section>
        </RequirePermission>
    }
}

#[component]
fn ImportBox(
    kind: &'static str,
    title: Msg,
    columns: &'static str,
    /// More about the columns, a line each below their list.
    #[prop(optional)]
    hints: &'static [Msg],
) -> impl IntoView {
    let text = use_text();
    let toasts = use_toasts();
    let input = NodeRef::<leptos::html::Input>::new();
    let sent = RwSignal::new(None::<f64>);
    let processing = RwSignal::new(false);
    let report = RwSignal::new(None::<Report>);
    let run = move |dry_run: bool| {
        let Some(file) = input
            .get()
            .and_then(|element| element.files())
            .and_then(|list| list.get(0))
        else {
            toasts.push(ToastKind::Error, text(Msg::ChooseFileFirst));
            return;
        };
        report.set(None);
        sent.set(Some(0.0));
        processing.set(false);
        leptos::task::spawn_local(async move {
            let path = format!("/api/imports/{kind}?dryRun={dry_run}");
            let result = files::upload(&path, file, move |share| {
                sent.set(Some(share));
                if share >= 1.0 {
                    processing.set(true);
                }
            })
            .await;
            sent.set(None);
            processing.set(false);
            match result {
                Ok((_, body)) => match serde_json::from_str::<Report>(&body) {
                    Ok(parsed) => {
                        if parsed.problems.is_empty() && !parsed.dry_run {
                            toasts.push(
                                ToastKind::Success,
                                format!(
                                    "{} {}{}",
                                    text(Msg::ImportedCount),
                                    parsed.imported,
                                    skipped_text(text, parsed.skipped)
                                ),
                            );
                        }
                        report.set(Some(parsed));
                    }
                    Err(_) => {
                        let message = serde_json::from_str::<serde_json::Value>(&body)
                            .ok()
                            .and_then(|value| {
                                value["errors"][0]["message"].as_str().map(str::to_owned)
                            })
                            .unwrap_or(body);
                        toasts.push(ToastKind::Error, message);
                    }
                },
                Err(message) => toasts.push(ToastKind::Error, message),
            }
        });
    };
    let field_id = format!("import-{kind}");
    view! {
        <div class="panel import-box" data-testid=format!("import-{kind}")>
            <h2>{move || text(title)}</h2>
            <p class="field-hint">{move || text(Msg::ColumnsAre)}": "<code>{columns}</code></p>
            {hints.iter().copied().map(|hint| view! { <p class="field-hint">{move || text(hint)}</p> }).collect_view()}
            <div class="field">
                <label for=field_id.clone()>{move || text(Msg::ChooseFile)}</label>
                <input id=field_id type="file" accept=".csv,text/csv" node_ref=input/>
            </div>
            <div class="actions">
                <button type="button" class="button button-secondary" data-testid=format!("check-{kind}") on:click=move |_| run(true)>{move || text(Msg::CheckOnly)}</button>
                <button type="button" class="button button-primary" data-testid=format!("import-{kind}-now") on:click=move |_| run(false)>{move || text(Msg::ImportNow)}</button>
            </div>
            <Show when=move || sent.get().is_some()>
                <ProgressBar
                    label=Signal::derive(move || if processing.get() { text(Msg::Processing) } else { text(Msg::Uploading) }.to_owned())
                    done=Signal::derive(move || (sent.get().unwrap_or(0.0) * 1000.0) as u64)
                    total=Signal::derive(|| 1000u64)
                />
            </Show>
            {move || report.get().map(|report| {
                if report.problems.is_empty() {
                    let message = if report.dry_run {
                        format!("{} ({})", text(Msg::CheckPassed), report.rows)
                    } else {
                        format!("{} {}", text(Msg::ImportedCount), report.imported)
                    };
                    let skipped = skipped_text(text, report.skipped);
                    view! {
                        <p class="notice" data-testid="import-result">
                            {message}
                            {(!skipped.is_empty()).then(|| view! { <span data-testid="import-skipped">{skipped}</span> })}
                        </p>
                    }.into_any()
                } else {
                    view! {
                        <div data-testid="import-problems">
                            <p class="form-error" role="alert">{text(Msg::ProblemsFound)}</p>
                            <table class="data-table">
                                <thead><tr><th scope="col">{text(Msg::Row)}</th><th scope="col">{text(Msg::Column)}</th><th scope="col">{text(Msg::Problem)}</th></tr></thead>
                                <tbody>
                                    {report.problems.into_iter().map(|problem| view! {
                                        <tr data-testid="import-problem"><td class="num">{problem.row}</td><td><code>{problem.column}</code></td><td>{problem.message}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            })}
        </div>
    }
}

/// " · N skipped (already imported)" after an import's count, or nothing when none was skipped.
fn skipped_text(text: impl Fn(Msg) -> &'static str, skipped: i64) -> String {
    if skipped > 0 {
        format!(
            " · {}",
            text(Msg::ImportSkippedCount).replace("{n}", &skipped.to_string())
        )
    } else {
        String::new()
    }
}

/// A button that downloads `path` (an export with the list's filters) as `file_name`.
#[component]
pub fn ExportButton(
    #[prop(into)] path: Signal<String>,
    file_name: &'static str,
    #[prop(default = Msg::ExportCsv)] label: Msg,
) -> impl IntoView {
    let text = use_text();
    let toasts = use_toasts();
    let busy = RwSignal::new(false);
    let click = move |_| {
        busy.set(true);
        let path = path.get_untracked();
        leptos::task::spawn_local(async move {
            if let Err(message) = files::download(&path, file_name).await {
                toasts.push(ToastKind::Error, message);
            }
            busy.set(false);
        });
    };
    view! {
        <button type="button" class="button button-secondary" data-testid="export-csv" disabled=move || busy.get() on:click=click>
            {move || text(label)}
        </button>
    }
}
