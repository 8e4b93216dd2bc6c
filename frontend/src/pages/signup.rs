use crate::api::{self, ApiError, SignUp};
use crate::components::{Button, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{
    Msg, email_error_text, error_text, name_error_text, password_error_text, use_locale, use_text,
};
use crate::session::use_session;
use domain::credentials::{self, EmailAddress};
use domain::{ErrorCode, Locale};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

const CURRENCIES: [&str; 11] = [
    "CNY", "HKD", "TWD", "USD", "EUR", "GBP", "JPY", "KRW", "SGD", "AUD", "CAD",
];
const TIME_ZONES: [&str; 16] = [
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Australia/Sydney",
    "UTC",
];

/// The browser's IANA time zone, so most people never touch the field.
fn browser_time_zone() -> Option<String> {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|zone| zone.as_string())
}

/// Server errors that name a field, shown under that field.
#[derive(Clone, Default, PartialEq)]
struct ServerErrors {
    field: Option<String>,
    message: String,
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let navigate = use_navigate();

    let company = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let currency = RwSignal::new("CNY".to_owned());
    let time_zone =
        RwSignal::new(browser_time_zone().unwrap_or_else(|| "Asia/Shanghai".to_owned()));
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let server = RwSignal::new(ServerErrors::default());

    let server_error = move |field: &'static str| {
        let current = server.get();
        (current.field.as_deref() == Some(field)).then_some(current.message)
    };
    let company_error = Signal::derive(move || {
        submitted
            .get()
            .then(|| credentials::company_name(&company.get()).err())
            .flatten()
            .map(|error| name_error_text(locale.get(), &error).to_owned())
            .or_else(|| server_error("input.companyName"))
    });
    let name_error = Signal::derive(move || {
        submitted
            .get()
            .then(|| credentials::person_name(&name.get()).err())
            .flatten()
            .map(|error| name_error_text(locale.get(), &error).to_owned())
            .or_else(|| server_error("input.name"))
    });
    let email_error = Signal::derive(move || {
        submitted
            .get()
            .then(|| EmailAddress::parse(&email.get()).err())
            .flatten()
            .map(|error| email_error_text(locale.get(), &error).to_owned())
            .or_else(|| server_error("input.email"))
    });
    let password_error = Signal::derive(move || {
        if !submitted.get() {
            return None;
        }
        let checked = match EmailAddress::parse(&email.get()) {
            Ok(address) => credentials::check_password(&password.get(), &address).err(),
            Err(_) => (password.get().chars().count() < credentials::PASSWORD_MIN_CHARS)
                .then_some(credentials::PasswordError::TooShort),
        };
        checked
            .map(|error| password_error_text(locale.get(), &error).to_owned())
            .or_else(|| server_error("input.password"))
    });
    let time_zone_error = Signal::derive(move || server_error("input.timeZone"));

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        server.set(ServerErrors::default());
        let invalid = company_error.get_untracked().is_some()
            || name_error.get_untracked().is_some()
            || email_error.get_untracked().is_some()
            || password_error.get_untracked().is_some();
        if invalid {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        let chosen_locale = match locale.get_untracked() {
            Locale::ZhCn => api::sign_up::Locale::ZH_CN,
            Locale::En => api::sign_up::Locale::EN,
        };
        leptos::task::spawn_local(async move {
            let result = api::run::<SignUp>(api::sign_up::Variables {
                input: api::sign_up::SignUpInput {
                    company_name: company.get_untracked(),
                    name: name.get_untracked(),
                    email: email.get_untracked(),
                    password: password.get_untracked(),
                    base_currency: Some(currency.get_untracked()),
                    locale: Some(chosen_locale),
                    time_zone: Some(time_zone.get_untracked()),
                },
            })
            .await;
            busy.set(false);
            match result {
                Ok(data) => {
                    session.start(data.sign_up.into());
                    navigate("/", Default::default());
                }
                Err(ApiError::Api {
                    code: ErrorCode::Conflict,
                    field,
                    ..
                }) => server.set(ServerErrors {
                    field: field.or_else(|| Some("input.email".to_owned())),
                    message: text(Msg::EmailTaken).to_owned(),
                }),
                Err(
                    failure @ ApiError::Api {
                        code: ErrorCode::Validation,
                        field: Some(_),
                        ..
                    },
                ) => {
                    server.set(ServerErrors {
                        field: failure.field().map(str::to_owned),
                        message: failure.text(locale.get_untracked()),
                    });
                }
                Err(ApiError::Api { code, .. }) => {
                    toasts.push(ToastKind::Error, error_text(locale.get_untracked(), code));
                }
                Err(ApiError::Network(_)) => {
                    toasts.push(
                        ToastKind::Error,
                        error_text(locale.get_untracked(), ErrorCode::Internal),
                    );
                }
            }
        });
    };

    let currency_options = Signal::derive(|| {
        CURRENCIES
            .iter()
            .map(|code| ((*code).to_owned(), (*code).to_owned()))
            .collect::<Vec<_>>()
    });
    let zone_options = Signal::derive(move || {
        let mut zones: Vec<String> = TIME_ZONES.iter().map(|zone| (*zone).to_owned()).collect();
        let current = time_zone.get_untracked();
        if !zones.contains(&current) {
            zones.insert(0, current);
        }
        zones
            .into_iter()
            .map(|zone| (zone.clone(), zone.replace('_', " ")))
            .collect::<Vec<_>>()
    });

    view! {
        <section class="auth-card auth-card-wide" aria-labelledby="signup-title">
            <h1 id="signup-title">{move || text(Msg::SignUpTitle)}</h1>
            <p class="lead">{move || text(Msg::SignUpLead)}</p>
            <form novalidate on:submit=on_submit data-testid="signup-form">
                <TextField name="company" label=Signal::derive(move || text(Msg::CompanyName)) value=company error=company_error autocomplete="organization" required=true/>
                <TextField name="name" label=Signal::derive(move || text(Msg::YourName)) value=name error=name_error autocomplete="name" required=true/>
                <TextField name="email" label=Signal::derive(move || text(Msg::Email)) value=email error=email_error input_type="email" autocomplete="email" required=true/>
                <TextField
                    name="password"
                    label=Signal::derive(move || text(Msg::Password))
                    value=password
                    error=password_error
                    hint=Signal::derive(move || text(Msg::PasswordHint))
                    input_type="password"
                    autocomplete="new-password"
                    required=true
                />
                <div class="field-row">
                    <SelectField name="currency" label=Signal::derive(move || text(Msg::BaseCurrency)) value=currency options=currency_options/>
                    <SelectField name="timezone" label=Signal::derive(move || text(Msg::TimeZone)) value=time_zone options=zone_options/>
                </div>
                <Show when=move || time_zone_error.get().is_some()>
                    <p class="field-error" role="alert">{move || time_zone_error.get().unwrap_or_default()}</p>
                </Show>
                <Button r#type="submit" busy=busy test_id="create-account">{move || text(Msg::CreateAccount)}</Button>
            </form>
            <p class="auth-switch"><A href="/login">{move || text(Msg::HaveAccount)}</A></p>
        </section>
    }
}
