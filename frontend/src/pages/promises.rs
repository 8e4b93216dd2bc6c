//! Every promise to pay in the company (a collector sees their customers'), by status, with
//! the kept rate of those that fell due. An open promise can be cancelled from its row.

use super::access::RequirePermission;
use super::activity_edit::CancelPromiseButton;
use super::customers::show;
use crate::api::{self, PromisesList};
use crate::components::{SelectField, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use domain::access::Permission;
use domain::display;
use leptos::prelude::*;

#[component]
pub fn PromisesPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::WorkCollections>
            <PromisesView/>
        </RequirePermission>
    }
}

#[component]
fn PromisesView() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let status = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let reloaded = Callback::new(move |_| reload.update(|n| *n += 1));
    let data = LocalResource::new(move || {
        reload.track();
        let chosen = status.get();
        async move {
            let status = api::chosen::<api::promises_list::PromiseStatus>(&chosen).map(|s| vec![s]);
            api::run::<PromisesList>(api::promises_list::Variables { status }).await
        }
    });
    let options = Signal::derive(move || {
        [
            ("", Msg::AllStatuses),
            ("OPEN", Msg::PromiseStatusOpen),
            ("KEPT", Msg::PromiseStatusKept),
            ("PARTIALLY_KEPT", Msg::PromiseStatusPartiallyKept),
            ("BROKEN", Msg::PromiseStatusBroken),
            ("CANCELLED", Msg::PromiseStatusCancelled),
        ]
        .into_iter()
        .map(|(value, msg)| (value.to_owned(), text(msg).to_owned()))
        .collect::<Vec<_>>()
    });
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::Promises)}</h1>
            </header>
            <div class="toolbar">
                <SelectField name="promise-status" label=Signal::derive(move || text(Msg::Status)) value=status options=options/>
            </div>
            {move || match data.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(Err(error)) => { toasts.api_error(locale.get_untracked(), error); ().into_any() }
                Some(Ok(d)) => {
                    let l = locale.get_untracked();
                    let rows: Vec<_> = d.promises_to_pay.edges.into_iter().map(|e| e.node).collect();
                    let count = |wanted: &str| rows.iter().filter(|p| format!("{:?}", p.status) == wanted).count() as u64;
                    let rate = domain::collections::kept_rate(count("KEPT"), count("PARTIALLY_KEPT"), count("BROKEN"));
                    view! {
                        <p class="lead" data-testid="kept-rate">
                            {move || text(Msg::KpiPromiseKept)}": "{rate.map(|r| format!("{r}%")).unwrap_or_else(|| "—".into())}
                            " · "{d.promises_to_pay.total_count}
                        </p>
                        <table class="data-table" data-testid="promises-table">
                            <thead><tr>
                                <th scope="col">{move || text(Msg::Customer)}</th>
                                <th scope="col">{move || text(Msg::PromiseDate)}</th>
                                <th scope="col">{move || text(Msg::PromiseAmount)}</th>
                                <th scope="col">{move || text(Msg::AmountPaid)}</th>
                                <th scope="col">{move || text(Msg::Status)}</th>
                                <th scope="col">{move || text(Msg::ContactName)}</th>
                                <th scope="col">{move || text(Msg::Actions)}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|p| {
                                    let status = format!("{:?}", p.status);
                                    let cancel = (status == "OPEN").then(|| view! {
                                        <CancelPromiseButton promise_id=p.id.clone() on_done=reloaded/>
                                    });
                                    view! {
                                        <tr data-testid="promise-line">
                                            <td><a href=format!("/customers/{}", p.customer.id)>{p.customer.name.clone()}</a></td>
                                            <td>{display::date(l, &p.promised_date)}</td>
                                            <td class="num">{show(l, &p.amount.amount, &p.amount.currency)}</td>
                                            <td class="num">{show(l, &p.paid_amount.amount, &p.paid_amount.currency)}</td>
                                            <td><span class=format!("badge promise-{}", status.to_lowercase())>{text(super::collections::status_msg(&status))}</span></td>
                                            <td>{p.promised_by.clone().unwrap_or_default()}</td>
                                            <td>{cancel}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            }}
        </section>
    }
}
