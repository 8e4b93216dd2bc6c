//! Email verification: the emailed link's page, the banner that asks for it, and the button
//! that sends the email again.

use crate::api::{self, ApiError, ResendVerificationEmail, VerifyEmail};
use crate::components::{Spinner, ToastKind, use_toasts};
use crate::i18n::{Msg, error_text, use_locale, use_text};
use crate::session::use_session;
use domain::ErrorCode;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_params_map};

/// `/verify-email/<token>`: following the emailed link is the proof, so the page verifies on
/// arrival, signed in or not.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let session = use_session();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let outcome = LocalResource::new(move || {
        let token = token();
        async move {
            api::run::<VerifyEmail>(api::verify_email::Variables {
                input: api::verify_email::VerifyEmailInput { token },
            })
            .await
            .map(|data| data.verify_email.user.email)
        }
    });
    // The verified address may be the signed-in user's: then the banner goes. The session is
    // watched too, because it may still be restoring when the answer arrives.
    Effect::new(move |_| {
        let Some(Ok(verified_email)) = outcome.get() else {
            return;
        };
        let stale = session.current.with(|current| {
            current.as_ref().is_some_and(|current| {
                !current.email_verified && current.user_email.eq_ignore_ascii_case(&verified_email)
            })
        });
        if stale {
            session.mark_email_verified();
        }
    });
    let failure_text = move |error: ApiError| match error {
        // Used already, expired, or never issued.
        ApiError::Api {
            code: ErrorCode::NotFound,
            ..
        } => text(Msg::VerifyLinkInvalid),
        ApiError::Api { code, .. } => error_text(locale.get(), code),
        ApiError::Network(_) => error_text(locale.get(), ErrorCode::Internal),
    };
    view! {
        <section class="auth-card" aria-labelledby="verify-title">
            <h1 id="verify-title">{move || text(Msg::VerifyEmailTitle)}</h1>
            <Suspense fallback=move || view! { <Spinner label=Signal::derive(move || text(Msg::VerifyingEmail))/> }>
                {move || outcome.get().map(|result| match result {
                    Ok(email) => view! {
                        <div>
                            <p class="lead" role="status" data-testid="verify-result">{move || text(Msg::EmailVerifiedDone)}</p>
                            <p class="muted">{email}</p>
                            <p class="auth-switch"><A href="/">{move || text(Msg::BackHome)}</A></p>
                        </div>
                    }
                    .into_any(),
                    Err(error) => {
                        let message = failure_text(error);
                        view! { <p class="form-error" role="alert" data-testid="verify-result">{message}</p> }.into_any()
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Above every page for a signed-in user whose address is not verified yet, except the account
/// page (which says the same beside its own button) and the verification link's page.
#[component]
pub fn VerifyEmailBanner() -> impl IntoView {
    let text = use_text();
    let session = use_session();
    let location = use_location();
    let unverified = Memo::new(move |_| {
        session.current.with(|current| {
            current
                .as_ref()
                .is_some_and(|current| !current.email_verified)
        })
    });
    let said_elsewhere = move || {
        let path = location.pathname.get();
        path == "/account" || path.starts_with("/verify-email/")
    };
    view! {
        <Show when=move || unverified.get() && !said_elsewhere()>
            <div class="subscription-notice notice-warning" role="status" data-testid="verify-banner">
                <span>{move || text(Msg::VerifyBanner)}</span>
                <ResendVerificationButton/>
            </div>
        </Show>
    }
}

/// Sends the verification email again (the server limits how often).
#[component]
pub fn ResendVerificationButton() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let busy = RwSignal::new(false);
    let resend = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result =
                api::run::<ResendVerificationEmail>(api::resend_verification_email::Variables {})
                    .await;
            busy.set(false);
            match result {
                Ok(data) if data.resend_verification_email.sent => {
                    toasts.push(ToastKind::Success, text(Msg::VerificationEmailSent));
                }
                // Nothing to send: the address was verified meanwhile (from another tab, say).
                Ok(_) => {
                    session.mark_email_verified();
                    toasts.push(ToastKind::Info, text(Msg::EmailAlreadyVerified));
                }
                // RATE_LIMITED among them: the toast says to try again shortly.
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    view! {
        <button
            type="button"
            class="button button-secondary"
            data-testid="resend-verification"
            disabled=move || busy.get()
            aria-busy=move || busy.get().to_string()
            on:click=resend
        >
            {move || text(Msg::ResendVerification)}
        </button>
    }
}
