//! The dashboard's choice of period, currency, segment and collector, and the dates they make:
//! the chosen period, the one of equal length right before it, and the months its trend covers.

use super::today;
use crate::api::{self, AssignableMembers, KpiFilterOptions};
use crate::components::{SelectField, TextField};
use crate::i18n::{Msg, use_locale, use_text};
use crate::session::use_session;
use chrono::{Datelike, Months, NaiveDate};
use domain::access::Permission;
use domain::display;
use domain::kpi::{DashboardPeriods, quarter_start};
use leptos::prelude::*;

/// The currencies offered beside the company's own.
const OTHER_CURRENCIES: [&str; 4] = ["CNY", "USD", "EUR", "HKD"];

/// The longest period the server reports on.
const LONGEST_PERIOD_MONTHS: u32 = 24;

/// The period shown, the one before it and the trend's start (the domain's rule, which the
/// benchmarks load the page with too).
pub(super) type Periods = DashboardPeriods;

/// The dates of a period kind (`MONTH`, `QUARTER`, `YEAR`: each up to `today`; `CUSTOM`: the
/// two dates typed), or why the typed ones make no period.
fn periods(kind: &str, today: NaiveDate, first: &str, last: &str) -> Result<Periods, Msg> {
    let start = match kind {
        "MONTH" => today.with_day(1),
        "YEAR" => NaiveDate::from_ymd_opt(today.year(), 1, 1),
        "CUSTOM" => {
            let parse = |typed: &str| NaiveDate::parse_from_str(typed.trim(), "%Y-%m-%d").ok();
            let (Some(from), Some(to)) = (parse(first), parse(last)) else {
                return Err(Msg::KpiPeriodMissing);
            };
            if from > to {
                return Err(Msg::KpiPeriodReversed);
            }
            let longest = from.checked_add_months(Months::new(LONGEST_PERIOD_MONTHS));
            if longest.is_none_or(|longest| to >= longest) {
                return Err(Msg::KpiPeriodTooLong);
            }
            return Ok(Periods::new(from, to));
        }
        _ => Some(quarter_start(today)),
    };
    Ok(Periods::new(start.unwrap_or(today), today))
}

/// What the dashboard asks for: the periods and the filters (`None`: all of them, or the
/// company's currency).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KpiQuery {
    pub periods: Periods,
    pub currency: Option<String>,
    pub segment: Option<String>,
    pub collector_id: Option<String>,
}

/// The pickers' values; an empty string is "all" (or the company's currency).
#[derive(Clone, Copy)]
pub(super) struct KpiFilters {
    pub period: RwSignal<String>,
    pub custom_from: RwSignal<String>,
    pub custom_to: RwSignal<String>,
    pub currency: RwSignal<String>,
    pub segment: RwSignal<String>,
    pub collector: RwSignal<String>,
}

impl KpiFilters {
    /// The current quarter to date, in the company's currency, for everyone; the custom dates
    /// start as that quarter.
    pub fn for_today() -> Self {
        let now = today();
        let quarter = periods("QUARTER", now, "", "").map_or(now, |p| p.from);
        KpiFilters {
            period: RwSignal::new("QUARTER".to_owned()),
            custom_from: RwSignal::new(quarter.to_string()),
            custom_to: RwSignal::new(now.to_string()),
            currency: RwSignal::new(String::new()),
            segment: RwSignal::new(String::new()),
            collector: RwSignal::new(String::new()),
        }
    }

    /// What to ask for, or why the chosen dates make no period; it changes only when the
    /// answer does, so the figures reload once per real change.
    pub fn query(self) -> Memo<Result<KpiQuery, Msg>> {
        let today = today();
        Memo::new(move |_| {
            let periods = periods(
                &self.period.get(),
                today,
                &self.custom_from.get(),
                &self.custom_to.get(),
            )?;
            let chosen = |value: RwSignal<String>| Some(value.get()).filter(|v| !v.is_empty());
            Ok(KpiQuery {
                periods,
                currency: chosen(self.currency),
                segment: chosen(self.segment),
                collector_id: chosen(self.collector),
            })
        })
    }

    /// Whether the figures are narrowed to a segment or a collector.
    pub fn narrowed(self) -> bool {
        !self.segment.get().is_empty() || !self.collector.get().is_empty()
    }
}

/// The pickers above the figures, the dates they make, and what a collector's figures mean.
#[component]
pub(super) fn KpiFilterBar(
    filters: KpiFilters,
    query: Memo<Result<KpiQuery, Msg>>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let session = use_session();
    let choices = LocalResource::new(|| async {
        api::run::<KpiFilterOptions>(api::kpi_filter_options::Variables {})
            .await
            .ok()
    });
    // The team is listed only to those who manage customers or see the team: for anyone else
    // the collector picker is left out.
    let lists_team = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageCustomers) || s.can(Permission::ViewTeam))
    };
    let collectors = LocalResource::new(move || {
        let allowed = lists_team();
        async move {
            if !allowed {
                return None;
            }
            api::run::<AssignableMembers>(api::assignable_members::Variables {})
                .await
                .ok()
                .map(|data| {
                    data.assignable_members
                        .into_iter()
                        .filter(|member| member.may_collect)
                        .map(|member| (member.id, member.name))
                        .collect::<Vec<_>>()
                })
        }
    });
    let period_options = Signal::derive(move || {
        [
            ("MONTH", Msg::KpiMonthToDate),
            ("QUARTER", Msg::KpiQuarterToDate),
            ("YEAR", Msg::KpiYearToDate),
            ("CUSTOM", Msg::KpiCustomPeriod),
        ]
        .into_iter()
        .map(|(kind, msg)| (kind.to_owned(), text(msg).to_owned()))
        .collect::<Vec<_>>()
    });
    let currency_options = Signal::derive(move || {
        let base = choices
            .get()
            .flatten()
            .map(|found| found.company_settings.company.base_currency);
        let base_label = base
            .clone()
            .unwrap_or_else(|| text(Msg::KpiCompanyCurrency).to_owned());
        let mut options = vec![(String::new(), base_label)];
        options.extend(
            OTHER_CURRENCIES
                .iter()
                .filter(|code| base.as_deref() != Some(**code))
                .map(|code| ((*code).to_owned(), (*code).to_owned())),
        );
        options
    });
    // Every segment the company's customers are in, as written on them.
    let segment_options = Signal::derive(move || {
        let mut options = vec![(String::new(), text(Msg::KpiAllSegments).to_owned())];
        if let Some(found) = choices.get().flatten() {
            options.extend(
                found
                    .customer_segments
                    .into_iter()
                    .map(|segment| (segment.clone(), segment)),
            );
        }
        options
    });
    let collector_options = Signal::derive(move || {
        let mut options = vec![(String::new(), text(Msg::KpiAllCollectors).to_owned())];
        options.extend(collectors.get().flatten().unwrap_or_default());
        options
    });
    // The dates the figures are for, or why the typed ones make no period.
    let dates = move || {
        let l = locale.get();
        let day = move |date: NaiveDate| display::date(l, &date.to_string());
        query.get().map(|chosen| {
            let p = chosen.periods;
            text(Msg::KpiPeriodRange)
                .replace("{from}", &day(p.from))
                .replace("{to}", &day(p.to))
                .replace("{pfrom}", &day(p.previous_from))
                .replace("{pto}", &day(p.previous_to))
        })
    };
    view! {
        <div class="toolbar kpi-filters no-print" data-testid="kpi-filters">
            <SelectField name="kpi-period" label=Signal::derive(move || text(Msg::KpiPeriod)) value=filters.period options=period_options/>
            <Show when=move || filters.period.get() == "CUSTOM">
                <TextField name="kpi-from" label=Signal::derive(move || text(Msg::From)) value=filters.custom_from input_type="date"/>
                <TextField name="kpi-to" label=Signal::derive(move || text(Msg::To)) value=filters.custom_to input_type="date"/>
            </Show>
            <SelectField name="kpi-currency" label=Signal::derive(move || text(Msg::Currency)) value=filters.currency options=currency_options/>
            <SelectField name="kpi-segment" label=Signal::derive(move || text(Msg::CustomerSegmentLabel)) value=filters.segment options=segment_options/>
            <Show when=move || collectors.get().flatten().is_some()>
                <SelectField name="kpi-collector" label=Signal::derive(move || text(Msg::CollectorLabel)) value=filters.collector options=collector_options/>
            </Show>
        </div>
        {move || match dates() {
            Ok(line) => view! { <p class="muted kpi-period" data-testid="kpi-period">{line}</p> }.into_any(),
            Err(problem) => view! { <p class="form-error kpi-period" role="alert" data-testid="kpi-period-problem">{text(problem)}</p> }.into_any(),
        }}
        <Show when=move || !filters.collector.get().is_empty()>
            <p class="notice kpi-collector-hint" role="note" data-testid="kpi-collector-hint">{move || text(Msg::KpiCollectorNow)}</p>
        </Show>
    }
}
