use crate::components::{Button, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_text};
use leptos::prelude::*;

/// What the sign-in form checks before anything is sent.
fn email_error(email: &str) -> Option<Msg> {
    let email = email.trim();
    if email.is_empty() {
        return Some(Msg::EmailRequired);
    }
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.');
    (!plausible).then_some(Msg::EmailInvalid)
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let text = use_text();
    let toasts = use_toasts();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);

    let email_message = Signal::derive(move || {
        submitted
            .get()
            .then(|| email_error(&email.get()))
            .flatten()
            .map(text)
    });
    let password_message = Signal::derive(move || {
        (submitted.get() && password.get().is_empty()).then(|| text(Msg::PasswordRequired))
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        if email_error(&email.get_untracked()).is_some() || password.get_untracked().is_empty() {
            return;
        }
        toasts.push(ToastKind::Info, text(Msg::SignInUnavailable));
    };

    view! {
        <section class="auth-card" aria-labelledby="login-title">
            <h1 id="login-title">{move || text(Msg::SignInTitle)}</h1>
            <p class="lead">{move || text(Msg::SignInLead)}</p>
            <form novalidate on:submit=on_submit data-testid="login-form">
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
                <Button r#type="submit" test_id="sign-in">{move || text(Msg::SignIn)}</Button>
            </form>
        </section>
    }
}
