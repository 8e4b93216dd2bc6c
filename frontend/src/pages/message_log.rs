//! The messages sent to customers by SMS and WeChat Work, newest first, 25 at a time: the whole
//! company's on the settings page, one customer's on its page. Collectors see their own
//! customers' only (the server filters).

use crate::api::{self, MessageDeliveries};
use crate::components::{SelectField, use_toasts};
use crate::i18n::{MessagingMsg as M, delivery_status_label, use_locale, use_text};
use domain::messaging::{MessageChannelKind, MessageDeliveryStatus};
use leptos::prelude::*;

type Delivery = api::message_deliveries::MessageDeliveriesMessageDeliveriesEdgesNode;

fn short_time(iso: &str) -> String {
    crate::calendar::company_time(iso)
}

#[component]
pub fn MessageLog(customer_id: Option<String>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let after = RwSignal::new(None::<String>);
    let channel = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let for_customer = customer_id.is_some();
    let log = LocalResource::new(move || {
        reload.get();
        let filter = api::message_deliveries::MessageDeliveriesFilter {
            customer_id: customer_id.clone(),
            channel: api::chosen(&channel.get()),
            status: api::chosen(&status.get()),
        };
        let after = after.get();
        api::run::<MessageDeliveries>(api::message_deliveries::Variables {
            first: Some(25),
            after,
            filter: Some(filter),
        })
    });
    Effect::new(move |_| {
        if let Some(Err(error)) = log.get() {
            toasts.api_error(locale.get_untracked(), error);
        }
    });
    let page = move || log.get().and_then(Result::ok);
    let rows = move || {
        page()
            .map(|data| {
                data.message_deliveries
                    .edges
                    .into_iter()
                    .map(|edge| edge.node)
                    .collect::<Vec<Delivery>>()
            })
            .unwrap_or_default()
    };
    let next = move || {
        page().and_then(|data| {
            let info = data.message_deliveries.page_info;
            info.has_next_page.then_some(info.end_cursor).flatten()
        })
    };
    let channels = Signal::derive(move || {
        let mut options = vec![(String::new(), text(M::AnyChannel).to_owned())];
        options.extend(MessageChannelKind::ALL.iter().map(|kind| {
            let label = match kind {
                MessageChannelKind::Sms => M::Sms,
                MessageChannelKind::Wecom => M::Wecom,
            };
            (kind.as_str().to_owned(), text(label).to_owned())
        }));
        options
    });
    let statuses = Signal::derive(move || {
        let mut options = vec![(String::new(), text(M::AnyStatus).to_owned())];
        options.extend(MessageDeliveryStatus::ALL.iter().map(|status| {
            (
                status.as_str().to_owned(),
                delivery_status_label(locale.get(), *status).to_owned(),
            )
        }));
        options
    });
    // A new filter starts from the newest.
    Effect::new(move |_| {
        channel.track();
        status.track();
        if after.get_untracked().is_some() {
            after.set(None);
        }
    });
    let title = if for_customer {
        M::CustomerMessages
    } else {
        M::Log
    };
    view! {
        <section class="panel message-log" aria-labelledby="message-log-title">
            <div class="panel-head">
                <h2 id="message-log-title">{move || text(title)}</h2>
                <button type="button" class="button button-secondary" data-testid="refresh-messages"
                    on:click=move |_| { after.set(None); reload.update(|n| *n += 1); }>
                    {move || text(M::Refresh)}
                </button>
            </div>
            <div class="toolbar">
                <SelectField name="message-channel" label=Signal::derive(move || text(M::Channel)) value=channel options=channels/>
                <SelectField name="message-status" label=Signal::derive(move || text(M::Status)) value=status options=statuses/>
            </div>
            <Show when=move || page().is_some() && rows().is_empty()>
                <p class="empty">{move || text(M::NoMessages)}</p>
            </Show>
            <Show when=move || !rows().is_empty()>
                <div class="table-wrap">
                    <table class="data-table" data-testid="message-log">
                        <thead><tr>
                            <th scope="col">{move || text(M::When)}</th>
                            {(!for_customer).then(|| view! { <th scope="col">{move || text(M::Customer)}</th> })}
                            <th scope="col">{move || text(M::Channel)}</th>
                            <th scope="col">{move || text(M::Recipient)}</th>
                            <th scope="col">{move || text(M::Content)}</th>
                            <th scope="col">{move || text(M::Status)}</th>
                        </tr></thead>
                        <tbody>
                            <For each=rows key=|d| (d.id.clone(), format!("{:?}", d.status), d.attempts) let:delivery>
                                <DeliveryRow delivery=delivery show_customer=!for_customer/>
                            </For>
                        </tbody>
                    </table>
                </div>
            </Show>
            <Show when=move || next().is_some()>
                <button type="button" class="button button-secondary" on:click=move |_| after.set(next())>
                    {move || text(M::More)}
                </button>
            </Show>
        </section>
    }
}

#[component]
fn DeliveryRow(delivery: Delivery, show_customer: bool) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let status = api::to_domain::<_, MessageDeliveryStatus>(&delivery.status)
        .unwrap_or(MessageDeliveryStatus::Scheduled);
    let class = match status {
        MessageDeliveryStatus::Delivered => "badge badge-success",
        MessageDeliveryStatus::Failed => "badge badge-danger",
        MessageDeliveryStatus::Sent => "badge badge-info",
        _ => "badge",
    };
    let channel = match api::to_domain::<_, MessageChannelKind>(&delivery.channel) {
        Some(MessageChannelKind::Wecom) => M::Wecom,
        _ => M::Sms,
    };
    let when = short_time(delivery.sent_at.as_deref().unwrap_or(&delivery.created_at));
    let scheduled =
        (status == MessageDeliveryStatus::Scheduled).then(|| short_time(&delivery.send_after));
    let problem = match (&delivery.error_code, &delivery.error_message) {
        (Some(code), Some(message)) => Some(format!("{code}: {message}")),
        (code, message) => code.clone().or(message.clone()),
    };
    let recipient = match &delivery.contact_name {
        Some(name) => format!("{name} · {}", delivery.recipient),
        None => delivery.recipient.clone(),
    };
    view! {
        <tr data-testid="message-delivery" data-status=status.as_str()>
            <td>{when}</td>
            {show_customer.then(|| view! {
                <td><a href=format!("/customers/{}", delivery.customer_id)>{delivery.customer_name.clone()}</a></td>
            })}
            <td>{move || text(channel)}</td>
            <td>{recipient}{delivery.sender.clone().map(|sender| view! { <br/><small class="muted">{sender}</small> })}</td>
            <td>
                <strong>{delivery.step_name.clone()}</strong>
                <br/><span class="message-content">{delivery.content.clone()}</span>
            </td>
            <td>
                <span class=class>{move || delivery_status_label(locale.get(), status)}</span>
                {scheduled.map(|at| view! { <br/><small class="muted">{move || text(M::SendAfter)}" "{at.clone()}</small> })}
                {problem.map(|problem| view! { <br/><small class="muted" title=move || text(M::Reason)><code>{problem}</code></small> })}
            </td>
        </tr>
    }
}
