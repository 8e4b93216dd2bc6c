//! Settings → Webhooks: endpoints (address, events, on or off), the signing secret shown once,
//! rotation, a test event, and the delivery log with each attempt and "send again".

use super::access::RequirePermission;
use crate::api::{
    self, ApiError, CreateWebhookEndpoint, DeleteWebhookEndpoint, RedeliverWebhook,
    RotateWebhookSecret, SendTestWebhookEvent, UpdateWebhookEndpoint, WebhookDeliveries,
    WebhookEndpoints,
};
use crate::components::{Button, Modal, TextField, ToastKind, field_error, use_toasts};
use crate::i18n::{Msg, WebhooksMsg as W, event_label, use_locale, use_text};
use domain::access::Permission;
use leptos::prelude::*;

type Endpoint = api::webhook_endpoints::WebhookEndpointsWebhookEndpoints;
type Delivery = api::webhook_deliveries::WebhookDeliveriesWebhookDeliveriesEdgesNode;

#[component]
pub fn WebhooksPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ManageWebhooks>
            <Webhooks/>
        </RequirePermission>
    }
}

fn short_time(iso: &str) -> String {
    iso.get(..19).unwrap_or(iso).replace('T', " ")
}

#[component]
fn Webhooks() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let loaded = LocalResource::new(move || {
        reload.get();
        api::run::<WebhookEndpoints>(api::webhook_endpoints::Variables {})
    });
    let event_types = move || {
        loaded
            .get()
            .and_then(|result| result.ok())
            .map(|data| data.webhook_event_types)
            .unwrap_or_default()
    };
    let endpoints = move || {
        loaded
            .get()
            .and_then(|result| result.ok())
            .map(|data| data.webhook_endpoints)
            .unwrap_or_default()
    };

    // The secret, shown once in a dialog and forgotten when it closes.
    let secret = RwSignal::new(None::<String>);
    let secret_open = RwSignal::new(false);
    Effect::new(move |_| {
        if !secret_open.get() {
            secret.set(None);
        }
    });
    let show_secret = move |value: String| {
        secret.set(Some(value));
        secret_open.set(true);
    };
    let copy = move |_| {
        if let (Some(value), Some(window)) = (secret.get_untracked(), web_sys::window()) {
            let _ = window.navigator().clipboard().write_text(&value);
            toasts.push(ToastKind::Success, text(Msg::Copied));
        }
    };
    let report = move |error: ApiError| toasts.api_error(locale.get_untracked(), error);
    let log_reload = RwSignal::new(0u32);
    let changed = move |message: Msg| {
        toasts.push(ToastKind::Success, text(message));
        reload.update(|n| *n += 1);
        log_reload.update(|n| *n += 1);
    };

    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(W::Title)}</h1>
                <p class="lead">{move || text(W::Lead)}</p>
            </header>
            <NewEndpoint event_types=Signal::derive(event_types) on_created=Callback::new(move |value: String| {
                show_secret(value);
                changed(W::Added);
            })/>
            <section class="panel webhook-panel" aria-labelledby="endpoints-title">
                <h2 id="endpoints-title">{move || text(W::Endpoints)}</h2>
                <Show when=move || endpoints().is_empty()>
                    <p class="empty">{move || text(W::NoEndpoints)}</p>
                </Show>
                <ul class="webhook-endpoints">
                    <For each=endpoints key=|e| (e.id.clone(), e.enabled, e.secret_hint.clone()) let:endpoint>
                        <EndpointCard
                            endpoint=endpoint
                            on_secret=Callback::new(show_secret)
                            on_changed=Callback::new(changed)
                            on_error=Callback::new(report)
                        />
                    </For>
                </ul>
                <p class="field-hint">{move || text(W::Verify)}</p>
            </section>
            <DeliveryLog reload=log_reload endpoints=Signal::derive(endpoints)/>
            <Modal open=secret_open title=Signal::derive(move || text(W::SecretTitle).to_owned())>
                <p>{move || text(W::SecretLead)}</p>
                <pre class="secret" data-testid="webhook-secret">{move || secret.get().unwrap_or_default()}</pre>
                <div class="modal-actions">
                    <button type="button" class="button button-primary" on:click=copy>{move || text(Msg::Copy)}</button>
                </div>
            </Modal>
        </section>
    }
}

/// The form that registers an endpoint.
#[component]
fn NewEndpoint(event_types: Signal<Vec<String>>, on_created: Callback<String>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<(String, String)>);
    let events_error = move || {
        (submitted.get() && chosen.get().is_empty())
            .then(|| text(W::EventsNeeded).to_owned())
            .or_else(|| field_error(failure, "events").get())
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        if chosen.get_untracked().is_empty() {
            return;
        }
        busy.set(true);
        failure.set(None);
        let description = description.get_untracked();
        let input = api::create_webhook_endpoint::CreateWebhookEndpointInput {
            url: url.get_untracked().trim().to_owned(),
            events: chosen.get_untracked(),
            description: (!description.trim().is_empty()).then_some(description),
        };
        leptos::task::spawn_local(async move {
            let result =
                api::run::<CreateWebhookEndpoint>(api::create_webhook_endpoint::Variables {
                    input,
                })
                .await;
            busy.set(false);
            match result {
                Ok(data) => {
                    url.set(String::new());
                    chosen.set(Vec::new());
                    submitted.set(false);
                    on_created.run(data.create_webhook_endpoint.secret);
                }
                Err(error) => failure.set(Some((
                    error.field_name().to_owned(),
                    error.text(locale.get_untracked()),
                ))),
            }
        });
    };
    view! {
        <form class="panel webhook-form" novalidate on:submit=on_submit data-testid="webhook-form">
            <TextField
                name="webhook-url"
                label=Signal::derive(move || text(W::Url))
                value=url
                input_type="url"
                hint=Signal::derive(move || text(W::UrlHint))
                error=field_error(failure, "url")
                required=true
            />
            <TextField
                name="webhook-description"
                label=Signal::derive(move || text(W::Description))
                value=description
                error=field_error(failure, "description")
            />
            <fieldset class="scope-picker">
                <legend>{move || text(W::Events)}</legend>
                {move || event_types.get().into_iter().map(|event| {
                    let name = event.clone();
                    let toggled = event.clone();
                    let labelled = event.clone();
                    view! {
                        <label class="scope-option">
                            <input
                                type="checkbox"
                                value=event.clone()
                                prop:checked=move || chosen.get().contains(&name)
                                on:change=move |_| chosen.update(|events| {
                                    if let Some(at) = events.iter().position(|held| *held == toggled) {
                                        events.remove(at);
                                    } else {
                                        events.push(toggled.clone());
                                    }
                                })
                            />
                            <span>{move || event_label(locale.get(), &labelled)}</span>
                            " "
                            <code>{event.clone()}</code>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <Show when=move || events_error().is_some()>
                <p class="field-error" role="alert">{move || events_error().unwrap_or_default()}</p>
            </Show>
            <Show when=move || failure.get().is_some_and(|(at, _)| !matches!(at.as_str(), "url" | "description" | "events"))>
                <p class="field-error" role="alert">{move || failure.get().map(|(_, message)| message).unwrap_or_default()}</p>
            </Show>
            <Button r#type="submit" busy=busy test_id="add-webhook">{move || text(W::Add)}</Button>
        </form>
    }
}

/// One endpoint: where, what, whether it is on, and what can be done with it.
#[component]
fn EndpointCard(
    endpoint: Endpoint,
    on_secret: Callback<String>,
    on_changed: Callback<Msg>,
    on_error: Callback<ApiError>,
) -> impl IntoView {
    use api::webhook_endpoints::WebhookDisabledBecause as Off;
    let text = use_text();
    let locale = use_locale();
    let id = StoredValue::new(endpoint.id.clone());
    let enabled = endpoint.enabled;
    let busy = RwSignal::new(false);
    let confirm_open = RwSignal::new(false);
    let act = move |action: Action| {
        busy.set(true);
        let endpoint_id = id.get_value();
        leptos::task::spawn_local(async move {
            let outcome = action.run(endpoint_id, !enabled).await;
            busy.set(false);
            match outcome {
                Ok(Some(secret)) => {
                    on_secret.run(secret);
                    on_changed.run(W::Rotated);
                }
                Ok(None) => on_changed.run(action.done()),
                Err(error) => on_error.run(error),
            }
        });
    };
    let status = match (&endpoint.disabled_because, enabled) {
        (_, true) => W::On,
        (Some(Off::FAILING), false) => W::OffFailing,
        _ => W::OffByMember,
    };
    let events = endpoint.events.clone();
    view! {
        <li class="webhook-endpoint" data-testid="webhook-endpoint" class:off=!enabled>
            <div class="webhook-endpoint-head">
                <code class="webhook-url">{endpoint.url.clone()}</code>
                <span class="badge" class:badge-danger=!enabled>{move || text(status)}</span>
            </div>
            {endpoint.description.clone().map(|description| view! { <p>{description}</p> })}
            <p class="webhook-events">
                {events.into_iter().map(|event| {
                    let shown = event.clone();
                    view! { <span class="chip" title=event>{move || event_label(locale.get(), &shown)}</span> }
                }).collect_view()}
            </p>
            <dl class="webhook-facts">
                <dt>{move || text(W::Secret)}</dt>
                <dd><code>{endpoint.secret_hint.clone()}</code></dd>
                {endpoint.previous_secret_valid_until.clone().map(|until| view! {
                    <dt>{move || text(W::PreviousSecretUntil)}</dt>
                    <dd>{short_time(&until)}</dd>
                })}
                {endpoint.failing_since.clone().map(|since| view! {
                    <dt>{move || text(W::FailingSince)}</dt>
                    <dd>{short_time(&since)}</dd>
                })}
            </dl>
            <div class="button-row">
                <button type="button" class="button button-secondary" data-testid="send-test-event"
                    disabled=move || busy.get() || !enabled on:click=move |_| act(Action::Test)>
                    {move || text(W::SendTest)}
                </button>
                <button type="button" class="button button-secondary" disabled=move || busy.get()
                    on:click=move |_| act(Action::Rotate)>
                    {move || text(W::Rotate)}
                </button>
                <button type="button" class="button button-secondary" disabled=move || busy.get()
                    on:click=move |_| act(Action::Toggle)>
                    {move || text(if enabled { W::SwitchOff } else { W::SwitchOn })}
                </button>
                <button type="button" class="button button-danger" disabled=move || busy.get()
                    on:click=move |_| confirm_open.set(true)>
                    {move || text(W::Delete)}
                </button>
            </div>
            <Modal open=confirm_open title=Signal::derive(move || text(W::Delete).to_owned())>
                <p>{move || text(W::DeleteConfirm)}</p>
                <div class="modal-actions">
                    <button type="button" class="button button-danger" data-testid="confirm-delete-webhook"
                        on:click=move |_| { confirm_open.set(false); act(Action::Delete); }>
                        {move || text(W::Delete)}
                    </button>
                </div>
            </Modal>
        </li>
    }
}

#[derive(Clone, Copy)]
enum Action {
    Test,
    Rotate,
    Toggle,
    Delete,
}

impl Action {
    fn done(self) -> Msg {
        match self {
            Action::Test => W::TestSent,
            Action::Rotate => W::Rotated,
            Action::Toggle => W::Saved,
            Action::Delete => W::Deleted,
        }
    }

    /// Runs the action on `endpoint`; a rotation returns the new secret.
    async fn run(self, endpoint_id: String, switch_on: bool) -> Result<Option<String>, ApiError> {
        match self {
            Action::Test => {
                api::run::<SendTestWebhookEvent>(api::send_test_webhook_event::Variables {
                    input: api::send_test_webhook_event::SendTestWebhookEventInput { endpoint_id },
                })
                .await
                .map(|_| None)
            }
            Action::Rotate => {
                api::run::<RotateWebhookSecret>(api::rotate_webhook_secret::Variables {
                    input: api::rotate_webhook_secret::RotateWebhookSecretInput { endpoint_id },
                })
                .await
                .map(|data| Some(data.rotate_webhook_secret.secret))
            }
            Action::Toggle => {
                api::run::<UpdateWebhookEndpoint>(api::update_webhook_endpoint::Variables {
                    input: api::update_webhook_endpoint::UpdateWebhookEndpointInput {
                        endpoint_id,
                        url: None,
                        events: None,
                        description: None,
                        enabled: Some(switch_on),
                    },
                })
                .await
                .map(|_| None)
            }
            Action::Delete => {
                api::run::<DeleteWebhookEndpoint>(api::delete_webhook_endpoint::Variables {
                    input: api::delete_webhook_endpoint::DeleteWebhookEndpointInput { endpoint_id },
                })
                .await
                .map(|_| None)
            }
        }
    }
}

/// The delivery log, newest first, 25 at a time, with each attempt behind "Details".
#[component]
fn DeliveryLog(reload: RwSignal<u32>, endpoints: Signal<Vec<Endpoint>>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let after = RwSignal::new(None::<String>);
    let log = LocalResource::new(move || {
        reload.get();
        let after = after.get();
        api::run::<WebhookDeliveries>(api::webhook_deliveries::Variables {
            first: Some(25),
            after,
            filter: None,
        })
    });
    let page = move || log.get().and_then(|result| result.ok());
    let rows = move || {
        page()
            .map(|data| {
                data.webhook_deliveries
                    .edges
                    .into_iter()
                    .map(|edge| edge.node)
                    .collect::<Vec<Delivery>>()
            })
            .unwrap_or_default()
    };
    let next = move || {
        page().and_then(|data| {
            let info = data.webhook_deliveries.page_info;
            info.has_next_page.then_some(info.end_cursor).flatten()
        })
    };
    let url_of = move |endpoint_id: &str| {
        endpoints
            .get()
            .into_iter()
            .find(|endpoint| endpoint.id == endpoint_id)
            .map(|endpoint| endpoint.url)
            .unwrap_or_default()
    };
    let resend = move |delivery_id: String| {
        leptos::task::spawn_local(async move {
            match api::run::<RedeliverWebhook>(api::redeliver_webhook::Variables {
                input: api::redeliver_webhook::RedeliverWebhookInput { delivery_id },
            })
            .await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(W::Resent));
                    after.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    view! {
        <section class="panel webhook-log" aria-labelledby="webhook-log-title">
            <div class="panel-head">
                <h2 id="webhook-log-title">{move || text(W::Log)}</h2>
                <button type="button" class="button button-secondary" data-testid="refresh-webhook-log"
                    on:click=move |_| { after.set(None); reload.update(|n| *n += 1); }>
                    {move || text(W::Refresh)}
                </button>
            </div>
            <Show when=move || rows().is_empty()>
                <p class="empty">{move || text(W::NoDeliveries)}</p>
            </Show>
            <div class="table-wrap">
                <table class="data-table" data-testid="webhook-log">
                    <thead><tr>
                        <th scope="col">{move || text(W::When)}</th>
                        <th scope="col">{move || text(W::Event)}</th>
                        <th scope="col">{move || text(W::Status)}</th>
                        <th scope="col">{move || text(W::Attempts)}</th>
                        <th scope="col">{move || text(W::Answer)}</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>
                        <For each=rows key=|d| (d.id.clone(), d.attempt_count, d.finished_at.clone()) let:delivery>
                            <DeliveryRow delivery=delivery url=url_of on_resend=Callback::new(resend)/>
                        </For>
                    </tbody>
                </table>
            </div>
            <Show when=move || next().is_some()>
                <button type="button" class="button button-secondary" on:click=move |_| after.set(next())>
                    {move || text(W::MoreDeliveries)}
                </button>
            </Show>
        </section>
    }
}

#[component]
fn DeliveryRow(
    delivery: Delivery,
    url: impl Fn(&str) -> String + 'static,
    on_resend: Callback<String>,
) -> impl IntoView {
    use api::webhook_deliveries::WebhookDeliveryStatus as S;
    let text = use_text();
    let locale = use_locale();
    let (status, class) = match delivery.status {
        S::DELIVERED => (W::Delivered, "badge badge-success"),
        S::FAILED => (W::Failed, "badge badge-danger"),
        _ => (W::Pending, "badge"),
    };
    let answer = match (&delivery.last_status_code, &delivery.last_error) {
        (Some(code), _) => format!("HTTP {code}"),
        (None, Some(error)) => error.clone(),
        (None, None) => String::new(),
    };
    let event = delivery.event_type.clone();
    let id = delivery.id.clone();
    let body = serde_json::to_string_pretty(&delivery.payload).unwrap_or_default();
    let attempts = delivery.attempts.clone();
    let endpoint_url = url(&delivery.endpoint_id);
    let open = RwSignal::new(false);
    view! {
        <tr data-testid="webhook-delivery" data-status=format!("{:?}", delivery.status)>
            <td>{short_time(&delivery.created_at)}</td>
            <td>
                <span>{move || event_label(locale.get(), &event)}</span>
                <br/><code>{delivery.event_type.clone()}</code>
                <br/><small class="muted webhook-url">{endpoint_url}</small>
            </td>
            <td>
                <span class=class>{move || text(status)}</span>
                {delivery.next_attempt_at.clone().map(|at| view! {
                    <br/><small class="muted">{move || text(W::NextAttempt)}" "{short_time(&at)}</small>
                })}
            </td>
            <td>{delivery.attempt_count}</td>
            <td class="webhook-answer">{answer}</td>
            <td>
                <div class="button-row">
                    <button type="button" class="button button-secondary" aria-expanded=move || open.get().to_string()
                        on:click=move |_| open.update(|open| *open = !*open)>
                        {move || text(W::Details)}
                    </button>
                    <button type="button" class="button button-secondary" data-testid="resend-webhook"
                        on:click=move |_| on_resend.run(id.clone())>
                        {move || text(W::Resend)}
                    </button>
                </div>
            </td>
        </tr>
        <Show when=move || open.get()>
            <tr class="webhook-detail-row">
                <td colspan="6">
                    <ol class="webhook-attempts">
                        {attempts.clone().into_iter().map(|attempt| view! {
                            <li>
                                {short_time(&attempt.attempted_at)}" · "
                                {attempt.status_code.map(|code| format!("HTTP {code}")).or(attempt.error.clone()).unwrap_or_default()}
                                {format!(" · {} ms", attempt.latency_ms)}
                                {attempt.response_excerpt.clone().map(|excerpt| view! { <pre>{excerpt}</pre> })}
                            </li>
                        }).collect_view()}
                    </ol>
                    <p>{move || text(W::Body)}</p>
                    <pre class="webhook-body">{body.clone()}</pre>
                </td>
            </tr>
        </Show>
    }
}
