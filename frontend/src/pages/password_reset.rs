//! A forgotten password: ask for a link by email, then set a new password from it.

use super::account::new_password_problem;
use crate::api::{self, ApiError, RequestPasswordReset, ResetPassword};
use crate::components::{Button, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, email_error_text, password_error_text, use_locale, use_text};
use crate::session::use_session;
use domain::ErrorCode;
use domain::credentials::EmailAddress;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

/// `/forgot-password`: asks for a reset link.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let email = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let sent = RwSignal::new(false);
    let form_error = RwSignal::new(None::<String>);

    let email_message = Signal::derive(move || {
        if !submitted.get() {
            return None;
        }
        EmailAddress::parse(&email.get())
            .err()
            .map(|error| email_error_text(locale.get(), &error).to_owned())
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        form_error.set(None);
        if email_message.get_untracked().is_some() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::run::<RequestPasswordReset>(api::request_password_reset::Variables {
                input: api::request_password_reset::RequestPasswordResetInput {
                    email: email.get_untracked(),
                },
            })
            .await;
            busy.set(false);
            match result {
                // The server answers the same whether or not the address has an account, and so
                // does the page: neither tells a stranger who uses Duely.
                Ok(_) => sent.set(true),
                Err(failure) if failure.code() == ErrorCode::RateLimited => {
                    form_error.set(Some(failure.text(locale.get_untracked())));
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };

    view! {
        <section class="auth-card" aria-labelledby="forgot-title">
            <h1 id="forgot-title">{move || text(Msg::ForgotPasswordTitle)}</h1>
            <Show
                when=move || sent.get()
                fallback=move || view! {
                    <p class="lead">{move || text(Msg::ForgotPasswordLead)}</p>
                    <form novalidate on:submit=on_submit data-testid="forgot-form">
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
                        <Button r#type="submit" busy=busy test_id="send-reset-link">{move || text(Msg::SendResetLink)}</Button>
                    </form>
                }
            >
                <p class="lead" role="status" data-testid="reset-link-sent">{move || text(Msg::ResetLinkSent)}</p>
            </Show>
            <p class="auth-switch"><A href="/login">{move || text(Msg::BackToSignIn)}</A></p>
        </section>
    }
}

/// `/reset-password/<token>`: the link from a password-reset email. Saving the new password
/// signs in.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let navigate = use_navigate();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let new_password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let link_invalid = RwSignal::new(false);
    // The server's word on the new password (the rules the page cannot check without the
    // account's address).
    let server_password_error = RwSignal::new(None::<String>);

    let password_error = Signal::derive(move || {
        submitted
            .get()
            .then(|| new_password_problem(&new_password.get(), None))
            .flatten()
            .map(|error| password_error_text(locale.get(), &error).to_owned())
            .or_else(|| server_password_error.get())
    });
    let confirmation_error = Signal::derive(move || {
        (submitted.get() && confirmation.get() != new_password.get())
            .then(|| text(Msg::PasswordsDiffer).to_owned())
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        server_password_error.set(None);
        link_invalid.set(false);
        if password_error.get_untracked().is_some() || confirmation_error.get_untracked().is_some()
        {
            return;
        }
        busy.set(true);
        let token = token();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = api::run::<ResetPassword>(api::reset_password::Variables {
                input: api::reset_password::ResetPasswordInput {
                    token,
                    new_password: new_password.get_untracked(),
                },
            })
            .await;
            busy.set(false);
            match result {
                Ok(data) => {
                    session.start(data.reset_password.into());
                    toasts.push(ToastKind::Success, text(Msg::PasswordResetDone));
                    navigate("/", Default::default());
                }
                // Used, expired or never issued: only a new link helps.
                Err(ApiError::Api {
                    code: ErrorCode::NotFound,
                    ..
                }) => link_invalid.set(true),
                Err(
                    failure @ ApiError::Api {
                        code: ErrorCode::Validation,
                        ..
                    },
                ) if failure.field_name() == "newPassword" => {
                    server_password_error.set(Some(failure.text(locale.get_untracked())))
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };

    view! {
        <section class="auth-card" aria-labelledby="reset-title">
            <h1 id="reset-title">{move || text(Msg::ResetPasswordTitle)}</h1>
            <p class="lead">{move || text(Msg::ResetPasswordLead)}</p>
            <form novalidate on:submit=on_submit data-testid="reset-form">
                <Show when=move || link_invalid.get()>
                    <p class="form-error" role="alert" data-testid="reset-link-invalid">
                        {move || text(Msg::ResetLinkInvalid)} " "
                        <A href="/forgot-password">{move || text(Msg::RequestNewLink)}</A>
                    </p>
                </Show>
                <TextField
                    name="new-password"
                    label=Signal::derive(move || text(Msg::NewPassword))
                    value=new_password
                    error=password_error
                    hint=Signal::derive(move || text(Msg::PasswordHint))
                    input_type="password"
                    autocomplete="new-password"
                    required=true
                />
                <TextField
                    name="confirm-password"
                    label=Signal::derive(move || text(Msg::ConfirmNewPassword))
                    value=confirmation
                    error=confirmation_error
                    input_type="password"
                    autocomplete="new-password"
                    required=true
                />
                <Button r#type="submit" busy=busy test_id="save-new-password">{move || text(Msg::SaveNewPassword)}</Button>
            </form>
            <p class="auth-switch"><A href="/login">{move || text(Msg::BackToSignIn)}</A></p>
        </section>
    }
}
