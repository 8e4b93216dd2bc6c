//! Collector performance: the ranking against target with incentives, and setting targets and incentive rules.

use super::{percent, plain, today};
use crate::api::{self, SaveIncentiveRule, SetCollectorTarget, StaffPerformanceQuery};
use crate::components::{SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::pages::access::RequirePermission;
use crate::pages::customers::show;
use crate::session::use_session;
use chrono::Datelike;
use domain::access::Permission;
use leptos::prelude::*;

/// The kinds of incentive rule, as the API names them, with their texts.
const RULE_KINDS: [(&str, Msg); 3] = [
    ("PERCENT_ABOVE_TARGET", Msg::RulePercentAboveTarget),
    ("PERCENT_OF_COLLECTED", Msg::RulePercentOfCollected),
    ("PER_KEPT_PROMISE", Msg::RulePerKeptPromise),
];

fn rule_kind_msg(kind: &str) -> Msg {
    RULE_KINDS
        .iter()
        .find(|(name, _)| *name == kind)
        .map_or(Msg::RulePercentAboveTarget, |(_, msg)| *msg)
}

#[component]
pub fn PerformancePage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::WorkCollections>
            <PerformanceView/>
        </RequirePermission>
    }
}

#[component]
fn PerformanceView() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let now = today();
    let from = RwSignal::new(now.with_day0(0).unwrap_or(now).to_string());
    let to = RwSignal::new(now.to_string());
    let shown = RwSignal::new((from.get_untracked(), to.get_untracked()));
    let reload = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        reload.track();
        let (from, to) = shown.get();
        async move {
            api::run::<StaffPerformanceQuery>(api::staff_performance_query::Variables { from, to })
                .await
        }
    });
    let manages = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageDunning))
    };
    // The target form.
    let target_user = RwSignal::new(String::new());
    let target_amount = RwSignal::new(String::new());
    let save_target = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let currency = data
            .get_untracked()
            .and_then(Result::ok)
            .map(|d| d.staff_performance.currency)
            .unwrap_or_else(|| "CNY".into());
        let input = api::set_collector_target::SetCollectorTargetInput {
            user_id: target_user.get_untracked(),
            month: now.to_string(),
            amount: target_amount.get_untracked(),
            currency,
        };
        leptos::task::spawn_local(async move {
            match api::run::<SetCollectorTarget>(api::set_collector_target::Variables { input })
                .await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::TargetSaved));
                    reload.update(|n| *n += 1);
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    // The incentive rule form.
    let rule_name = RwSignal::new(String::new());
    let rule_kind = RwSignal::new("PERCENT_ABOVE_TARGET".to_owned());
    let rule_rate = RwSignal::new(String::new());
    let save_rule = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let currency = data
            .get_untracked()
            .and_then(Result::ok)
            .map(|d| d.staff_performance.currency)
            .unwrap_or_else(|| "CNY".into());
        let kind = rule_kind.get_untracked();
        let per_promise = kind == "PER_KEPT_PROMISE";
        let input = api::save_incentive_rule::SaveIncentiveRuleInput {
            rule_id: None,
            name: rule_name.get_untracked(),
            kind: api::from_domain::<String, _>(&kind)
                .unwrap_or(api::save_incentive_rule::IncentiveKind::PERCENT_OF_COLLECTED),
            rate: (!per_promise).then(|| rule_rate.get_untracked()),
            amount: per_promise.then(|| rule_rate.get_untracked()),
            currency,
            active: None,
        };
        leptos::task::spawn_local(async move {
            match api::run::<SaveIncentiveRule>(api::save_incentive_rule::Variables { input }).await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::RuleSaved));
                    rule_name.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let collector_options = Signal::derive(move || {
        data.get()
            .and_then(Result::ok)
            .map(|d| {
                d.staff_performance
                    .collectors
                    .iter()
                    .map(|c| (c.user_id.clone(), c.name.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let kind_options = Signal::derive(move || {
        RULE_KINDS
            .iter()
            .map(|(kind, msg)| ((*kind).to_owned(), text(*msg).to_owned()))
            .collect::<Vec<_>>()
    });
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::PerformanceTitle)}</h1>
                <p class="lead">{move || text(Msg::PerformanceLead)}</p>
            </header>
            <form class="toolbar" on:submit=move |event| { event.prevent_default(); shown.set((from.get_untracked(), to.get_untracked())); }>
                <TextField name="perf-from" label=Signal::derive(move || text(Msg::From)) value=from input_type="date"/>
                <TextField name="perf-to" label=Signal::derive(move || text(Msg::To)) value=to input_type="date"/>
                <button type="submit" class="button button-secondary">{move || text(Msg::Show)}</button>
            </form>
            {move || match data.get() {
                None => view! { <p>{move || text(Msg::Loading)}</p> }.into_any(),
                Some(Err(error)) => { toasts.api_error(locale.get_untracked(), error); ().into_any() }
                Some(Ok(d)) => {
                    let l = locale.get_untracked();
                    view! {
                        <table class="data-table" data-testid="leaderboard">
                            <thead><tr>
                                <th scope="col">{move || text(Msg::Rank)}</th>
                                <th scope="col">{move || text(Msg::CollectorLabel)}</th>
                                <th scope="col">{move || text(Msg::KpiCollected)}</th>
                                <th scope="col">{move || text(Msg::Target)}</th>
                                <th scope="col">{move || text(Msg::Attainment)}</th>
                                <th scope="col">{move || text(Msg::Activities)}</th>
                                <th scope="col">{move || text(Msg::PromisesObtained)}</th>
                                <th scope="col">{move || text(Msg::KpiPromiseKept)}</th>
                                <th scope="col">{move || text(Msg::DaysToCollect)}</th>
                                <th scope="col">{move || text(Msg::PortfolioCei)}</th>
                                <th scope="col">{move || text(Msg::PortfolioOverdue)}</th>
                                <th scope="col">{move || text(Msg::Incentive)}</th>
                            </tr></thead>
                            <tbody>
                                {d.staff_performance.collectors.into_iter().map(|c| {
                                    let channels = c.activities_by_channel.iter().map(|ch| format!("{} {}", ch.channel, ch.count)).collect::<Vec<_>>().join(", ");
                                    view! {
                                    <tr data-testid="leaderboard-row">
                                        <td class="num">{c.rank}</td>
                                        <td>{c.name.clone()}</td>
                                        <td class="num">{show(l, &c.collected.amount, &c.collected.currency)}</td>
                                        <td class="num">{c.target.as_ref().map(|t| show(l, &t.amount, &t.currency)).unwrap_or_else(|| "—".into())}</td>
                                        <td class="num">{percent(&c.attainment)}</td>
                                        <td class="num">{c.activities}<br/><span class="muted small" data-testid="activity-channels">{channels}</span></td>
                                        <td class="num">{c.promises_obtained}</td>
                                        <td class="num">{percent(&c.promise_kept_rate)}</td>
                                        <td class="num">{plain(&c.average_days_to_collect)}</td>
                                        <td class="num">{c.portfolio_cei.clone().map(|v| format!("{v}%")).unwrap_or_else(|| "—".into())}</td>
                                        <td class="num">{show(l, &c.portfolio_overdue_start.amount, &c.portfolio_overdue_start.currency)}" → "{show(l, &c.portfolio_overdue_end.amount, &c.portfolio_overdue_end.currency)}</td>
                                        <td class="num">{show(l, &c.incentive.amount, &c.incentive.currency)}</td>
                                    </tr>
                                }}).collect_view()}
                            </tbody>
                        </table>
                        <div class="panel">
                            <h2>{move || text(Msg::IncentiveRules)}</h2>
                            <ul class="plain-list">
                                {d.incentive_rules.into_iter().map(|r| view! {
                                    <li>{r.name.clone()}" · "{text(rule_kind_msg(&crate::components::enum_name(&r.kind)))}" · "{r.rate.clone().map(|rate| format!("{rate}%")).or_else(|| r.amount.as_ref().map(|a| show(l, &a.amount, &a.currency))).unwrap_or_default()}</li>
                                }).collect_view()}
                            </ul>
                        </div>
                    }.into_any()
                }
            }}
            <Show when=manages>
                <form class="panel form-grid" on:submit=save_target data-testid="target-form">
                    <h2>{move || text(Msg::SetTarget)}</h2>
                    <SelectField name="target-user" label=Signal::derive(move || text(Msg::CollectorLabel)) value=target_user options=collector_options/>
                    <TextField name="target-amount" label=Signal::derive(move || text(Msg::Target)) value=target_amount/>
                    <div class="form-actions"><button type="submit" class="button button-primary">{move || text(Msg::SetTarget)}</button></div>
                </form>
                <form class="panel form-grid" on:submit=save_rule data-testid="rule-form">
                    <h2>{move || text(Msg::IncentiveRules)}</h2>
                    <TextField name="rule-name" label=Signal::derive(move || text(Msg::Name)) value=rule_name/>
                    <SelectField name="rule-kind" label=Signal::derive(move || text(Msg::RuleKind)) value=rule_kind options=kind_options/>
                    <TextField name="rule-rate" label=Signal::derive(move || text(Msg::Rate)) value=rule_rate/>
                    <div class="form-actions"><button type="submit" class="button button-primary">{move || text(Msg::SaveRule)}</button></div>
                </form>
            </Show>
        </section>
    }
}
