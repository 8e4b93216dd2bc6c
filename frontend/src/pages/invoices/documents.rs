//! The invoice page's documents: download the PDF the customer receives, and send it to them
//! by email (to the billing contacts by default, with copies and a note). The server renders
//! the PDF in the customer's language and logs the sending on the timeline.

use crate::api::{self, SendInvoice};
use crate::components::{Button, ButtonKind, TextField, ToastKind, use_toasts};
use crate::i18n::{DocumentsMsg, Msg, use_locale, use_text};
use leptos::prelude::*;

/// The download and send buttons, and the send form when open.
#[component]
pub fn InvoiceDocuments(
    invoice_id: String,
    /// The invoice's number (a draft has none), for the file's name.
    number: Option<String>,
    may_send: bool,
    refresh: Callback<()>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let t = move |msg: Msg| text(msg);
    let downloading = RwSignal::new(false);
    let download = {
        let path = format!("/api/invoices/{invoice_id}.pdf");
        let file_name = format!("invoice-{}.pdf", number.as_deref().unwrap_or("draft"));
        move |_| {
            let (path, file_name) = (path.clone(), file_name.clone());
            downloading.set(true);
            leptos::task::spawn_local(async move {
                if let Err(message) = crate::files::download(&path, &file_name).await {
                    toasts.push(ToastKind::Error, message);
                }
                downloading.set(false);
            });
        }
    };
    let open = RwSignal::new(false);
    let email = RwSignal::new(String::new());
    let cc = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<(String, String)>);
    let error_at = move |field: &'static str| crate::components::field_error(failure, field);
    // One key per opening of the form: a double submit sends one email.
    let attempt_key = RwSignal::new(String::new());
    let start = move |_| {
        attempt_key.set(format!("send-invoice-{}", js_sys::Math::random()));
        failure.set(None);
        open.set(true);
    };
    let send = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let input = api::send_invoice::SendInvoiceInput {
            invoice_id: invoice_id.clone(),
            email: Some(email.get_untracked().trim().to_owned()).filter(|e| !e.is_empty()),
            cc: cc
                .get_untracked()
                .split([',', ';', '，', '；'])
                .map(str::trim)
                .filter(|address| !address.is_empty())
                .map(str::to_owned)
                .collect(),
            message: Some(message.get_untracked().trim().to_owned()).filter(|m| !m.is_empty()),
            idempotency_key: Some(attempt_key.get_untracked()),
        };
        busy.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match api::run::<SendInvoice>(api::send_invoice::Variables { input }).await {
                Ok(data) => {
                    toasts.push(
                        ToastKind::Success,
                        format!(
                            "{} {}",
                            text(DocumentsMsg::Sent),
                            data.send_invoice.sent_to.join(", ")
                        ),
                    );
                    open.set(false);
                    email.set(String::new());
                    cc.set(String::new());
                    message.set(String::new());
                    refresh.run(());
                }
                Err(error) => failure.set(Some((
                    error.field_name().to_owned(),
                    error.text(locale.get_untracked()),
                ))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="actions">
            <button type="button" class="button button-secondary" data-testid="download-invoice-pdf"
                disabled=move || downloading.get() on:click=download>
                {move || t(DocumentsMsg::DownloadPdf)}
            </button>
            {may_send.then(|| view! {
                <button type="button" class="button button-secondary" data-testid="send-invoice" on:click=start>
                    {move || t(DocumentsMsg::Send)}
                </button>
            })}
        </div>
        <Show when=move || open.get()>
            <form class="form-grid panel" novalidate on:submit=send.clone() data-testid="send-invoice-form">
                <h2>{move || t(DocumentsMsg::SendTitle)}</h2>
                <p class="form-error" role="alert" data-testid="send-invoice-error">
                    {move || failure.get().filter(|(at, _)| !(at == "email" || at.starts_with("cc") || at == "message")).map(|(_, message)| message).unwrap_or_default()}
                </p>
                <TextField name="send-invoice-email" label=Signal::derive(move || t(DocumentsMsg::SendTo)) value=email
                    input_type="email" error=error_at("email") hint=Signal::derive(move || t(DocumentsMsg::SendToHint))/>
                <TextField name="send-invoice-cc" label=Signal::derive(move || t(DocumentsMsg::Cc)) value=cc
                    error=error_at("cc") hint=Signal::derive(move || t(DocumentsMsg::CcHint))/>
                <div class="field">
                    <label for="send-invoice-message">{move || t(DocumentsMsg::Message)}</label>
                    <textarea id="send-invoice-message" name="send-invoice-message" rows="3" maxlength="2000"
                        prop:value=move || message.get() on:input=move |event| message.set(event_target_value(&event))></textarea>
                    <span class="field-error" role="alert">{move || error_at("message").get().unwrap_or_default()}</span>
                </div>
                <div class="form-actions">
                    <Button kind=ButtonKind::Primary r#type="submit" busy=busy test_id="send-invoice-now">{move || t(DocumentsMsg::SendNow)}</Button>
                    <button type="button" class="button button-secondary" on:click=move |_| open.set(false)>{move || text(Msg::Cancel)}</button>
                </div>
            </form>
        </Show>
    }
}
