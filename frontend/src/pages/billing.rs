//! Billing: the plan, usage against its limits and the subscription (upgrade through Stripe
//! Checkout, manage through the Billing Portal); online payment settings (connect the company's
//! own Stripe account); the notice above every page (trial, past due, read-only); and the page
//! a customer returns to after paying.

use super::access::RequirePermission;
use crate::api::{self, ApiError};
use crate::components::{Button, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::session::use_session;
use domain::access::Permission;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Sends the browser to a Stripe-hosted page.
pub fn go_to(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(url);
    }
}

fn day(iso: &str) -> String {
    iso.get(..10).unwrap_or(iso).to_owned()
}

fn limit_label(limit: &api::subscription_status::Limit) -> Msg {
    use api::subscription_status::Limit;
    match limit {
        Limit::USERS => Msg::LimitUsers,
        Limit::CUSTOMERS => Msg::LimitCustomers,
        Limit::INVOICES_PER_MONTH => Msg::LimitInvoicesPerMonth,
        _ => Msg::LimitApiKeys,
    }
}

/// A plan's name as people read it: the product's names in English, their Chinese names.
fn plan_label(locale: domain::Locale, code: &'static str) -> &'static str {
    match (locale, code) {
        (domain::Locale::ZhCn, "FREE") => "免费版",
        (domain::Locale::ZhCn, "GROWTH") => "成长版",
        (domain::Locale::ZhCn, "SCALE") => "规模版",
        _ => code,
    }
}

/// A plan's code, as test ids and comparisons use it.
fn plan_name(plan: &api::subscription_status::Plan) -> &'static str {
    use api::subscription_status::Plan;
    match plan {
        Plan::FREE => "FREE",
        Plan::GROWTH => "GROWTH",
        Plan::SCALE => "SCALE",
        _ => "?",
    }
}

#[component]
pub fn BillingPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ManageBilling>
            <Billing/>
        </RequirePermission>
    }
}

#[component]
fn Billing() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let query = use_query_map();
    let data = LocalResource::new(|| {
        api::run::<api::SubscriptionStatus>(api::subscription_status::Variables {})
    });
    let busy = RwSignal::new(None::<String>);
    let report = move |error: ApiError| toasts.api_error(locale.get_untracked(), error);
    let checkout = move |plan: api::start_checkout::Plan, name: String| {
        busy.set(Some(name));
        leptos::task::spawn_local(async move {
            let result = api::run::<api::StartCheckout>(api::start_checkout::Variables {
                input: api::start_checkout::StartCheckoutInput { plan },
            })
            .await;
            busy.set(None);
            match result {
                Ok(data) => go_to(&data.start_checkout.url),
                Err(error) => report(error),
            }
        });
    };
    let portal = move |_| {
        busy.set(Some("portal".to_owned()));
        leptos::task::spawn_local(async move {
            let result = api::run::<api::BillingPortal>(api::billing_portal::Variables {}).await;
            busy.set(None);
            match result {
                Ok(data) => go_to(&data.billing_portal.url),
                Err(error) => report(error),
            }
        });
    };
    let returned = move || query.with(|q| q.get("checkout").as_deref() == Some("success"));

    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::BillingTitle)}</h1>
                <p class="lead">{move || text(Msg::BillingLead)}</p>
            </header>
            <Show when=returned>
                <p class="notice" role="status">{move || text(Msg::CheckoutReturned)}</p>
            </Show>
            {move || data.get().map(|result| match result {
                Err(error) => {
                    report(error);
                    ().into_any()
                }
                Ok(data) => {
                    let sub = data.subscription;
                    let status = match sub.status {
                        api::subscription_status::SubscriptionStatus::TRIALING => Msg::SubscriptionTrialing,
                        api::subscription_status::SubscriptionStatus::ACTIVE => Msg::SubscriptionActive,
                        api::subscription_status::SubscriptionStatus::PAST_DUE => Msg::SubscriptionPastDue,
                        _ => Msg::SubscriptionCanceled,
                    };
                    let current = plan_name(&sub.plan);
                    let configured = sub.billing_configured;
                    let has_account = sub.has_billing_account;
                    // With a live subscription, plans change in the portal; otherwise (trial,
                    // canceled, read-only) any plan can be bought, the current one included.
                    let subscribed = sub.subscribed;
                    let trial = sub.trial_ends_at.clone().map(|at| day(&at));
                    let period = sub.current_period_end.clone().map(|at| day(&at));
                    view! {
                        <div class="panel" data-testid="billing-summary">
                            <dl class="facts">
                                <dt>{move || text(Msg::PlanInForce)}</dt>
                                <dd data-testid="plan-in-force">{move || plan_label(locale.get(), current)}</dd>
                                <dt>{move || text(Msg::SubscriptionStatusLabel)}</dt>
                                <dd data-testid="subscription-status">{move || text(status)}</dd>
                                {trial.map(|at| view! { <dt>{move || text(Msg::TrialEnds)}</dt><dd>{at}</dd> })}
                                {period.map(|at| view! { <dt>{move || text(Msg::RenewsOn)}</dt><dd>{at}</dd> })}
                            </dl>
                            <Show when=move || configured && has_account>
                                <button type="button" class="button button-secondary" data-testid="manage-billing"
                                    disabled=move || busy.get().is_some() on:click=portal>
                                    {move || text(Msg::ManageSubscription)}
                                </button>
                            </Show>
                            <Show when=move || !configured>
                                <p class="muted" data-testid="billing-not-configured">{move || text(Msg::BillingNotConfigured)}</p>
                            </Show>
                        </div>
                        <h2>{move || text(Msg::UsageTitle)}</h2>
                        <table class="data-table" data-testid="usage">
                            <caption class="visually-hidden">{move || text(Msg::UsageTitle)}</caption>
                            <tbody>
                                {sub.usage.into_iter().map(|row| {
                                    let label = limit_label(&row.limit);
                                    let allowed = row.allowed;
                                    let share = allowed.filter(|a| *a > 0).map(|a| (row.used * 100 / a).min(100)).unwrap_or(0);
                                    view! {
                                        <tr>
                                            <th scope="row">{move || text(label)}</th>
                                            <td>
                                                {row.used}" / "
                                                {move || allowed.map(|a| a.to_string()).unwrap_or_else(|| text(Msg::Unlimited).to_owned())}
                                            </td>
                                            <td class="usage-bar-cell">
                                                <span class="usage-bar" role="presentation">
                                                    <span class="usage-bar-fill" style:width=format!("{share}%")></span>
                                                </span>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <h2>{move || text(Msg::PlansTitle)}</h2>
                        <div class="plan-grid">
                            {data.plans.into_iter().map(|offer| {
                                let name = plan_name(&offer.plan);
                                let is_current = name == current;
                                let purchasable = offer.purchasable && !subscribed;
                                let plan = match offer.plan {
                                    api::subscription_status::Plan::SCALE => api::start_checkout::Plan::SCALE,
                                    _ => api::start_checkout::Plan::GROWTH,
                                };
                                let plan = StoredValue::new(plan);
                                view! {
                                    <article class="panel plan-card" data-testid=format!("plan-{name}")>
                                        <h3>{move || plan_label(locale.get(), name)}</h3>
                                        <p class="plan-price">{offer.monthly_price_usd.clone()}" "{move || text(Msg::PerMonthUsd)}</p>
                                        <ul>
                                            {offer.limits.into_iter().map(|limit| {
                                                let label = limit_label(&limit.limit);
                                                let allowed = limit.allowed;
                                                view! {
                                                    <li>{move || text(label)}": "
                                                        {move || allowed.map(|a| a.to_string()).unwrap_or_else(|| text(Msg::Unlimited).to_owned())}
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                        <Show when=move || is_current>
                                            <span class="badge">{move || text(Msg::CurrentPlanBadge)}</span>
                                        </Show>
                                        <Show when=move || purchasable>
                                            <button type="button" class="button" data-testid=format!("upgrade-{name}")
                                                disabled=move || busy.get().is_some()
                                                on:click=move |_| checkout(plan.get_value(), name.to_owned())>
                                                {move || text(Msg::ChoosePlan)}
                                            </button>
                                        </Show>
                                    </article>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any()
                }
            })}
        </section>
    }
}

/// The notice above every page: trial days left, a failed payment, a canceled subscription, or
/// read-only. Billing managers get a link to the billing page.
#[component]
pub fn SubscriptionNotice() -> impl IntoView {
    let text = use_text();
    let session = use_session();
    let tenant = Memo::new(move |_| {
        session
            .current
            .with(|current| current.as_ref().map(|current| current.tenant_id.clone()))
    });
    let notice = LocalResource::new(move || {
        let tenant = tenant.get();
        async move {
            tenant?;
            api::run::<api::SubscriptionBanner>(api::subscription_banner::Variables {})
                .await
                .ok()
                .map(|data| data.subscription)
        }
    });
    let may_manage = move || {
        session
            .current
            .get()
            .is_some_and(|current| current.can(Permission::ManageBilling))
    };
    move || {
        let Some(Some(sub)) = notice.get() else {
            return ().into_any();
        };
        use api::subscription_banner::BannerKind;
        let Some(kind) = sub.banner else {
            return ().into_any();
        };
        let (message, tone) = match kind {
            BannerKind::TRIAL => (Msg::BannerTrial, "info"),
            BannerKind::TRIAL_ENDED => (Msg::BannerTrialEnded, "info"),
            BannerKind::PAST_DUE => (Msg::BannerPastDue, "warning"),
            BannerKind::CANCELED => (Msg::BannerCanceled, "warning"),
            _ => (Msg::BannerReadOnly, "danger"),
        };
        let until = sub.banner_until.map(|at| day(&at));
        view! {
            <div class=format!("subscription-notice notice-{tone}") role="status" data-testid="subscription-notice">
                <span>{move || text(message)}" "{until}</span>
                <Show when=may_manage>
                    <A href="/billing" attr:class="notice-link">{move || text(Msg::GoToBilling)}</A>
                </Show>
            </div>
        }
        .into_any()
    }
}

#[component]
pub fn PaymentSettingsPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ManageSettings>
            <PaymentSettings/>
        </RequirePermission>
    }
}

#[component]
fn PaymentSettings() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        reload.get();
        api::run::<api::PaymentSettingsView>(api::payment_settings_view::Variables {})
    });
    let secret_key = RwSignal::new(String::new());
    let webhook_secret = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let field_errors = RwSignal::new(Vec::<(String, String)>::new());
    let error_for = move |field: &'static str, empty: Msg| {
        Signal::derive(move || {
            if let Some((_, message)) = field_errors.get().into_iter().find(|(f, _)| f == field) {
                return Some(message);
            }
            let value = if field == "input.secretKey" {
                secret_key.get()
            } else {
                webhook_secret.get()
            };
            (submitted.get() && value.trim().is_empty()).then(|| text(empty).to_owned())
        })
    };
    let key_error = error_for("input.secretKey", Msg::SecretKeyLabel);
    let secret_error = error_for("input.webhookSecret", Msg::WebhookSecretLabel);
    let on_connect = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        field_errors.set(Vec::new());
        if secret_key.get_untracked().trim().is_empty()
            || webhook_secret.get_untracked().trim().is_empty()
        {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result =
                api::run::<api::ConnectStripeAccount>(api::connect_stripe_account::Variables {
                    input: api::connect_stripe_account::ConnectStripeAccountInput {
                        secret_key: secret_key.get_untracked(),
                        webhook_secret: webhook_secret.get_untracked(),
                    },
                })
                .await;
            busy.set(false);
            match result {
                Ok(_) => {
                    secret_key.set(String::new());
                    webhook_secret.set(String::new());
                    submitted.set(false);
                    toasts.push(ToastKind::Success, text(Msg::StripeConnectedToast));
                    reload.update(|n| *n += 1);
                }
                Err(failure @ ApiError::Api { field: Some(_), .. }) => {
                    let field = failure.field().unwrap_or_default().to_owned();
                    field_errors.set(vec![(field, failure.text(locale.get_untracked()))]);
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let disconnect = move |_| {
        leptos::task::spawn_local(async move {
            match api::run::<api::DisconnectStripeAccount>(
                api::disconnect_stripe_account::Variables {},
            )
            .await
            {
                Ok(_) => toasts.push(ToastKind::Success, text(Msg::StripeDisconnectedToast)),
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
            reload.update(|n| *n += 1);
        });
    };
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::PaymentSettingsTitle)}</h1>
                <p class="lead">{move || text(Msg::PaymentSettingsLead)}</p>
            </header>
            {move || data.get().map(|result| match result {
                Err(error) => {
                    toasts.api_error(locale.get_untracked(), error);
                    ().into_any()
                }
                Ok(data) => {
                    let settings = data.payment_settings;
                    let connected = settings.stripe_connected;
                    let can_connect = settings.can_connect;
                    let mode = if settings.livemode == Some(true) { Msg::LiveMode } else { Msg::TestMode };
                    let last4 = settings.key_last4.clone().unwrap_or_default();
                    let since = settings.connected_at.clone().map(|at| day(&at)).unwrap_or_default();
                    let by = settings.connected_by.clone().unwrap_or_default();
                    view! {
                        <div class="panel" data-testid="stripe-status">
                            <Show when=move || connected fallback=move || view! {
                                <p data-testid="stripe-not-connected">{move || text(Msg::StripeNotConnected)}</p>
                            }>
                                <p data-testid="stripe-connected">
                                    {move || text(Msg::StripeConnectedAs)}" "<code>{last4.clone()}</code>
                                    " · "{move || text(mode)}" · "{since.clone()}" · "{by.clone()}
                                </p>
                                <button type="button" class="button button-secondary" data-testid="disconnect-stripe" on:click=disconnect>
                                    {move || text(Msg::DisconnectStripe)}
                                </button>
                            </Show>
                            <p>{move || text(Msg::WebhookUrlLabel)}": "<code data-testid="webhook-url">{settings.webhook_url.clone()}</code></p>
                            <Show when=move || !can_connect>
                                <p class="field-error">{move || text(Msg::CannotConnect)}</p>
                            </Show>
                        </div>
                    }.into_any()
                }
            })}
            <form class="panel" novalidate on:submit=on_connect data-testid="connect-stripe-form">
                <TextField name="stripe-secret-key" label=Signal::derive(move || text(Msg::SecretKeyLabel))
                    value=secret_key error=key_error input_type="password" autocomplete="off"/>
                <TextField name="stripe-webhook-secret" label=Signal::derive(move || text(Msg::WebhookSecretLabel))
                    value=webhook_secret error=secret_error input_type="password" autocomplete="off"/>
                <Button r#type="submit" busy=busy test_id="connect-stripe">{move || text(Msg::ConnectStripe)}</Button>
            </form>
        </section>
    }
}

/// Where a customer lands after Stripe Checkout.
#[component]
pub fn PaymentCompletePage() -> impl IntoView {
    let text = use_text();
    let query = use_query_map();
    let paid = move || query.with(|q| q.get("status").as_deref() != Some("canceled"));
    view! {
        <section class="page narrow">
            <h1>{move || text(Msg::PaymentCompleteTitle)}</h1>
            <p data-testid="payment-complete">
                {move || if paid() { text(Msg::PaymentCompleteBody) } else { text(Msg::PaymentCanceledBody) }}
            </p>
        </section>
    }
}
