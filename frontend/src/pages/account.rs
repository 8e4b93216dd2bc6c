//! `/account`: the signed-in person's own name and language, email (and whether it is verified) and
//! password.

use super::verify_email::ResendVerificationButton;
use crate::api::{self, ApiError, ChangePassword};
use crate::components::{Button, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, password_error_text, use_locale, use_text};
use crate::session::{SessionStatus, use_session};
use domain::credentials::{self, EmailAddress, PasswordError};
use domain::{ErrorCode, Locale};
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// What is wrong with a new password, by the rule the server applies. Without the account's
/// address (a reset link carries only a token) only the length is checked here; the server
/// checks the rest and names the field.
pub(super) fn new_password_problem(
    password: &str,
    email: Option<&EmailAddress>,
) -> Option<PasswordError> {
    if let Some(address) = email {
        return credentials::check_password(password, address).err();
    }
    let chars = password.chars().count();
    if chars < credentials::PASSWORD_MIN_CHARS {
        Some(PasswordError::TooShort)
    } else if chars > credentials::PASSWORD_MAX_CHARS {
        Some(PasswordError::TooLong)
    } else {
        None
    }
}

/// Server errors that name a field, shown under that field.
#[derive(Clone, Default, PartialEq)]
struct ServerErrors {
    field: Option<String>,
    message: String,
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    // Every role has an account, so only being signed in matters. A memo, so that renewing
    // the tokens (which sets the status again) does not rebuild the page and clear the form.
    let status = Memo::new(move |_| session.status.get());
    move || match status.get() {
        SessionStatus::Restoring => ().into_any(),
        SessionStatus::SignedOut => view! { <Redirect path="/login"/> }.into_any(),
        SessionStatus::SignedIn => view! { <Account/> }.into_any(),
    }
}

#[component]
fn Account() -> impl IntoView {
    let text = use_text();
    let session = use_session();
    let email = Memo::new(move |_| {
        session.current.with(|current| {
            current
                .as_ref()
                .map(|current| current.user_email.clone())
                .unwrap_or_default()
        })
    });
    let verified = Memo::new(move |_| {
        session.current.with(|current| {
            current
                .as_ref()
                .is_none_or(|current| current.email_verified)
        })
    });
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::AccountTitle)}</h1>
                <p class="lead">{move || text(Msg::AccountLead)}</p>
            </header>
            <div class="panel" data-testid="account-email">
                <h2>{move || text(Msg::Email)}</h2>
                <p>
                    <strong data-testid="account-email-address">{move || email.get()}</strong>
                    <span
                        class=move || if verified.get() { "badge badge-success" } else { "badge badge-danger" }
                        data-testid="email-status"
                    >
                        {move || if verified.get() {
                            text(Msg::EmailStatusVerified)
                        } else {
                            text(Msg::EmailStatusUnverified)
                        }}
                    </span>
                </p>
                <Show when=move || !verified.get()>
                    <p class="muted">{move || text(Msg::VerifyBanner)}</p>
                    <ResendVerificationButton/>
                </Show>
            </div>
            <ProfileForm/>
            <ChangePasswordForm email=email/>
        </section>
    }
}

/// The person's name and the language the server writes to them in (emails, and texts when
/// the request does not say), which starts as the app's.
#[component]
fn ProfileForm() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let name = RwSignal::new(
        session
            .current
            .with_untracked(|current| current.as_ref().map(|c| c.user_name.clone()))
            .unwrap_or_default(),
    );
    let english = RwSignal::new(locale.get_untracked() == Locale::En);
    // How approval requests reach me: shown once read, sent back as chosen.
    let approval_emails = RwSignal::new(String::new());
    leptos::task::spawn_local(async move {
        if let Ok(data) = api::run::<api::MyUserId>(api::my_user_id::Variables {}).await
            && let Some(choice) = data.me.user.and_then(|user| user.approval_emails)
        {
            approval_emails.set(crate::approval::enum_text(&choice));
        }
    });
    let busy = RwSignal::new(false);
    let refused = RwSignal::new(None::<String>);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        refused.set(None);
        busy.set(true);
        let input = api::update_my_profile::UpdateMyProfileInput {
            name: Some(name.get_untracked()),
            locale: Some(if english.get_untracked() {
                api::update_my_profile::Locale::EN
            } else {
                api::update_my_profile::Locale::ZH_CN
            }),
            approval_emails: api::chosen(&approval_emails.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            let result =
                api::run::<api::UpdateMyProfile>(api::update_my_profile::Variables { input }).await;
            busy.set(false);
            match result {
                Ok(data) => {
                    let saved = data.update_my_profile.user.name;
                    session.current.update(|current| {
                        if let Some(current) = current {
                            current.user_name = saved;
                        }
                    });
                    toasts.push(ToastKind::Success, text(Msg::ProfileSaved));
                }
                Err(failure @ ApiError::Api { field: Some(_), .. }) => {
                    refused.set(Some(failure.text(locale.get_untracked())));
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    view! {
        <form class="panel form-grid" novalidate on:submit=on_submit data-testid="profile-form">
            <h2>{move || text(Msg::ProfileTitle)}</h2>
            <TextField name="profile-name" label=Signal::derive(move || text(Msg::YourName))
                value=name error=Signal::derive(move || refused.get()) autocomplete="name"/>
            <div class="field">
                <label for="profile-locale">{move || text(Msg::ProfileLocaleLabel)}</label>
                <select id="profile-locale" name="profile-locale"
                    on:change=move |event| english.set(event_target_value(&event) == "EN")>
                    <option value="ZH_CN" prop:selected=move || !english.get()>"简体中文"</option>
                    <option value="EN" prop:selected=move || english.get()>"English"</option>
                </select>
            </div>
            <Show when=move || !approval_emails.get().is_empty()>
                <div class="field">
                    <label for="profile-approval-emails">{move || text(Msg::ApprovalEmailsLabel)}</label>
                    <select id="profile-approval-emails" name="profile-approval-emails" data-testid="profile-approval-emails"
                        on:change=move |event| approval_emails.set(event_target_value(&event))>
                        {[("IMMEDIATE", Msg::ApprovalEmailsImmediate), ("DAILY", Msg::ApprovalEmailsDaily), ("NONE", Msg::ApprovalEmailsNone)]
                            .into_iter()
                            .map(|(value, label)| view! {
                                <option value=value prop:selected=move || approval_emails.get() == value>{move || text(label)}</option>
                            })
                            .collect_view()}
                    </select>
                </div>
            </Show>
            <Button r#type="submit" busy=busy test_id="save-profile">{move || text(Msg::Save)}</Button>
        </form>
    }
}

#[component]
fn ChangePasswordForm(email: Memo<String>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let current_password = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let server = RwSignal::new(ServerErrors::default());

    let server_error = move |field: &'static str| {
        let current = server.get();
        (current.field.as_deref() == Some(field)).then_some(current.message)
    };
    let current_error = Signal::derive(move || {
        (submitted.get() && current_password.get().is_empty())
            .then(|| text(Msg::PasswordRequired).to_owned())
            .or_else(|| server_error("input.currentPassword"))
    });
    let new_error = Signal::derive(move || {
        let address = EmailAddress::parse(&email.get()).ok();
        submitted
            .get()
            .then(|| new_password_problem(&new_password.get(), address.as_ref()))
            .flatten()
            .map(|error| password_error_text(locale.get(), &error).to_owned())
            .or_else(|| server_error("input.newPassword"))
    });
    let confirmation_error = Signal::derive(move || {
        (submitted.get() && confirmation.get() != new_password.get())
            .then(|| text(Msg::PasswordsDiffer).to_owned())
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        server.set(ServerErrors::default());
        let invalid = current_error.get_untracked().is_some()
            || new_error.get_untracked().is_some()
            || confirmation_error.get_untracked().is_some();
        if invalid {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::run::<ChangePassword>(api::change_password::Variables {
                input: api::change_password::ChangePasswordInput {
                    current_password: current_password.get_untracked(),
                    new_password: new_password.get_untracked(),
                },
            })
            .await;
            busy.set(false);
            match result {
                Ok(data) => {
                    // Every other session was revoked; this one continues with the new tokens.
                    session.start(data.change_password.into());
                    toasts.push(ToastKind::Success, text(Msg::PasswordChanged));
                    submitted.set(false);
                    current_password.set(String::new());
                    new_password.set(String::new());
                    confirmation.set(String::new());
                }
                Err(ApiError::Api {
                    code: ErrorCode::Unauthenticated,
                    ..
                }) => server.set(ServerErrors {
                    field: Some("input.currentPassword".to_owned()),
                    message: text(Msg::WrongCurrentPassword).to_owned(),
                }),
                Err(
                    failure @ ApiError::Api {
                        code: ErrorCode::Validation,
                        field: Some(_),
                        ..
                    },
                ) => server.set(ServerErrors {
                    field: failure.field().map(str::to_owned),
                    message: failure.text(locale.get_untracked()),
                }),
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };

    view! {
        <div class="panel">
            <h2>{move || text(Msg::ChangePassword)}</h2>
            <p class="muted">{move || text(Msg::ChangePasswordLead)}</p>
            <form class="form-grid" novalidate on:submit=on_submit data-testid="change-password-form">
                <TextField
                    name="current-password"
                    label=Signal::derive(move || text(Msg::CurrentPassword))
                    value=current_password
                    error=current_error
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                />
                <TextField
                    name="new-password"
                    label=Signal::derive(move || text(Msg::NewPassword))
                    value=new_password
                    error=new_error
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
                <div class="form-actions">
                    <Button r#type="submit" busy=busy test_id="change-password">{move || text(Msg::ChangePassword)}</Button>
                </div>
            </form>
        </div>
    }
}
