//! The customer's credit panel: the rating, its factors, the recommendation and an override.

use crate::api::{self, CreditRatingQuery, OverrideCreditRating};
use crate::components::{Button, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use crate::pages::customers::show;
use crate::session::use_session;
use domain::access::Permission;
use domain::display;
use leptos::prelude::*;

/// The customer's credit rating with every factor's points and reason, the recommendation,
/// and (for those who set credit policy) an override with a reason.
#[component]
pub fn CreditPanel(customer_id: String) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let rating = LocalResource::new({
        let customer_id = customer_id.clone();
        move || {
            reload.track();
            let customer_id = customer_id.clone();
            async move {
                api::run::<CreditRatingQuery>(api::credit_rating_query::Variables { customer_id })
                    .await
                    .ok()
                    .and_then(|d| d.credit_rating.map(|r| (r, d.credit_rating_history)))
            }
        }
    });
    let grade = RwSignal::new("B".to_owned());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let may_override = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageCreditPolicy))
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        busy.set(true);
        error.set(None);
        let input = api::override_credit_rating::OverrideCreditRatingInput {
            customer_id: customer_id.clone(),
            grade: api::from_domain::<String, _>(&grade.get_untracked())
                .unwrap_or(api::override_credit_rating::RiskGrade::C),
            reason: reason.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::run::<OverrideCreditRating>(api::override_credit_rating::Variables { input })
                .await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::OverrideSaved));
                    reason.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    error.set(Some(failure.text(locale.get_untracked())));
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
            busy.set(false);
        });
    };
    let grade_options = Signal::derive(|| {
        ["A", "B", "C", "D", "E"]
            .iter()
            .map(|g| ((*g).to_owned(), (*g).to_owned()))
            .collect::<Vec<_>>()
    });
    view! {
        <div class="panel credit-panel" data-testid="credit-panel">
            <h2>{move || text(Msg::CreditRatingTitle)}</h2>
            {move || rating.get().flatten().map(|(r, history)| {
                let l = locale.get_untracked();
                let grade_text = format!("{:?}", r.grade);
                view! {
                    <div class="rating-head">
                        <span class=format!("grade grade-{}", grade_text.to_lowercase()) data-testid="credit-grade">{grade_text.clone()}</span>
                        <span>{move || text(Msg::Score)}": "<strong data-testid="credit-score">{r.score.clone()}</strong>" / 100"</span>
                        {r.override_reason.clone().map(|why| view! { <span class="badge">{move || text(Msg::Overridden)}": "{why.clone()}" ("{move || text(Msg::ComputedGrade)}" "{format!("{:?}", r.computed_grade)}")"</span> })}
                    </div>
                    <table class="data-table rating-factors">
                        <thead><tr><th scope="col">{move || text(Msg::Factor)}</th><th scope="col">{move || text(Msg::Points)}</th><th scope="col"></th></tr></thead>
                        <tbody>
                            {r.factors.iter().map(|f| {
                                let points: f64 = f.points.parse().unwrap_or(0.0);
                                let weight: f64 = f.weight.parse().unwrap_or(1.0);
                                view! {
                                    <tr data-testid="rating-factor">
                                        <td>{f.reason.clone()}</td>
                                        <td class="num">{format!("{} / {}", f.points, f.weight)}</td>
                                        <td class="factor-bar-cell" aria-hidden="true"><span class="factor-bar" style:width=format!("{:.0}%", 100.0 * points / weight.max(1.0))></span></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p>{move || text(Msg::RecommendedLimit)}": "{show(l, &r.recommended_credit_limit.amount, &r.recommended_credit_limit.currency)}" · "{move || text(Msg::RecommendedTerms)}": "{r.recommended_terms_days}</p>
                    <details data-testid="rating-history">
                        <summary>{move || text(Msg::RatingHistory)}" ("{history.len()}")"</summary>
                        <table class="data-table">
                            <thead><tr>
                                <th scope="col">{move || text(Msg::Date)}</th>
                                <th scope="col">{move || text(Msg::Grade)}</th>
                                <th scope="col">{move || text(Msg::ComputedGrade)}</th>
                                <th scope="col">{move || text(Msg::Score)}</th>
                                <th scope="col">{move || text(Msg::Overridden)}</th>
                            </tr></thead>
                            <tbody>
                                {history.iter().map(|h| view! {
                                    <tr data-testid="rating-history-row">
                                        <td>{display::date(l, &h.computed_on)}</td>
                                        <td>{format!("{:?}", h.grade)}</td>
                                        <td>{format!("{:?}", h.computed_grade)}</td>
                                        <td class="num">{h.score.clone()}</td>
                                        <td>{h.override_reason.clone().map(|why| format!("{why} ({})", h.overridden_by.clone().unwrap_or_default()))}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </details>
                }
            })}
            <Show when=may_override>
                <form class="form-grid" on:submit=save.clone() data-testid="override-rating">
                    <Show when=move || error.get().is_some()>
                        <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                    <SelectField name="override-grade" label=Signal::derive(move || text(Msg::OverrideGrade)) value=grade options=grade_options/>
                    <TextField name="override-reason" label=Signal::derive(move || text(Msg::Reason)) value=reason/>
                    <div class="form-actions">
                        <Button r#type="submit" busy=busy test_id="save-override">{move || text(Msg::OverrideGrade)}</Button>
                    </div>
                </form>
            </Show>
        </div>
    }
}
