use crate::api::{self, AcceptInvitation, ApiError, InvitationPreview};
use crate::components::{Button, Spinner, TextField, ToastKind, use_toasts};
use crate::i18n::{
    Msg, error_text, name_error_text, password_error_text, role_text, use_locale, use_text,
};
use crate::session::use_session;
use domain::access::Role;
use domain::credentials::{self, EmailAddress};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

/// `/invite/<token>`: the link from an invitation email.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let text = use_text();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let preview = LocalResource::new(move || {
        let token = token();
        async move { api::run::<InvitationPreview>(api::invitation_preview::Variables { token }).await }
    });
    view! {
        <section class="auth-card" aria-labelledby="accept-title">
            <h1 id="accept-title">{move || text(Msg::AcceptTitle)}</h1>
            <Suspense fallback=move || view! { <Spinner label=Signal::derive(move || text(Msg::Loading))/> }>
                {move || preview.get().map(|result| match result {
                    Ok(data) => view! { <AcceptForm token=token() preview=data.invitation/> }.into_any(),
                    Err(_) => view! { <p class="form-error" role="alert" data-testid="invitation-invalid">{move || text(Msg::InvitationInvalid)}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn AcceptForm(
    token: String,
    preview: api::invitation_preview::InvitationPreviewInvitation,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let navigate = use_navigate();
    let role: Role = api::to_domain(&preview.role).unwrap_or(Role::Viewer);
    let existing = preview.account_exists;
    let email = preview.email.clone();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let form_error = RwSignal::new(None::<String>);

    let invitee = EmailAddress::parse(&email).ok();
    let name_error = Signal::derive(move || {
        (submitted.get() && !existing)
            .then(|| credentials::person_name(&name.get()).err())
            .flatten()
            .map(|error| name_error_text(locale.get(), &error).to_owned())
    });
    let password_error = Signal::derive({
        let invitee = invitee.clone();
        move || {
            if !submitted.get() {
                return None;
            }
            if existing {
                return password
                    .get()
                    .is_empty()
                    .then(|| text(Msg::PasswordRequired).to_owned());
            }
            invitee
                .as_ref()
                .and_then(|address| credentials::check_password(&password.get(), address).err())
                .map(|error| password_error_text(locale.get(), &error).to_owned())
        }
    });

    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        form_error.set(None);
        if name_error.get_untracked().is_some() || password_error.get_untracked().is_some() {
            return;
        }
        busy.set(true);
        let token = token.clone();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = api::run::<AcceptInvitation>(api::accept_invitation::Variables {
                input: api::accept_invitation::AcceptInvitationInput {
                    token,
                    name: (!existing).then(|| name.get_untracked()),
                    password: Some(password.get_untracked()),
                },
            })
            .await;
            busy.set(false);
            match result {
                Ok(data) => {
                    session.start(data.accept_invitation.into());
                    navigate("/", Default::default());
                }
                Err(ApiError::Api {
                    code: domain::ErrorCode::Unauthenticated,
                    ..
                }) => {
                    form_error.set(Some(text(Msg::WrongCredentials).to_owned()));
                }
                Err(failure @ ApiError::Api { field: Some(_), .. }) => {
                    form_error.set(Some(failure.text(locale.get_untracked())));
                }
                Err(ApiError::Api { code, .. }) => {
                    toasts.push(ToastKind::Error, error_text(locale.get_untracked(), code))
                }
                Err(ApiError::Network(_)) => toasts.push(
                    ToastKind::Error,
                    error_text(locale.get_untracked(), domain::ErrorCode::Internal),
                ),
            }
        });
    };

    view! {
        <p class="lead" data-testid="invitation-summary">
            <strong>{preview.company_name.clone()}</strong>
            " " {move || text(Msg::InvitedAs)} " "
            <strong>{move || role_text(locale.get(), role)}</strong>
        </p>
        <p class="muted">{email.clone()}</p>
        <p>{move || if existing { text(Msg::AcceptExisting) } else { text(Msg::AcceptNew) }}</p>
        <form novalidate on:submit=on_submit data-testid="accept-form">
            <Show when=move || form_error.get().is_some()>
                <p class="form-error" role="alert">{move || form_error.get().unwrap_or_default()}</p>
            </Show>
            <Show when=move || !existing>
                <TextField name="name" label=Signal::derive(move || text(Msg::YourName)) value=name error=name_error autocomplete="name"/>
            </Show>
            <TextField
                name="password"
                label=Signal::derive(move || text(Msg::Password))
                value=password
                error=password_error
                input_type="password"
                autocomplete=if existing { "current-password" } else { "new-password" }
            />
            <Button r#type="submit" busy=busy test_id="accept-invitation">{move || text(Msg::Accept)}</Button>
        </form>
    }
}
