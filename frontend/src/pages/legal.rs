//! Legal cases: each case's stage and dates, its agency, lawyer and costs; moving it forward;
//! and its evidence pack (statement, invoices, activity log and promises) to download.

use super::access::RequirePermission;
use super::customers::show;
use crate::api::{self, LegalCases, UpdateLegalCase};
use crate::components::{Button, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{DocumentsMsg, Msg, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use domain::legal::LegalStatus;
use leptos::prelude::*;

pub fn status_msg(status: LegalStatus) -> Msg {
    match status {
        LegalStatus::None => Msg::LegalNone,
        LegalStatus::LetterSent => Msg::LegalLetterSent,
        LegalStatus::Agency => Msg::LegalAgency,
        LegalStatus::Litigation => Msg::LegalLitigation,
        LegalStatus::Settled => Msg::LegalSettled,
        LegalStatus::WrittenOff => Msg::LegalWrittenOff,
    }
}

#[component]
pub fn LegalPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::WorkCollections>
            <Legal/>
        </RequirePermission>
    }
}

#[component]
fn Legal() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let cases = LocalResource::new(move || {
        reload.track();
        async move { api::run::<LegalCases>(api::legal_cases::Variables {}).await }
    });
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::LegalTitle)}</h1>
                <p class="lead">{move || text(Msg::LegalLead)}</p>
            </header>
            {move || match cases.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(Err(error)) => { toasts.api_error(locale.get_untracked(), error); ().into_any() }
                Some(Ok(data)) if data.legal_cases.edges.is_empty() => view! { <p class="panel" data-testid="legal-empty">{move || text(Msg::NoLegalCases)}</p> }.into_any(),
                Some(Ok(data)) => data.legal_cases.edges.into_iter().map(|edge| view! { <CaseCard case=edge.node reload=reload/> }).collect_view().into_any(),
            }}
        </section>
    }
}

#[component]
fn CaseCard(
    case: api::legal_cases::LegalCasesLegalCasesEdgesNode,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let manages = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageDunning))
    };
    let status = api::to_domain::<_, LegalStatus>(&case.status).unwrap_or(LegalStatus::None);
    let next = RwSignal::new(String::new());
    let agency = RwSignal::new(case.agency.clone().unwrap_or_default());
    let lawyer = RwSignal::new(case.lawyer.clone().unwrap_or_default());
    let costs = RwSignal::new(case.costs.amount.clone());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let case_id = case.id.clone();
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        busy.set(true);
        error.set(None);
        let optional = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let input = api::update_legal_case::UpdateLegalCaseInput {
            case_id: case_id.clone(),
            status: optional(next.get_untracked())
                .and_then(|s| api::from_domain::<String, api::update_legal_case::LegalStatus>(&s)),
            on: None,
            agency: optional(agency.get_untracked()),
            lawyer: optional(lawyer.get_untracked()),
            costs: optional(costs.get_untracked()),
            notes: None,
        };
        leptos::task::spawn_local(async move {
            match api::run::<UpdateLegalCase>(api::update_legal_case::Variables { input }).await {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::CaseUpdated));
                    reload.update(|n| *n += 1);
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    error.set(Some(failure.text(locale.get_untracked())));
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
            busy.set(false);
        });
    };
    let next_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "—".to_owned())];
        options.extend(
            LegalStatus::ALL
                .into_iter()
                .filter(|candidate| status.can_move_to(*candidate))
                .map(|candidate| {
                    (
                        candidate.as_str().to_owned(),
                        text(status_msg(candidate)).to_owned(),
                    )
                }),
        );
        options
    });
    let evidence_url = case.evidence_url.clone();
    let file_name = format!("evidence-{}.zip", case.customer.code);
    let download = move |_| {
        let (url, name) = (evidence_url.clone(), file_name.clone());
        leptos::task::spawn_local(async move {
            if let Err(message) = crate::files::download(&url, &name).await {
                toasts.push(ToastKind::Error, message);
            }
        });
    };
    // The lawyer's letter draft: made, then downloaded at once for the lawyer.
    let draft_letter = {
        let legal_case_id = case.id.clone();
        move |_| {
            let legal_case_id = legal_case_id.clone();
            leptos::task::spawn_local(async move {
                let input = api::draft_lawyer_letter::DraftLawyerLetterInput { legal_case_id };
                match api::run::<api::DraftLawyerLetter>(api::draft_lawyer_letter::Variables {
                    input,
                })
                .await
                {
                    Ok(data) => {
                        toasts.push(ToastKind::Success, text(DocumentsMsg::LawyerLetterDrafted));
                        let path = data.draft_lawyer_letter.letter.pdf_path;
                        if let Err(message) =
                            crate::files::download(&path, "lawyer-letter.pdf").await
                        {
                            toasts.push(ToastKind::Error, message);
                        }
                    }
                    Err(error) => toasts.api_error(locale.get_untracked(), error),
                }
            });
        }
    };
    let l = locale.get_untracked();
    let dates: Vec<(Msg, Option<String>)> = vec![
        (Msg::OpenedOn, Some(case.opened_on.clone())),
        (Msg::LegalLetterSent, case.letter_sent_on.clone()),
        (Msg::LegalAgency, case.agency_on.clone()),
        (Msg::LegalLitigation, case.litigation_on.clone()),
        (
            if status == LegalStatus::WrittenOff {
                Msg::LegalWrittenOff
            } else {
                Msg::LegalSettled
            },
            case.closed_on.clone(),
        ),
    ];
    let numbers: Vec<String> = case
        .invoices
        .iter()
        .filter_map(|i| i.number.clone())
        .collect();
    view! {
        <article class="panel legal-case" data-testid="legal-case">
            <h2>
                <a href=format!("/customers/{}", case.customer.id)>{case.customer.name.clone()}</a>" · "
                <span class="badge" data-testid="legal-status">{move || text(status_msg(status))}</span>
            </h2>
            <p>{show(l, &case.amount.amount, &case.amount.currency)}" · "{numbers.join(", ")}</p>
            <dl class="facts">
                {dates.into_iter().filter_map(|(msg, date)| date.map(|d| view! { <div><dt>{move || text(msg)}</dt><dd>{display::date(l, &d)}</dd></div> })).collect_view()}
                <div><dt>{move || text(Msg::Costs)}</dt><dd>{show(l, &case.costs.amount, &case.costs.currency)}</dd></div>
            </dl>
            <button type="button" class="button button-secondary" on:click=download data-testid="evidence">{move || text(Msg::EvidencePack)}</button>
            <crate::components::AttachmentsToggle owner=domain::attachments::AttachmentOwner::LegalCase owner_id=case.id.clone()/>
            <Show when=move || manages() && !status.is_closed()>
                <button type="button" class="button button-secondary" on:click=draft_letter.clone() data-testid="draft-lawyer-letter">{move || text(DocumentsMsg::DraftLawyerLetter)}</button>
            </Show>
            <Show when=move || manages() && !status.is_closed()>
                <form class="form-grid" on:submit=save.clone() data-testid="update-case">
                    <Show when=move || error.get().is_some()>
                        <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                    <SelectField name="case-next" label=Signal::derive(move || text(Msg::MoveTo)) value=next options=next_options/>
                    <TextField name="case-agency" label=Signal::derive(move || text(Msg::Agency)) value=agency/>
                    <TextField name="case-lawyer" label=Signal::derive(move || text(Msg::Lawyer)) value=lawyer/>
                    <TextField name="case-costs" label=Signal::derive(move || text(Msg::Costs)) value=costs/>
                    <div class="form-actions">
                        <Button r#type="submit" busy=busy test_id="save-case">{move || text(Msg::UpdateCase)}</Button>
                    </div>
                </form>
            </Show>
        </article>
    }
}
