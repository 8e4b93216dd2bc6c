//! The cash application page's top half: the bank account chosen, adding one, its column
//! mapping for CSV and Excel exports, importing a statement with upload progress, and how far
//! matching its lines has got.

use crate::api::{self, BankAccounts, BankImports, CreateBankAccount, UpdateBankAccount};
use crate::components::{Button, Modal, ProgressBar, TextField, ToastKind, use_toasts};
use crate::files;
use crate::i18n::{CashMsg as C, Msg, use_locale, use_text};
use domain::Locale;
use domain::messages::Localized;
use domain::reason::Reason;
use leptos::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;

pub type Account = api::bank_accounts::BankAccountsBankAccounts;

/// A problem of a refused statement file, as the import route answers it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Problem {
    row: Option<i64>,
    column: Option<String>,
    code: String,
    #[serde(default)]
    params: serde_json::Value,
    message: String,
}

impl Problem {
    /// In the reader's language, from the reason's code and parameters.
    fn text(&self, locale: Locale) -> String {
        serde_json::from_value::<Reason>(
            serde_json::json!({ "reason": self.code, "params": self.params }),
        )
        .map(|reason| reason.text(locale))
        .unwrap_or_else(|_| self.message.clone())
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Imported {
    lines: i64,
    added: i64,
    already_present: i64,
    #[serde(default)]
    problems: Vec<Problem>,
}

/// The company's bank accounts, read again when `reload` changes.
pub fn use_accounts(reload: RwSignal<u32>) -> LocalResource<Vec<Account>> {
    LocalResource::new(move || {
        reload.track();
        async move {
            api::run::<BankAccounts>(api::bank_accounts::Variables {})
                .await
                .map(|data| data.bank_accounts)
                .unwrap_or_default()
        }
    })
}

/// The account picker, the buttons to add one and to set its mapping, and the import box.
#[component]
pub fn AccountBar(
    accounts: LocalResource<Vec<Account>>,
    chosen: RwSignal<String>,
    reload_accounts: RwSignal<u32>,
    /// Bumped when an import finished matching, or a file was imported.
    on_imported: Callback<()>,
    manages: Signal<bool>,
) -> impl IntoView {
    let text = use_text();
    let adding = RwSignal::new(false);
    let mapping_open = RwSignal::new(false);
    // The first account is chosen when none is.
    Effect::new(move |_| {
        let list = accounts.get().unwrap_or_default();
        if chosen.with_untracked(String::is_empty)
            && let Some(first) = list.first()
        {
            chosen.set(first.id.clone());
        }
    });
    let current = Signal::derive(move || {
        let id = chosen.get();
        accounts
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|account| account.id == id)
    });
    view! {
        <div class="panel cash-accounts">
            <div class="toolbar">
                <div class="field">
                    <label for="bank-account">{move || text(C::Account)}</label>
                    <select id="bank-account" data-testid="bank-account" prop:value=move || chosen.get()
                        on:change=move |event| chosen.set(event_target_value(&event))>
                        {move || accounts.get().unwrap_or_default().into_iter().map(|account| {
                            let label = format!("{} · {} · {}", account.name, account.account_number, account.currency);
                            view! { <option value=account.id.clone()>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <Show when=move || manages.get()>
                    <button type="button" class="button button-secondary" data-testid="add-bank-account"
                        on:click=move |_| adding.set(true)>{move || text(C::AddAccount)}</button>
                    <Show when=move || current.get().is_some()>
                        <button type="button" class="button button-secondary" data-testid="bank-mapping"
                            on:click=move |_| mapping_open.set(true)>{move || text(C::Mapping)}</button>
                    </Show>
                </Show>
            </div>
            <Show when=move || accounts.get().is_some_and(|list| list.is_empty())>
                <p data-testid="no-bank-accounts">{move || text(C::NoAccounts)}</p>
            </Show>
            {move || current.get().map(|account| view! { <Gaps account=account/> })}
            <Show when=move || manages.get() && current.get().is_some()>
                <ImportBox account=chosen on_imported=on_imported/>
            </Show>
        </div>
        <NewAccount open=adding on_saved=Callback::new(move |id: String| {
            chosen.set(id);
            reload_accounts.update(|n| *n += 1);
        })/>
        {move || current.get().map(|account| view! {
            <MappingForm open=mapping_open account=account on_saved=Callback::new(move |_| reload_accounts.update(|n| *n += 1))/>
        })}
    }
}

/// Where the imported statements' balances do not add up.
#[component]
fn Gaps(account: Account) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let gaps = account.balance_gaps.clone();
    let currency = account.currency.clone();
    (!gaps.is_empty()).then(|| {
        view! {
            <div class="notice notice-warning" role="status" data-testid="balance-gaps">
                <strong>{move || text(C::Gap)}</strong>
                <ul>
                    {gaps.into_iter().map(|gap| {
                        let currency = currency.clone();
                        view! { <li>{move || text(C::GapLine)
                            .replace("{statement}", &gap.statement)
                            .replace("{expected}", &domain::display::money(locale.get(), &gap.expected, &currency))
                            .replace("{found}", &domain::display::money(locale.get(), &gap.found, &currency))}</li> }
                    }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// Choosing a statement file and importing it, with upload progress, the counts, the file's
/// problems, and matching's progress until it is done.
#[component]
fn ImportBox(account: RwSignal<String>, on_imported: Callback<()>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let input = NodeRef::<leptos::html::Input>::new();
    let sent = RwSignal::new(None::<f64>);
    let result = RwSignal::new(None::<Imported>);
    let refused = RwSignal::new(None::<String>);
    // Matching's progress of the newest import: (matched, lines, auto-applied, done).
    let progress = RwSignal::new(None::<(i64, i64, i64, bool)>);
    let poll = move || {
        let account_id = account.get_untracked();
        leptos::task::spawn_local(async move {
            for _ in 0..600 {
                let newest = api::run::<BankImports>(api::bank_imports::Variables {
                    account: Some(account_id.clone()),
                })
                .await
                .ok()
                .and_then(|data| data.bank_statement_imports.nodes.into_iter().next());
                let Some(newest) = newest else { break };
                let done = matches!(newest.match_status, api::bank_imports::MatchStatus::DONE);
                progress.set(Some((
                    newest.matched,
                    newest.added,
                    newest.auto_applied,
                    done,
                )));
                if done {
                    on_imported.run(());
                    break;
                }
                files::sleep(700).await;
            }
        });
    };
    let run = move |_| {
        let Some(file) = input
            .get()
            .and_then(|element| element.files())
            .and_then(|list| list.get(0))
        else {
            toasts.push(ToastKind::Error, text(Msg::ChooseFileFirst));
            return;
        };
        result.set(None);
        refused.set(None);
        progress.set(None);
        sent.set(Some(0.0));
        let path = format!(
            "/api/bank-statements?bankAccountId={}",
            account.get_untracked()
        );
        leptos::task::spawn_local(async move {
            let answer = files::upload_as(&path, file, "application/octet-stream", move |share| {
                sent.set(Some(share))
            })
            .await;
            sent.set(None);
            match answer {
                Ok((status, body)) => match serde_json::from_str::<Imported>(&body) {
                    Ok(imported) if status < 300 || !imported.problems.is_empty() => {
                        let fine = imported.problems.is_empty();
                        result.set(Some(imported));
                        if fine {
                            on_imported.run(());
                            poll();
                        }
                    }
                    _ => refused.set(Some(files::rest_error(&body, locale.get_untracked()))),
                },
                Err(error) => refused.set(Some(error)),
            }
        });
    };
    view! {
        <div class="cash-import">
            <div class="field">
                <label for="statement-file">{move || text(C::Upload)}</label>
                <input id="statement-file" type="file" node_ref=input data-testid="statement-file"
                    accept=".csv,.txt,.xls,.xlsx,.xml,.sta,.mt940,.940"/>
                <p class="hint">{move || text(C::UploadHint)}</p>
            </div>
            <button type="button" class="button button-primary" data-testid="import-statement" on:click=run>
                {move || text(C::Upload)}
            </button>
            {move || sent.get().map(|share| view! {
                <ProgressBar label=Signal::derive(move || text(C::Upload).to_owned())
                    done=Signal::derive(move || (share * 100.0) as u64) total=Signal::derive(|| 100u64)/>
            })}
            {move || refused.get().map(|message| view! { <p class="error" role="alert" data-testid="statement-refused">{message}</p> })}
            {move || result.get().map(|imported| view! { <ImportResult imported=imported/> })}
            {move || progress.get().map(|(matched, lines, auto, done)| view! {
                <div data-testid="matching-progress" data-done=done.to_string()>
                    <ProgressBar
                        label=Signal::derive(move || format!("{} · {} {}", text(if done { C::MatchingDone } else { C::Matching }), auto, text(C::AutoAppliedCount)))
                        done=Signal::derive(move || if done { lines.max(1) as u64 } else { matched.max(0) as u64 })
                        total=Signal::derive(move || lines.max(1) as u64)/>
                </div>
            })}
        </div>
    }
}

/// An error body of the REST route in the reader's language.
#[component]
fn ImportResult(imported: Imported) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    if imported.problems.is_empty() {
        return view! {
            <p class="notice" data-testid="statement-imported">
                {move || format!("{} {} · {} {} · {} {}",
                    text(C::ImportedLines), imported.lines,
                    text(C::AddedLines), imported.added,
                    text(C::PresentLines), imported.already_present)}
            </p>
        }
        .into_any();
    }
    let problems = imported.problems;
    view! {
        <div class="notice notice-error" role="alert" data-testid="statement-problems">
            <p>{move || text(C::Problems)}</p>
            <table class="table">
                <thead><tr>
                    <th>{move || text(C::Row)}</th>
                    <th>{move || text(C::Column)}</th>
                    <th>{move || text(C::Problem)}</th>
                </tr></thead>
                <tbody>
                    {problems.into_iter().map(|problem| {
                        let row = problem.row.map(|r| r.to_string()).unwrap_or_default();
                        let column = problem.column.clone().unwrap_or_default();
                        view! { <tr><td>{row}</td><td>{column}</td><td>{move || problem.text(locale.get())}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn NewAccount(open: RwSignal<bool>, on_saved: Callback<String>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let bank = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let currency = RwSignal::new("CNY".to_owned());
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(HashMap::<String, String>::new());
    let error = move |field: &'static str| Signal::derive(move || errors.get().get(field).cloned());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.set(HashMap::new());
        busy.set(true);
        let input = api::create_bank_account::CreateBankAccountInput {
            name: name.get_untracked(),
            bank_name: bank.get_untracked(),
            account_number: number.get_untracked(),
            currency: currency.get_untracked().trim().to_uppercase(),
        };
        leptos::task::spawn_local(async move {
            match api::run::<CreateBankAccount>(api::create_bank_account::Variables { input }).await
            {
                Ok(data) => {
                    toasts.push(ToastKind::Success, text(C::AccountSaved));
                    open.set(false);
                    on_saved.run(data.create_bank_account.bank_account.id);
                }
                Err(failure @ api::ApiError::Api { field: Some(_), .. }) => {
                    let key = failure.field_name().to_owned();
                    let message = failure.text(locale.get_untracked());
                    errors.update(|errors| {
                        errors.insert(key, message);
                    });
                }
                Err(failure) => toasts.api_error(locale.get_untracked(), failure),
            }
            busy.set(false);
        });
    };
    view! {
        <Modal open=open title=Signal::derive(move || text(C::AddAccount).to_owned())>
            <form class="form-grid" novalidate on:submit=submit data-testid="bank-account-form">
                <TextField name="bank-account-name" label=Signal::derive(move || text(C::AccountName)) value=name error=error("name") required=true/>
                <TextField name="bank-account-bank" label=Signal::derive(move || text(C::BankName)) value=bank error=error("bankName")/>
                <TextField name="bank-account-number" label=Signal::derive(move || text(C::AccountNumber)) value=number error=error("accountNumber") required=true/>
                <TextField name="bank-account-currency" label=Signal::derive(move || text(Msg::Currency)) value=currency error=error("currency")/>
                <div class="form-actions">
                    <Button r#type="submit" busy=busy test_id="save-bank-account">{move || text(C::SaveAccount)}</Button>
                </div>
            </form>
        </Modal>
    }
}

/// The account's column mapping for CSV and Excel statements.
#[component]
fn MappingForm(open: RwSignal<bool>, account: Account, on_saved: Callback<()>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let m = account.csv_mapping.clone();
    let field = |value: Option<String>| RwSignal::new(value.unwrap_or_default());
    let encoding = field(m.as_ref().and_then(|m| m.encoding.clone()));
    let header_row = field(m.as_ref().and_then(|m| m.header_row.map(|r| r.to_string())));
    let date_format = field(m.as_ref().and_then(|m| m.date_format.clone()));
    let date = field(m.as_ref().and_then(|m| m.date.clone()));
    let amount = field(m.as_ref().and_then(|m| m.amount.clone()));
    let debit = field(m.as_ref().and_then(|m| m.debit.clone()));
    let credit = field(m.as_ref().and_then(|m| m.credit.clone()));
    let payer_name = field(m.as_ref().and_then(|m| m.payer_name.clone()));
    let payer_account = field(m.as_ref().and_then(|m| m.payer_account.clone()));
    let remark = field(m.as_ref().and_then(|m| m.remark.clone()));
    let reference = field(m.as_ref().and_then(|m| m.reference.clone()));
    let balance = field(m.as_ref().and_then(|m| m.balance.clone()));
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(HashMap::<String, String>::new());
    let error = move |key: &'static str| Signal::derive(move || errors.get().get(key).cloned());
    let account_id = StoredValue::new(account.id.clone());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.set(HashMap::new());
        busy.set(true);
        let value = |signal: RwSignal<String>| {
            Some(signal.get_untracked().trim().to_owned()).filter(|v| !v.is_empty())
        };
        let input = api::update_bank_account::UpdateBankAccountInput {
            bank_account_id: account_id.get_value(),
            name: None,
            csv_mapping: Some(api::update_bank_account::CsvMappingInput {
                header_row: value(header_row).map(|r| r.parse::<i64>().unwrap_or(-1)),
                encoding: value(encoding),
                date_format: value(date_format),
                date: value(date),
                amount: value(amount),
                debit: value(debit),
                credit: value(credit),
                payer_name: value(payer_name),
                payer_account: value(payer_account),
                remark: value(remark),
                reference: value(reference),
                balance: value(balance),
            }),
        };
        leptos::task::spawn_local(async move {
            match api::run::<UpdateBankAccount>(api::update_bank_account::Variables { input }).await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(C::MappingSaved));
                    open.set(false);
                    on_saved.run(());
                }
                Err(failure @ api::ApiError::Api { field: Some(_), .. }) => {
                    let key = failure
                        .field_name()
                        .trim_start_matches("csvMapping.")
                        .to_owned();
                    let message = failure.text(locale.get_untracked());
                    errors.update(|errors| {
                        errors.insert(key, message);
                    });
                }
                Err(failure) => toasts.api_error(locale.get_untracked(), failure),
            }
            busy.set(false);
        });
    };
    let label = move |msg: Msg| Signal::derive(move || text(msg));
    view! {
        <Modal open=open title=Signal::derive(move || text(C::Mapping).to_owned())>
            <form class="form-grid" novalidate on:submit=submit data-testid="mapping-form">
                <p class="lead">{move || text(C::MappingLead)}</p>
                <TextField name="mapping-encoding" label=label(C::MappingEncoding) value=encoding error=error("encoding")/>
                <TextField name="mapping-header-row" label=label(C::MappingHeaderRow) value=header_row error=error("headerRow") input_type="number"/>
                <TextField name="mapping-date" label=label(C::MappingDate) value=date error=error("date") required=true/>
                <TextField name="mapping-date-format" label=label(C::MappingDateFormat) value=date_format error=error("dateFormat")/>
                <TextField name="mapping-amount" label=label(C::MappingAmount) value=amount error=error("amount")/>
                <TextField name="mapping-debit" label=label(C::MappingDebit) value=debit error=error("debit")/>
                <TextField name="mapping-credit" label=label(C::MappingCredit) value=credit error=error("credit")/>
                <TextField name="mapping-payer-name" label=label(C::MappingPayerName) value=payer_name error=error("payerName")/>
                <TextField name="mapping-payer-account" label=label(C::MappingPayerAccount) value=payer_account error=error("payerAccount")/>
                <TextField name="mapping-remark" label=label(C::MappingRemark) value=remark error=error("remark")/>
                <TextField name="mapping-reference" label=label(C::MappingReference) value=reference error=error("reference")/>
                <TextField name="mapping-balance" label=label(C::MappingBalance) value=balance error=error("balance")/>
                <div class="form-actions">
                    <Button r#type="submit" busy=busy test_id="save-mapping">{move || text(C::Mapping)}</Button>
                </div>
            </form>
        </Modal>
    }
}
