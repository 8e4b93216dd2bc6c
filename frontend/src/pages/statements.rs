//! Statements (对账单): the team's page for a customer and period (download, print, send), and
//! the public page a customer opens from the emailed link to confirm or dispute.

use super::access::RequirePermission;
use super::customers::show;
use crate::api;
use crate::components::{Button, Segment, StackedBar, TextField, ToastKind, use_toasts};
use crate::i18n::{CashMsg, FapiaoMsg, Msg, use_locale, use_text};
use crate::session::use_session;
use domain::Locale;
use domain::access::Permission;
use domain::display;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MoneyView {
    pub amount: String,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineView {
    pub date: String,
    pub kind: String,
    pub reference: String,
    pub debit: Option<MoneyView>,
    pub credit: Option<MoneyView>,
    pub balance: MoneyView,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AgingView {
    pub current: MoneyView,
    #[serde(rename = "d1To30")]
    pub d1_to_30: MoneyView,
    #[serde(rename = "d31To60")]
    pub d31_to_60: MoneyView,
    #[serde(rename = "d61To90")]
    pub d61_to_90: MoneyView,
    #[serde(rename = "over90")]
    pub over_90: MoneyView,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenInvoiceView {
    pub number: Option<String>,
    pub issue_date: String,
    pub due_date: String,
    pub days_overdue: i64,
    pub total: MoneyView,
    pub balance: MoneyView,
    pub fapiao_numbers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseView {
    pub answer: String,
    pub note: Option<String>,
    pub disputed_invoice_numbers: Vec<String>,
    pub responder_name: String,
    pub responded_at: String,
    pub period_from: String,
    pub period_to: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CustomerView {
    pub id: String,
    pub code: String,
    pub name: String,
}

/// One statement, whichever query brought it (each generates its own types).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementView {
    pub currency: String,
    pub from: String,
    pub to: String,
    pub customer: CustomerView,
    pub opening_balance: MoneyView,
    pub closing_balance: MoneyView,
    pub lines: Vec<LineView>,
    pub aging: AgingView,
    pub open_invoices: Vec<OpenInvoiceView>,
    pub responses: Vec<ResponseView>,
}

fn view_of<T: serde::Serialize>(fields: &T) -> Option<StatementView> {
    serde_json::to_value(fields)
        .ok()
        .and_then(|json| serde_json::from_value(json).ok())
}

fn kind_text(kind: &str) -> Msg {
    match kind {
        "INVOICE" => Msg::EntryInvoice,
        "PAYMENT" => Msg::EntryPayment,
        "CREDIT_NOTE" => Msg::EntryCreditNote,
        "WRITE_OFF" => Msg::EntryWriteOff,
        _ => Msg::EntryReversal,
    }
}

fn money(locale: Locale, value: &MoneyView) -> String {
    show(locale, &value.amount, &value.currency)
}

/// The statement as a CSV file, built in the browser from what is on screen.
fn csv_href(statement: &StatementView) -> String {
    let mut rows = vec![format!(
        "date,kind,reference,debit,credit,balance,currency\r\n{},OPENING_BALANCE,,,,{},{}",
        statement.from, statement.opening_balance.amount, statement.currency
    )];
    let quote = |text: &str| {
        let text = if text.starts_with(['=', '+', '@', '-']) {
            format!("'{text}")
        } else {
            text.to_owned()
        };
        if text.contains([',', '"', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    };
    for line in &statement.lines {
        rows.push(format!(
            "{},{},{},{},{},{},{}",
            line.date,
            line.kind,
            quote(&line.reference),
            line.debit.as_ref().map(|m| m.amount.as_str()).unwrap_or(""),
            line.credit
                .as_ref()
                .map(|m| m.amount.as_str())
                .unwrap_or(""),
            line.balance.amount,
            statement.currency
        ));
    }
    rows.push(format!(
        "{},CLOSING_BALANCE,,,,{},{}",
        statement.to, statement.closing_balance.amount, statement.currency
    ));
    let body = format!("\u{feff}{}\r\n", rows.join("\r\n"));
    format!(
        "data:text/csv;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&body))
    )
}

/// The statement itself: balances, lines, aging and open invoices.
#[component]
fn StatementBody(statement: StatementView) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let aging = statement.aging.clone();
    let segments = Signal::derive(move || {
        let part = |label: Msg, m: &MoneyView, class: &'static str| Segment {
            label: text(label),
            shown: money(locale.get(), m),
            amount: m.amount.parse::<Decimal>().unwrap_or_default(),
            class,
        };
        vec![
            part(Msg::AgingCurrent, &aging.current, "aging-current"),
            part(Msg::Aging1To30, &aging.d1_to_30, "aging-1"),
            part(Msg::Aging31To60, &aging.d31_to_60, "aging-2"),
            part(Msg::Aging61To90, &aging.d61_to_90, "aging-3"),
            part(Msg::AgingOver90, &aging.over_90, "aging-4"),
        ]
    });
    let s = statement.clone();
    view! {
        <div class="stat-grid">
            <div class="stat"><span class="stat-label">{move || text(Msg::OpeningBalance)}" · "{ let d = s.from.clone(); move || display::date(locale.get(), &d) }</span><span class="stat-value" data-testid="opening-balance">{ let m = s.opening_balance.clone(); move || money(locale.get(), &m) }</span></div>
            <div class="stat"><span class="stat-label">{move || text(Msg::ClosingBalance)}" · "{ let d = s.to.clone(); move || display::date(locale.get(), &d) }</span><span class="stat-value" data-testid="closing-balance">{ let m = s.closing_balance.clone(); move || money(locale.get(), &m) }</span></div>
        </div>
        <div class="table-wrap">
            <table class="data-table statement-table" data-testid="statement-lines">
                <caption>{move || text(Msg::Statement)}</caption>
                <thead><tr>
                    <th scope="col">{move || text(Msg::Date)}</th>
                    <th scope="col">{move || text(Msg::Description)}</th>
                    <th scope="col">{move || text(Msg::Reference)}</th>
                    <th scope="col" class="num">{move || text(Msg::Debit)}</th>
                    <th scope="col" class="num">{move || text(Msg::Credit)}</th>
                    <th scope="col" class="num">{move || text(Msg::Balance)}</th>
                </tr></thead>
                <tbody>
                    {s.lines.iter().map(|line| {
                        let line = line.clone();
                        view! {
                            <tr data-testid="statement-line">
                                <td>{ let d = line.date.clone(); move || display::date(locale.get(), &d) }</td>
                                <td>{ let k = line.kind.clone(); move || text(kind_text(&k)) }</td>
                                <td>{line.reference.clone()}</td>
                                <td class="num">{ let m = line.debit.clone(); move || m.as_ref().map(|m| money(locale.get(), m)).unwrap_or_default() }</td>
                                <td class="num">{ let m = line.credit.clone(); move || m.as_ref().map(|m| money(locale.get(), m)).unwrap_or_default() }</td>
                                <td class="num">{ let m = line.balance.clone(); move || money(locale.get(), &m) }</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <StackedBar title=Signal::derive(move || text(Msg::Aging).to_owned()) segments=segments/>
    }
}

#[component]
pub fn StatementPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewCustomers>
            <TeamStatement/>
        </RequirePermission>
    }
}

#[component]
fn TeamStatement() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let params = use_params_map();
    let customer_id = move || params.with(|p| p.get("id").unwrap_or_default());
    let today = crate::calendar::company_date(0);
    let from = RwSignal::new(format!("{}-01-01", &today[..4]));
    let to = RwSignal::new(today);
    let period = RwSignal::new((from.get_untracked(), to.get_untracked()));
    let statement = LocalResource::new(move || {
        let (from, to) = period.get();
        let customer_id = customer_id();
        async move {
            api::run::<api::CustomerStatement>(api::customer_statement::Variables {
                customer_id,
                from,
                to,
            })
            .await
            .map(|data| data.customer_statement.as_ref().and_then(view_of))
        }
    });
    let email = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let may_send = move || {
        session.current.get().is_some_and(|s| {
            s.can(Permission::ManageInvoices) || s.can(Permission::WorkCollections)
        })
    };
    let send = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        sending.set(true);
        let (from, to) = period.get_untracked();
        let input = api::send_statement::SendStatementInput {
            customer_id: customer_id(),
            from,
            to,
            email: Some(email.get_untracked().trim().to_owned()).filter(|e| !e.is_empty()),
        };
        leptos::task::spawn_local(async move {
            match api::run::<api::SendStatement>(api::send_statement::Variables { input }).await {
                Ok(data) => toasts.push(
                    ToastKind::Success,
                    format!(
                        "{} {} ({} {})",
                        text(Msg::StatementSent),
                        data.send_statement.sent_to,
                        text(CashMsg::StatementReference),
                        data.send_statement.references.join(", ")
                    ),
                ),
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
            sending.set(false);
        });
    };
    view! {
        <section class="page">
            <header class="page-header">
                <p class="eyebrow"><A href=move || format!("/customers/{}", customer_id())>{move || text(Msg::NavCustomers)}</A></p>
                <h1>{move || text(Msg::Statement)}</h1>
                <p class="lead">{move || text(Msg::StatementLead)}</p>
            </header>
            <form class="toolbar no-print" on:submit=move |event| { event.prevent_default(); period.set((from.get_untracked(), to.get_untracked())); }>
                <TextField name="statement-from" label=Signal::derive(move || text(Msg::From)) value=from input_type="date"/>
                <TextField name="statement-to" label=Signal::derive(move || text(Msg::To)) value=to input_type="date"/>
                <button type="submit" class="button button-secondary" data-testid="show-statement">{move || text(Msg::Show)}</button>
            </form>
            {move || match statement.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(Err(error)) => { toasts.api_error(locale.get_untracked(), error); ().into_any() }
                Some(Ok(None)) => view! { <super::NotFoundPage/> }.into_any(),
                Some(Ok(Some(s))) => {
                    let href = csv_href(&s);
                    let file = format!("statement-{}-{}-{}.csv", s.customer.code, s.from, s.to);
                    let pdf_path = format!("/api/customers/{}/statement.pdf?from={}&to={}", s.customer.id, s.from, s.to);
                    let responses = s.responses.clone();
                    view! {
                        <h2 data-testid="statement-customer">{s.customer.name.clone()}</h2>
                        <div class="actions no-print">
                            <a class="button button-secondary" href=href download=file data-testid="download-csv">{move || text(Msg::DownloadCsv)}</a>
                            <super::ExportButton path=Signal::derive({ let p = pdf_path.clone(); move || p.clone() }) file_name="statement.pdf" label=Msg::DownloadPdf/>
                            <button type="button" class="button button-secondary" on:click=move |_| { let _ = web_sys::window().map(|w| w.print()); }>{move || text(Msg::Print)}</button>
                        </div>
                        <StatementBody statement=s/>
                        <div class="panel no-print">
                            <h2>{move || text(Msg::CustomerAnswers)}</h2>
                            {if responses.is_empty() {
                                view! { <p>{move || text(Msg::NoAnswers)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="plain-list" data-testid="statement-answers">
                                        {responses.into_iter().map(|r| {
                                            let answer = if r.answer == "DISPUTED" { Msg::AnswerDisputed } else { Msg::AnswerConfirmed };
                                            view! {
                                                <li>
                                                    <strong>{move || text(answer)}</strong>" · "{r.responder_name.clone()}" · "
                                                    { let d = r.responded_at.clone(); move || display::date(locale.get(), &d) }
                                                    {(!r.disputed_invoice_numbers.is_empty()).then(|| format!(" · {}", r.disputed_invoice_numbers.join(", ")))}
                                                    {r.note.clone().map(|n| format!(" · {n}"))}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </div>
                    }.into_any()
                }
            }}
            <Show when=may_send>
                <form class="panel form-grid no-print" on:submit=send data-testid="send-statement-form">
                    <h2>{move || text(Msg::SendToCustomer)}</h2>
                    <TextField name="statement-email" label=Signal::derive(move || text(Msg::ContactEmail)) value=email input_type="email" hint=Signal::derive(move || text(Msg::Optional))/>
                    <div class="form-actions">
                        <Button r#type="submit" busy=sending test_id="send-statement">{move || text(Msg::SendToCustomer)}</Button>
                    </div>
                </form>
            </Show>
        </section>
    }
}

/// What the customer sees from the emailed link: no sign-in, this statement only.
#[component]
pub fn PublicStatementPage() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let pay_online = RwSignal::new(false);
    let paying = RwSignal::new(false);
    let reference = RwSignal::new(String::new());
    let loaded = LocalResource::new(move || {
        let token = token();
        async move {
            api::run::<api::PublicStatement>(api::public_statement::Variables { token })
                .await
                .map(|data| {
                    let company = data.public_statement.company_name.clone();
                    pay_online.set(data.public_statement.can_pay_online);
                    reference.set(data.public_statement.reference.clone());
                    (company, view_of(&data.public_statement.statement))
                })
        }
    });
    let chosen = RwSignal::new(Vec::<String>::new());
    let name = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let answered = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let answer = move |disputed: bool| {
        if name.get_untracked().trim().is_empty() {
            error.set(Some(text(Msg::YourName).to_owned()));
            return;
        }
        error.set(None);
        busy.set(true);
        let input = api::respond_to_statement::RespondToStatementInput {
            token: token(),
            answer: if disputed {
                api::respond_to_statement::StatementAnswer::DISPUTED
            } else {
                api::respond_to_statement::StatementAnswer::CONFIRMED
            },
            name: name.get_untracked(),
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
            disputed_invoice_numbers: disputed.then(|| chosen.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            match api::run::<api::RespondToStatement>(api::respond_to_statement::Variables {
                input,
            })
            .await
            {
                Ok(_) => answered.set(true),
                Err(failure) => error.set(Some(failure.text(locale.get_untracked()))),
            }
            busy.set(false);
        });
    };
    let pay = move |_| {
        paying.set(true);
        error.set(None);
        let input = api::pay_statement::PayStatementInput { token: token() };
        leptos::task::spawn_local(async move {
            match api::run::<api::PayStatement>(api::pay_statement::Variables { input }).await {
                Ok(data) => crate::pages::go_to(&data.pay_statement.url),
                Err(failure) => error.set(Some(failure.text(locale.get_untracked()))),
            }
            paying.set(false);
        });
    };
    view! {
        <section class="page public-statement">
            {move || match loaded.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(Err(_)) | Some(Ok((_, None))) => view! {
                    <div class="empty-state" data-testid="statement-link-invalid"><p>{move || text(Msg::LinkExpired)}</p></div>
                }.into_any(),
                Some(Ok((company, Some(s)))) => {
                    let open = s.open_invoices.clone();
                    let owes = !open.is_empty();
                    view! {
                        <header class="page-header">
                            <p class="eyebrow" data-testid="statement-company">{company}</p>
                            <h1>{move || text(Msg::Statement)}" · "{s.customer.name.clone()}</h1>
                            <p class="lead">{move || text(Msg::PublicStatementLead)}</p>
                            <p data-testid="statement-reference">
                                <strong>{move || text(CashMsg::StatementReference)}" "{move || reference.get()}</strong>
                                " · "{move || text(CashMsg::StatementQuoteHint)}
                            </p>
                        </header>
                        <p class="form-actions">
                            <Show when=move || pay_online.get() && owes>
                                <button type="button" class="button" data-testid="pay-online" disabled=move || paying.get() on:click=pay>
                                    {move || text(Msg::PayOnline)}
                                </button>
                            </Show>
                            <a class="button button-secondary" href=format!("/api/statements/{}/statement.pdf", token()) download="statement.pdf" data-testid="public-pdf">{move || text(Msg::DownloadPdf)}</a>
                        </p>
                        <StatementBody statement=s.clone()/>
                        <div class="panel">
                            <h2>{move || text(Msg::OpenAtEnd)}</h2>
                            <ul class="plain-list">
                                {open.into_iter().map(|invoice| {
                                    let number = invoice.number.clone().unwrap_or_default();
                                    let checked_number = number.clone();
                                    view! {
                                        <li>
                                            <label class="check">
                                                <input type="checkbox" data-testid="dispute-invoice" on:change=move |event| {
                                                    let on = event_target_checked(&event);
                                                    let number = checked_number.clone();
                                                    chosen.update(|list| { list.retain(|n| *n != number); if on { list.push(number); } });
                                                }/>
                                                {number.clone()}" · "{ let d = invoice.due_date.clone(); move || display::date(locale.get(), &d) }" · "
                                                { let m = invoice.balance.clone(); move || money(locale.get(), &m) }
                                                {(!invoice.fapiao_numbers.is_empty()).then(|| {
                                                    let numbers = invoice.fapiao_numbers.join(", ");
                                                    view! { " · " <span data-testid="statement-fapiao">{move || text(FapiaoMsg::Title)}" "{numbers.clone()}</span> }
                                                })}
                                            </label>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </div>
                        <Show
                            when=move || !answered.get()
                            fallback=move || view! { <p class="notice" data-testid="statement-thanks">{move || text(Msg::YourAnswerThanks)}</p> }
                        >
                            <form class="panel form-grid" on:submit=move |event| { event.prevent_default(); answer(false); }>
                                <Show when=move || error.get().is_some()>
                                    <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                                </Show>
                                <TextField name="responder-name" label=Signal::derive(move || text(Msg::YourName)) value=name required=true/>
                                <TextField name="responder-note" label=Signal::derive(move || text(Msg::Note)) value=note/>
                                <div class="form-actions">
                                    <Button r#type="submit" busy=busy test_id="confirm-statement">{move || text(Msg::ConfirmBalance)}</Button>
                                    <button type="button" class="button button-danger" data-testid="dispute-statement" disabled=move || busy.get() on:click=move |_| answer(true)>
                                        {move || text(Msg::DisputeSelected)}
                                    </button>
                                </div>
                            </form>
                        </Show>
                    }.into_any()
                }
            }}
        </section>
    }
}
