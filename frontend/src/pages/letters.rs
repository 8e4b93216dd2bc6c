//! Letters: the print list of demand letters (催款函) the ladders made and lawyer's letter
//! drafts (律师函), each downloaded as a PDF on the company's letterhead, printed, mailed, and
//! recorded with the carrier's tracking number; then the letters already mailed.

use super::access::RequirePermission;
use crate::api::{self, LettersList, MarkLetterMailed};
use crate::components::{SelectField, ToastKind, use_toasts};
use crate::i18n::{DocumentsMsg, Msg, use_locale, use_text};
use domain::access::Permission;
use domain::display;
use leptos::prelude::*;

type Row = api::letters_list::LettersListLettersEdgesNode;

#[component]
pub fn LettersPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::WorkCollections>
            <Letters/>
        </RequirePermission>
    }
}

#[component]
fn Letters() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let t = move |msg: Msg| text(msg);
    let status = RwSignal::new("TO_PRINT".to_owned());
    let reload = RwSignal::new(0u32);
    let letters = LocalResource::new(move || {
        reload.track();
        let status = api::chosen::<api::letters_list::LetterStatus>(&status.get());
        async move { api::run::<LettersList>(api::letters_list::Variables { status }).await }
    });
    let status_options = Signal::derive(move || {
        vec![
            ("TO_PRINT".to_owned(), t(DocumentsMsg::ToPrint).to_owned()),
            ("MAILED".to_owned(), t(DocumentsMsg::Mailed).to_owned()),
        ]
    });
    let refresh = Callback::new(move |_| reload.update(|n| *n += 1));
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || t(DocumentsMsg::LettersTitle)}</h1>
                <p class="lead">{move || t(DocumentsMsg::LettersLead)}</p>
            </header>
            <div class="toolbar">
                <SelectField name="letters-status" label=Signal::derive(move || text(Msg::Status)) value=status options=status_options/>
            </div>
            {move || match letters.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(Err(error)) => { toasts.api_error(locale.get_untracked(), error); ().into_any() }
                Some(Ok(data)) if data.letters.edges.is_empty() => view! { <p class="panel" data-testid="letters-empty">{move || t(DocumentsMsg::NoLetters)}</p> }.into_any(),
                Some(Ok(data)) => view! {
                    <ul class="plain-list" data-testid="letters">
                        {data.letters.edges.into_iter().map(|edge| view! { <LetterItem letter=edge.node refresh=refresh/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn LetterItem(letter: Row, refresh: Callback<()>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let t = move |msg: Msg| text(msg);
    let l = locale.get_untracked();
    let kind = api::to_domain::<_, String>(&letter.kind).unwrap_or_default();
    let kind_msg = if kind == "LAWYER_DRAFT" {
        DocumentsMsg::KindLawyerDraft
    } else {
        DocumentsMsg::KindDemand
    };
    let download = {
        let path = letter.pdf_path.clone();
        let name = format!("letter-{}-{}.pdf", letter.customer.code, letter.letter_date);
        move |_| {
            let (path, name) = (path.clone(), name.clone());
            leptos::task::spawn_local(async move {
                if let Err(message) = crate::files::download(&path, &name).await {
                    toasts.push(ToastKind::Error, message);
                }
            });
        }
    };
    let tracking = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let mark = {
        let letter_id = letter.id.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let input = api::mark_letter_mailed::MarkLetterMailedInput {
                letter_id: letter_id.clone(),
                tracking_number: tracking.get_untracked(),
                mailed_on: None,
            };
            failure.set(None);
            leptos::task::spawn_local(async move {
                match api::run::<MarkLetterMailed>(api::mark_letter_mailed::Variables { input })
                    .await
                {
                    Ok(_) => {
                        toasts.push(ToastKind::Success, text(DocumentsMsg::MarkedMailed));
                        refresh.run(());
                    }
                    Err(error) => failure.set(Some(error.text(locale.get_untracked()))),
                }
            });
        }
    };
    let tracking_id = format!("tracking-{}", letter.id);
    let mailed = letter.mailed_on.clone();
    view! {
        <li class="panel" data-testid="letter">
            <h2>
                <a href=format!("/customers/{}", letter.customer.id)>{letter.customer.name.clone()}</a>
                " · " <span class="badge">{move || t(kind_msg)}</span>
            </h2>
            <p>
                <strong data-testid="letter-title">{letter.title.clone()}</strong>
                " · "{move || t(DocumentsMsg::LetterDate)}" "{display::date(l, &letter.letter_date)}
                " · "{move || t(DocumentsMsg::Deadline)}" "{display::date(l, &letter.deadline)}
                " · "{letter.invoice_numbers.join(", ")}
            </p>
            <div class="actions">
                <button type="button" class="button button-secondary" data-testid="letter-pdf" on:click=download>
                    {move || text(DocumentsMsg::DownloadPdf)}
                </button>
            </div>
            {match mailed {
                Some(on) => view! {
                    <p data-testid="letter-mailed">
                        {move || t(DocumentsMsg::Mailed)}" "{display::date(l, &on)}" · "
                        {move || t(DocumentsMsg::TrackingNumber)}" "{letter.tracking_number.clone().unwrap_or_default()}
                    </p>
                }.into_any(),
                None => view! {
                    <form class="toolbar" novalidate on:submit=mark data-testid="mark-mailed-form">
                        <div class="field">
                            <label for=tracking_id.clone()>{move || t(DocumentsMsg::TrackingNumber)}</label>
                            <input id=tracking_id.clone() type="text" name="tracking-number" autocomplete="off"
                                prop:value=move || tracking.get() on:input=move |e| tracking.set(event_target_value(&e))/>
                            <p class="field-error" role="alert" data-testid="mark-mailed-error">{move || failure.get().unwrap_or_default()}</p>
                        </div>
                        <button type="submit" class="button button-primary" data-testid="mark-mailed">{move || t(DocumentsMsg::MarkMailed)}</button>
                    </form>
                }.into_any(),
            }}
        </li>
    }
}
