//! Settings → company profile: what invoices, statements and letters print about the company
//! (legal name, tax id, address, phone, the bank accounts customers pay into, the logo). One
//! save sends the whole profile; the server checks it and names the field at fault.

use super::access::RequirePermission;
use crate::api::{self, CompanyProfileQuery, UpdateCompanyProfile};
use crate::components::{Button, ButtonKind, Spinner, TextField, ToastKind, use_toasts};
use crate::i18n::{DocumentsMsg, Msg, use_locale, use_text};
use api::update_company_profile as update;
use base64::Engine;
use domain::Permission;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn CompanyProfilePage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ManageSettings>
            <CompanyProfileForm/>
        </RequirePermission>
    }
}

/// One bank account's fields.
#[derive(Clone, Copy)]
struct Account {
    bank_name: RwSignal<String>,
    account_name: RwSignal<String>,
    account_number: RwSignal<String>,
}

impl Account {
    fn new(bank: String, name: String, number: String) -> Self {
        Account {
            bank_name: RwSignal::new(bank),
            account_name: RwSignal::new(name),
            account_number: RwSignal::new(number),
        }
    }
}

fn optional(value: RwSignal<String>) -> Option<String> {
    Some(value.get_untracked().trim().to_owned()).filter(|text| !text.is_empty())
}

/// The chosen file as a `data:` URL (the server checks its type and size).
async fn read_logo(input: web_sys::HtmlInputElement) -> Option<String> {
    let file = input.files()?.get(0)?;
    let media_type = file.type_();
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    Some(format!(
        "data:{media_type};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

#[component]
fn CompanyProfileForm() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let t = move |msg: Msg| text(msg);
    let legal_name = RwSignal::new(String::new());
    let tax_id = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let accounts = RwSignal::new(Vec::<(u32, Account)>::new());
    let next_key = RwSignal::new(0u32);
    let logo = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<(String, String)>);
    let error_at = move |field: &'static str| crate::components::field_error(failure, field);
    // A bank account's field error: the server names it by position (`bankAccounts.1.bankName`).
    let error_at_index = move |key: u32, name: &'static str| {
        let position = accounts
            .get()
            .iter()
            .position(|(k, _)| *k == key)
            .unwrap_or(usize::MAX);
        failure
            .get()
            .filter(|(at, _)| *at == format!("bankAccounts.{position}.{name}"))
            .map(|(_, message)| message)
            .unwrap_or_default()
    };
    let add_account = move |account: Account| {
        let key = next_key.get_untracked();
        next_key.set(key + 1);
        accounts.update(|list| list.push((key, account)));
    };
    leptos::task::spawn_local(async move {
        match api::run::<CompanyProfileQuery>(api::company_profile_query::Variables {}).await {
            Ok(data) => {
                let profile = data.company_profile;
                legal_name.set(profile.legal_name.unwrap_or_default());
                tax_id.set(profile.tax_id.unwrap_or_default());
                address.set(profile.address.unwrap_or_default());
                phone.set(profile.phone.unwrap_or_default());
                for account in profile.bank_accounts {
                    add_account(Account::new(
                        account.bank_name,
                        account.account_name,
                        account.account_number,
                    ));
                }
                logo.set(profile.logo);
                loaded.set(true);
            }
            Err(error) => toasts.api_error(locale.get_untracked(), error),
        }
    });
    let choose_logo = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Some(url) = read_logo(input).await {
                logo.set(Some(url));
            }
        });
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let input = update::UpdateCompanyProfileInput {
            legal_name: optional(legal_name),
            tax_id: optional(tax_id),
            address: optional(address),
            phone: optional(phone),
            bank_accounts: Some(
                accounts
                    .get_untracked()
                    .iter()
                    .map(|(_, account)| update::PayeeAccountInput {
                        bank_name: account.bank_name.get_untracked(),
                        account_name: account.account_name.get_untracked(),
                        account_number: account.account_number.get_untracked(),
                    })
                    .collect(),
            ),
            logo: logo.get_untracked(),
        };
        busy.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match api::run::<UpdateCompanyProfile>(update::Variables { input }).await {
                Ok(_) => toasts.push(ToastKind::Success, text(DocumentsMsg::Saved)),
                Err(error) => failure.set(Some((
                    error.field_name().to_owned(),
                    error.text(locale.get_untracked()),
                ))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || t(DocumentsMsg::ProfileTitle)}</h1>
                <p>{move || t(DocumentsMsg::ProfileIntro)}</p>
            </header>
            <Show when=move || loaded.get() fallback=move || view! { <Spinner label=Signal::derive(move || text(Msg::Loading))/> }>
                <form class="form-grid panel" novalidate on:submit=save data-testid="company-profile-form">
                    <p class="form-error" role="alert" data-testid="company-profile-error">
                        {move || failure.get().filter(|(at, _)| !matches!(at.as_str(), "legalName" | "taxId" | "address" | "phone" | "logo") && !at.starts_with("bankAccounts.")).map(|(_, message)| message).unwrap_or_default()}
                    </p>
                    <TextField name="profile-legal-name" label=Signal::derive(move || t(DocumentsMsg::LegalName)) value=legal_name
                        error=error_at("legalName") hint=Signal::derive(move || t(DocumentsMsg::LegalNameHint))/>
                    <TextField name="profile-tax-id" label=Signal::derive(move || t(DocumentsMsg::TaxId)) value=tax_id error=error_at("taxId")/>
                    <TextField name="profile-address" label=Signal::derive(move || t(DocumentsMsg::Address)) value=address error=error_at("address")/>
                    <TextField name="profile-phone" label=Signal::derive(move || t(DocumentsMsg::Phone)) value=phone input_type="tel" error=error_at("phone")/>
                    <div class="contacts-editor field-wide" data-testid="profile-bank-accounts">
                        <h3>{move || t(DocumentsMsg::BankAccounts)}</h3>
                        <For each=move || accounts.get() key=|(key, _)| *key let:entry>
                            {
                                let (key, account) = entry;
                                let field = move |name: &'static str, label: Msg, value: RwSignal<String>| {
                                    let id = format!("{name}-{key}");
                                    view! {
                                        <div class="field">
                                            <label for=id.clone()>{move || t(label)}</label>
                                            <input id=id type="text" name=name prop:value=move || value.get() on:input=move |e| value.set(event_target_value(&e))/>
                                            <p class="field-error" role="alert">{move || error_at_index(key, name)}</p>
                                        </div>
                                    }
                                };
                                view! {
                                    <fieldset class="contact-row" data-testid="profile-bank-account">
                                        // The account by the bank typed in it, so a list of several reads at a glance.
                                        <legend>{move || Some(account.bank_name.get()).filter(|name| !name.trim().is_empty()).unwrap_or_else(|| t(DocumentsMsg::BankName).to_owned())}</legend>
                                        {field("bankName", DocumentsMsg::BankName, account.bank_name)}
                                        {field("accountName", DocumentsMsg::AccountName, account.account_name)}
                                        {field("accountNumber", DocumentsMsg::AccountNumber, account.account_number)}
                                        <button type="button" class="button button-secondary" on:click=move |_| accounts.update(|list| list.retain(|(k, _)| *k != key))>{move || t(DocumentsMsg::Remove)}</button>
                                    </fieldset>
                                }
                            }
                        </For>
                        <button type="button" class="button button-secondary" data-testid="profile-add-account"
                            on:click=move |_| add_account(Account::new(String::new(), String::new(), String::new()))>
                            {move || t(DocumentsMsg::AddAccount)}
                        </button>
                    </div>
                    <div class="field field-wide">
                        <label for="profile-logo">{move || t(DocumentsMsg::Logo)}</label>
                        {move || logo.get().map(|url| view! { <img class="logo-preview" src=url alt="" data-testid="profile-logo-preview" style="max-height:48px"/> })}
                        <input type="file" id="profile-logo" name="profile-logo" accept="image/png,image/jpeg" aria-describedby="profile-logo-hint" on:change=choose_logo/>
                        <p class="field-hint" id="profile-logo-hint">{move || t(DocumentsMsg::LogoHint)}</p>
                        <p class="field-error" role="alert">{move || error_at("logo").get().unwrap_or_default()}</p>
                        <Show when=move || logo.get().is_some()>
                            <button type="button" class="button button-secondary" on:click=move |_| logo.set(None)>{move || t(DocumentsMsg::RemoveLogo)}</button>
                        </Show>
                    </div>
                    <div class="form-actions">
                        <Button kind=ButtonKind::Primary r#type="submit" busy=busy test_id="save-company-profile">{move || t(DocumentsMsg::Save)}</Button>
                    </div>
                </form>
            </Show>
        </section>
    }
}
