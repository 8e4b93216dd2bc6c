//! The invoice page's fapiao (发票) panel: the fapiao recorded for the invoice, voided ones
//! marked; finance records one issued in the tax system and voids one with a reason. The
//! server checks every rule (the kind's number form, never more than the total) and names the
//! field at fault, which the form shows there.

use crate::api::{self, RecordFapiao, VoidFapiao};
use crate::components::{Button, ButtonKind, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{FapiaoMsg, Msg, use_locale, use_text};
use crate::pages::customers::show;
use domain::display;
use leptos::prelude::*;

type Row = api::invoice_detail::InvoiceDetailInvoiceFapiaos;
type Note = api::invoice_detail::InvoiceDetailInvoiceCreditNotes;

const KINDS: [(&str, Msg); 5] = [
    ("DIGITAL_VAT_SPECIAL", FapiaoMsg::KindDigitalVatSpecial),
    ("DIGITAL_VAT_GENERAL", FapiaoMsg::KindDigitalVatGeneral),
    ("VAT_SPECIAL", FapiaoMsg::KindVatSpecial),
    ("VAT_GENERAL", FapiaoMsg::KindVatGeneral),
    ("OTHER", FapiaoMsg::KindOther),
];

fn kind_msg(kind: &str) -> Msg {
    KINDS
        .iter()
        .find(|(name, _)| *name == kind)
        .map_or(FapiaoMsg::KindOther, |(_, msg)| *msg)
}

#[component]
pub fn FapiaoPanel(
    invoice_id: String,
    fapiaos: Vec<Row>,
    /// The invoice's credit notes: a red-letter fapiao answers one of them.
    credit_notes: Vec<Note>,
    /// Today's date, the form's default.
    today: String,
    may_record: bool,
    refresh: Callback<()>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let t = move |msg: Msg| text(msg);
    let open = RwSignal::new(false);
    let kind = RwSignal::new("DIGITAL_VAT_SPECIAL".to_owned());
    let number = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let issued_on = RwSignal::new(today);
    let amount = RwSignal::new(String::new());
    let tax = RwSignal::new(String::new());
    // Empty for an ordinary (blue) fapiao; a credit note's id for a red-letter one.
    let credit_note = RwSignal::new(String::new());
    let note_options = {
        let l = locale.get_untracked();
        let notes: Vec<(String, String)> = credit_notes
            .iter()
            .map(|note| {
                (
                    note.id.clone(),
                    format!(
                        "{} · {}",
                        note.number,
                        show(l, &note.amount.amount, &note.amount.currency)
                    ),
                )
            })
            .collect();
        Signal::derive(move || {
            let mut options = vec![(String::new(), "—".to_owned())];
            options.extend(notes.iter().cloned());
            options
        })
    };
    let has_notes = !credit_notes.is_empty();
    let busy = RwSignal::new(false);
    // The server's refusal, at the field it names (or above the form).
    let failure = RwSignal::new(None::<(String, String)>);
    let error_at = move |field: &'static str| crate::components::field_error(failure, field);
    let kind_options = Signal::derive(move || {
        KINDS
            .iter()
            .map(|(name, msg)| ((*name).to_owned(), t(*msg).to_owned()))
            .collect::<Vec<_>>()
    });
    let save = {
        let invoice_id = invoice_id.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let Some(kind_value) =
                api::chosen::<api::record_fapiao::FapiaoKind>(&kind.get_untracked())
            else {
                return;
            };
            let code_value = Some(code.get_untracked().trim().to_owned()).filter(|c| !c.is_empty());
            let input = api::record_fapiao::RecordFapiaoInput {
                invoice_id: invoice_id.clone(),
                number: number.get_untracked().trim().to_owned(),
                code: code_value,
                kind: kind_value,
                issued_on: issued_on.get_untracked(),
                amount: amount.get_untracked().trim().to_owned(),
                tax_amount: tax.get_untracked().trim().to_owned(),
                credit_note_id: Some(credit_note.get_untracked()).filter(|id| !id.is_empty()),
            };
            busy.set(true);
            failure.set(None);
            leptos::task::spawn_local(async move {
                match api::run::<RecordFapiao>(api::record_fapiao::Variables { input }).await {
                    Ok(_) => {
                        toasts.push(ToastKind::Success, text(FapiaoMsg::Recorded));
                        open.set(false);
                        number.set(String::new());
                        code.set(String::new());
                        amount.set(String::new());
                        tax.set(String::new());
                        credit_note.set(String::new());
                        refresh.run(());
                    }
                    Err(error) => failure.set(Some((
                        error.field_name().to_owned(),
                        error.text(locale.get_untracked()),
                    ))),
                }
                busy.set(false);
            });
        }
    };
    let void = move |fapiao_id: String| {
        let Some(reason) = web_sys::window()
            .and_then(|w| {
                w.prompt_with_message(t(FapiaoMsg::VoidReason))
                    .ok()
                    .flatten()
            })
            .filter(|reason| !reason.trim().is_empty())
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            let input = api::void_fapiao::VoidFapiaoInput { fapiao_id, reason };
            match api::run::<VoidFapiao>(api::void_fapiao::Variables { input }).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::Saved));
                    refresh.run(());
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let empty = fapiaos.is_empty();
    view! {
        <div class="panel" data-testid="fapiaos">
            <h2>{move || t(FapiaoMsg::Title)}</h2>
            {empty.then(|| view! { <p>{move || t(FapiaoMsg::None)}</p> })}
            <ul class="plain-list">
                {fapiaos.into_iter().map(|row| {
                    let l = locale.get_untracked();
                    let id = row.id.clone();
                    let kind_name = api::to_domain::<_, String>(&row.kind).unwrap_or_default();
                    let red = row.credit_note_id.is_some();
                    view! {
                        <li data-testid="fapiao" class:voided=row.voided>
                            <strong data-testid="fapiao-number">{row.number.clone()}</strong>
                            {row.code.clone().map(|code| view! { " ("{code}")" })}" · "
                            {move || t(kind_msg(&kind_name))}" · "
                            {display::date(l, &row.issued_on)}" · "
                            {show(l, &row.amount.amount, &row.amount.currency)}
                            " ("{move || t(FapiaoMsg::Tax)}" "{show(l, &row.tax_amount.amount, &row.tax_amount.currency)}")"
                            {red.then(|| view! { " " <span class="badge badge-danger">{move || t(FapiaoMsg::RedLetter)}</span> })}
                            {row.voided.then(|| view! {
                                " " <span class="badge" data-testid="fapiao-voided">{move || t(FapiaoMsg::Voided)}</span>
                                " "{row.void_reason.clone().unwrap_or_default()}
                            })}
                            {(!row.voided && may_record).then(|| view! {
                                " " <button type="button" class="button button-secondary" data-testid="void-fapiao" on:click=move |_| void(id.clone())>{move || t(FapiaoMsg::Void)}</button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {may_record.then(|| view! {
                <Show when=move || open.get() fallback=move || view! {
                    <button type="button" class="button button-secondary" data-testid="record-fapiao" on:click=move |_| open.set(true)>{move || t(FapiaoMsg::Record)}</button>
                }>
                    <form class="form-grid" novalidate on:submit=save.clone() data-testid="fapiao-form">
                        <p class="form-error" role="alert" data-testid="fapiao-error">{move || failure.get().filter(|(at, _)| !matches!(at.as_str(), "number" | "code" | "amount" | "taxAmount" | "issuedOn")).map(|(_, message)| message).unwrap_or_default()}</p>
                        <SelectField name="fapiao-kind" label=Signal::derive(move || t(FapiaoMsg::Kind)) value=kind options=kind_options/>
                        <TextField name="fapiao-number" label=Signal::derive(move || t(FapiaoMsg::Number)) value=number error=error_at("number") required=true/>
                        <TextField name="fapiao-code" label=Signal::derive(move || t(FapiaoMsg::Code)) value=code error=error_at("code") hint=Signal::derive(move || t(FapiaoMsg::CodeHint))/>
                        <TextField name="fapiao-issued-on" label=Signal::derive(move || t(FapiaoMsg::IssuedOn)) value=issued_on input_type="date" error=error_at("issuedOn")/>
                        <TextField name="fapiao-amount" label=Signal::derive(move || t(FapiaoMsg::Amount)) value=amount error=error_at("amount") required=true/>
                        <TextField name="fapiao-tax" label=Signal::derive(move || t(FapiaoMsg::Tax)) value=tax error=error_at("taxAmount") required=true/>
                        {has_notes.then(|| view! {
                            <SelectField name="fapiao-credit-note" label=Signal::derive(move || t(FapiaoMsg::CreditNote)) value=credit_note options=note_options/>
                        })}
                        <div class="form-actions">
                            <Button kind=ButtonKind::Primary r#type="submit" busy=busy test_id="save-fapiao">{move || t(FapiaoMsg::Save)}</Button>
                            <button type="button" class="button button-secondary" on:click=move |_| open.set(false)>{move || text(Msg::Cancel)}</button>
                        </div>
                    </form>
                </Show>
            })}
        </div>
    }
}
