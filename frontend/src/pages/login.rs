use crate::api::{self, ApiError, LogIn};
use crate::components::{Button, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, email_error_text, error_text, use_locale, use_text};
use crate::session::use_session;
use domain::ErrorCode;
use domain::credentials::EmailAddress;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
pub fn LoginPage() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let form_error = RwSignal::new(None::<String>);

    let email_message = Signal::derive(move || {
        if !submitted.get() {
            return None;
        }
        EmailAddress::parse(&email.get())
            .err()
            .map(|error| email_error_text(locale.get(), &error).to_owned())
    });
    let password_message = Signal::derive(move || {
        (submitted.get() && password.get().is_empty())
            .then(|| text(Msg::PasswordRequired).to_owned())
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        form_error.set(None);
        if EmailAddress::parse(&email.get_untracked()).is_err()
            || password.get_untracked().is_empty()
        {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = api::run::<LogIn>(api::log_in::Variables {
                input: api::log_in::LogInInput {
                    email: email.get_untracked(),
                    password: password.get_untracked(),
                    tenant_id: None,
                },
            })
            .await;
            busy.set(false);
            match result {
                Ok(data) => {
                    session.start(data.log_in.into());
                    navigate("/", Default::default());
                }
                Err(ApiError::Api {
                    code: ErrorCode::Unauthenticated,
                    ..
                }) => {
                    form_error.set(Some(text(Msg::WrongCredentials).to_owned()));
                }
                Err(failure) if failure.code() == ErrorCode::RateLimited => {
                    form_error.set(Some(failure.text(locale.get_untracked())));
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

    view! {
        <section class="auth-card" aria-labelledby="login-title">
            <h1 id="login-title">{move || text(Msg::SignInTitle)}</h1>
            <p class="lead">{move || text(Msg::SignInLead)}</p>
            <form novalidate on:submit=on_submit data-testid="login-form">
                <Show when=move || form_error.get().is_some()>
                    <p class="form-error" role="alert" data-testid="form-error">
                        {move || form_error.get().unwrap_or_default()}
                    </p>
                </Show>
                <TextField
                    name="email"
                    label=Signal::derive(move || text(Msg::Email))
                    value=email
                    error=email_message
                    input_type="email"
                    autocomplete="username"
                    required=true
                />
                <TextField
                    name="password"
                    label=Signal::derive(move || text(Msg::Password))
                    value=password
                    error=password_message
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                <Button r#type="submit" busy=busy test_id="sign-in">{move || text(Msg::SignIn)}</Button>
            </form>
            <p class="auth-switch">
                <A href="/forgot-password" attr:data-testid="forgot-password-link">{move || text(Msg::ForgotPasswordLink)}</A>
            </p>
            <p class="auth-switch"><A href="/signup">{move || text(Msg::NoAccount)}</A></p>
        </section>
    }
}
