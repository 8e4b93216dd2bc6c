use super::access::RequirePermission;
use crate::api::{self, ApiError, ApiKeys, CreateApiKey, RevokeApiKey};
use crate::components::{Button, DataTable, Modal, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use domain::access::{ApiScope, Permission};
use leptos::prelude::*;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ManageApiKeys>
            <Keys/>
        </RequirePermission>
    }
}

fn short_date(iso: &str) -> String {
    iso.get(..16).unwrap_or(iso).replace('T', " ")
}

#[component]
fn Keys() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let keys = LocalResource::new(move || {
        reload.get();
        api::run::<ApiKeys>(api::api_keys::Variables {})
    });
    let rows = move || {
        keys.get()
            .and_then(|result| result.ok())
            .map(|data| data.api_keys)
            .unwrap_or_default()
    };

    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<ApiScope>::new());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let secret = RwSignal::new(None::<String>);
    let secret_open = RwSignal::new(false);
    let name_error = Signal::derive(move || {
        (submitted.get() && name.get().trim().is_empty()).then(|| text(Msg::KeyName).to_owned())
    });
    let scopes_error = move || submitted.get() && chosen.get().is_empty();

    let report = move |error: ApiError| toasts.api_error(locale.get_untracked(), error);

    let on_create = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        if name.get_untracked().trim().is_empty() || chosen.get_untracked().is_empty() {
            return;
        }
        busy.set(true);
        let scopes = chosen
            .get_untracked()
            .iter()
            .map(|scope| scope.as_str().to_owned())
            .collect();
        leptos::task::spawn_local(async move {
            let result = api::run::<CreateApiKey>(api::create_api_key::Variables {
                input: api::create_api_key::CreateApiKeyInput {
                    name: name.get_untracked(),
                    scopes,
                },
            })
            .await;
            busy.set(false);
            match result {
                Ok(data) => {
                    secret.set(Some(data.create_api_key.secret));
                    secret_open.set(true);
                    name.set(String::new());
                    chosen.set(Vec::new());
                    submitted.set(false);
                    reload.update(|n| *n += 1);
                }
                Err(error) => report(error),
            }
        });
    };
    // The secret is forgotten when its dialog closes.
    Effect::new(move |_| {
        if !secret_open.get() {
            secret.set(None);
        }
    });
    let copy = move |_| {
        if let (Some(value), Some(window)) = (secret.get_untracked(), web_sys::window()) {
            let _ = window.navigator().clipboard().write_text(&value);
            toasts.push(ToastKind::Success, text(Msg::Copied));
        }
    };
    let revoke = move |id: String| {
        leptos::task::spawn_local(async move {
            match api::run::<RevokeApiKey>(api::revoke_api_key::Variables {
                input: api::revoke_api_key::RevokeApiKeyInput { api_key_id: id },
            })
            .await
            {
                Ok(_) => toasts.push(ToastKind::Success, text(Msg::KeyRevoked)),
                Err(error) => report(error),
            }
            reload.update(|n| *n += 1);
        });
    };

    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::ApiKeysTitle)}</h1>
                <p class="lead">{move || text(Msg::ApiKeysLead)}</p>
            </header>
            <form class="panel inline-form" novalidate on:submit=on_create data-testid="create-key-form">
                <TextField name="key-name" label=Signal::derive(move || text(Msg::KeyName)) value=name error=name_error/>
                <fieldset class="scope-picker">
                    <legend>{move || text(Msg::Scopes)}</legend>
                    {ApiScope::ALL.into_iter().map(|scope| view! {
                        <label class="scope-option">
                            <input
                                type="checkbox"
                                value=scope.as_str()
                                prop:checked=move || chosen.get().contains(&scope)
                                on:change=move |_| chosen.update(|scopes| {
                                    if let Some(at) = scopes.iter().position(|held| *held == scope) {
                                        scopes.remove(at);
                                    } else {
                                        scopes.push(scope);
                                    }
                                })
                            />
                            <code>{scope.as_str()}</code>
                        </label>
                    }).collect_view()}
                </fieldset>
                <Show when=scopes_error>
                    <p class="field-error" role="alert">{move || text(Msg::ScopesRequired)}</p>
                </Show>
                <Button r#type="submit" busy=busy test_id="create-key">{move || text(Msg::CreateKey)}</Button>
            </form>
            <DataTable
                caption=Signal::derive(move || text(Msg::ApiKeysTitle).to_owned())
                headers=Signal::derive(move || vec![text(Msg::KeyName), "Prefix", text(Msg::Scopes), text(Msg::LastUsed), text(Msg::Status), ""])
                row_count=Signal::derive(move || rows().len())
                empty=Signal::derive(move || text(Msg::NoKeys))
            >
                <For each=rows key=|key| (key.id.clone(), key.revoked_at.clone()) let:key>
                    {
                        let id = key.id.clone();
                        let revoked = key.revoked_at.is_some();
                        view! {
                            <tr data-testid="key-row">
                                <td>{key.name.clone()}</td>
                                <td><code>{key.prefix.clone()}</code></td>
                                <td>{key.scopes.join(", ")}</td>
                                <td>{key.last_used_at.as_deref().map(short_date).unwrap_or_else(|| text(Msg::Never).to_owned())}</td>
                                <td>{move || if revoked { text(Msg::Revoked) } else { text(Msg::Active) }}</td>
                                <td>
                                    <Show when=move || !revoked>
                                        <button type="button" class="button button-secondary" on:click={
                                            let id = id.clone();
                                            move |_| revoke(id.clone())
                                        }>{move || text(Msg::Revoke)}</button>
                                    </Show>
                                </td>
                            </tr>
                        }
                    }
                </For>
            </DataTable>
            <Modal open=secret_open title=Signal::derive(move || text(Msg::KeySecretTitle).to_owned())>
                <p>{move || text(Msg::KeySecretLead)}</p>
                <pre class="secret" data-testid="key-secret">{move || secret.get().unwrap_or_default()}</pre>
                <div class="modal-actions">
                    <button type="button" class="button button-primary" on:click=copy>{move || text(Msg::Copy)}</button>
                </div>
            </Modal>
        </section>
    }
}
