//! Receivables KPIs as the field defines them, from aggregates the database computes.
//!
//! - DSO (simple) = ending AR / credit sales x days in the period.
//! - Count-back DSO: walk back month by month from the most recent, taking each month's credit
//!   sales off the ending AR while the AR covers them (a whole month of days each); the rest is
//!   the share of the next month's sales still unpaid, times its days.
//! - Best possible DSO = current (not yet due) AR / credit sales x days.
//! - Average days delinquent = DSO - best possible DSO.
//! - CEI = (beginning AR + credit sales / N - ending total AR)
//!   / (beginning AR + credit sales / N - ending current AR) x 100, N the months in the period.
//! - AR turnover = net credit sales / average AR; average collection period = days / turnover.
//! - Bad-debt ratio = write-offs / credit sales; over-90 share = AR over 90 days / total AR.
//! - Promise-kept rate = promises paid in full by their date / promises that fell due.
//!
//! A ratio whose denominator is zero or negative is `None`: "not meaningful for this period",
//! never 0, ∞ or a large figure that means nothing (a young ledger's CEI of 829.5%, two
//! negatives divided). [`notes`] says which figures are missing and why.

use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// One month of credit sales, for the count-back: its days and its sales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthSales {
    pub days: i64,
    pub sales: Decimal,
}

/// What the KPIs of a period are computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Days in the period.
    pub days: i64,
    /// Months in the period, exactly (`months_in_period`), for the CEI.
    pub months: Decimal,
    pub beginning_ar: Decimal,
    pub ending_ar: Decimal,
    /// Ending AR not yet due.
    pub ending_current_ar: Decimal,
    /// Ending AR more than 90 days past due.
    pub ending_over_90: Decimal,
    /// Credit sales (invoices issued) in the period, net of credit notes.
    pub credit_sales: Decimal,
    /// Credit sales per month, the most recent month first, for the count-back DSO.
    pub monthly_sales: Vec<MonthSales>,
    pub write_offs: Decimal,
    pub collected: Decimal,
    pub promises_due: i64,
    pub promises_kept: i64,
    /// Days from issue to the payment that settled it, summed over invoices settled in the
    /// period, and how many.
    pub days_to_pay_total: i64,
    pub invoices_paid: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kpis {
    pub dso: Option<Decimal>,
    pub countback_dso: Option<Decimal>,
    pub best_possible_dso: Option<Decimal>,
    pub average_days_delinquent: Option<Decimal>,
    pub cei: Option<Decimal>,
    pub ar_turnover: Option<Decimal>,
    pub average_collection_period: Option<Decimal>,
    pub bad_debt_ratio: Option<Decimal>,
    pub over_90_ratio: Option<Decimal>,
    pub promise_kept_rate: Option<Decimal>,
    pub collected: Decimal,
    pub average_days_to_pay: Option<Decimal>,
}

// One KPI, for a trend month by month (the API's `metric`). Plain comments: with the
// `graphql` feature a doc comment would become the enum's description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum KpiMetric {
    Dso,
    CountbackDso,
    BestPossibleDso,
    AverageDaysDelinquent,
    Cei,
    ArTurnover,
    AverageCollectionPeriod,
    BadDebtRatio,
    Over90Ratio,
    PromiseKeptRate,
    Collected,
    AverageDaysToPay,
}

impl KpiMetric {
    /// The metric's value among a period's KPIs.
    pub fn of(self, k: &Kpis) -> Option<Decimal> {
        match self {
            KpiMetric::Dso => k.dso,
            KpiMetric::CountbackDso => k.countback_dso,
            KpiMetric::BestPossibleDso => k.best_possible_dso,
            KpiMetric::AverageDaysDelinquent => k.average_days_delinquent,
            KpiMetric::Cei => k.cei,
            KpiMetric::ArTurnover => k.ar_turnover,
            KpiMetric::AverageCollectionPeriod => k.average_collection_period,
            KpiMetric::BadDebtRatio => k.bad_debt_ratio,
            KpiMetric::Over90Ratio => k.over_90_ratio,
            KpiMetric::PromiseKeptRate => k.promise_kept_rate,
            KpiMetric::Collected => Some(k.collected),
            KpiMetric::AverageDaysToPay => k.average_days_to_pay,
        }
    }
}

fn ratio(numerator: Decimal, denominator: Decimal) -> Option<Decimal> {
    (denominator > Decimal::ZERO).then(|| numerator / denominator)
}

/// Why a KPI has no figure for a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
pub enum KpiNoteReason {
    /// Its denominator is zero: no credit sales, no AR, no promise or payment that fell due.
    NoDenominator,
    /// Its denominator is negative: credit notes above sales, or AR grown past what the
    /// period's opening and sales can explain (the CEI of a ledger started mid-period).
    NegativeDenominator,
}

/// A KPI left without a figure, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KpiNote {
    pub metric: KpiMetric,
    pub reason: KpiNoteReason,
}

/// Each ratio KPI with the denominator it divides by (the turnover's sign, for the collection
/// period, is the credit sales' once the average AR is positive).
fn denominators(inputs: &Inputs) -> [(KpiMetric, Decimal); 10] {
    let average_ar = (inputs.beginning_ar + inputs.ending_ar) / Decimal::TWO;
    let cei = cei_terms(
        inputs.beginning_ar,
        inputs.credit_sales,
        inputs.months,
        inputs.ending_ar,
        inputs.ending_current_ar,
    )
    .1;
    let turnover_sign = if average_ar > Decimal::ZERO {
        inputs.credit_sales
    } else {
        average_ar
    };
    [
        (KpiMetric::Dso, inputs.credit_sales),
        (KpiMetric::BestPossibleDso, inputs.credit_sales),
        (KpiMetric::AverageDaysDelinquent, inputs.credit_sales),
        (KpiMetric::Cei, cei),
        (KpiMetric::ArTurnover, average_ar),
        (KpiMetric::AverageCollectionPeriod, turnover_sign),
        (KpiMetric::BadDebtRatio, inputs.credit_sales),
        (KpiMetric::Over90Ratio, inputs.ending_ar),
        (
            KpiMetric::PromiseKeptRate,
            Decimal::from(inputs.promises_due),
        ),
        (
            KpiMetric::AverageDaysToPay,
            Decimal::from(inputs.invoices_paid),
        ),
    ]
}

/// The KPIs a period's inputs leave without a figure, in the order of [`KpiMetric`], with why.
pub fn notes(inputs: &Inputs) -> Vec<KpiNote> {
    denominators(inputs)
        .into_iter()
        .filter_map(|(metric, denominator)| {
            let reason = if denominator.is_zero() {
                KpiNoteReason::NoDenominator
            } else if denominator < Decimal::ZERO {
                KpiNoteReason::NegativeDenominator
            } else {
                return None;
            };
            Some(KpiNote { metric, reason })
        })
        .collect()
}

fn one_place(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
}

fn four_places(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
}

/// The months a period (both ends included) spans, exactly: whole months from its first day,
/// then what is left as a share of the month after them. 1 January to 31 March is 3; 1 to 15
/// January is 15/31; 26 August to 23 November is 2 + 29/31.
pub fn months_in_period(from: NaiveDate, to: NaiveDate) -> Decimal {
    let Some(end) = to.succ_opt().filter(|end| *end > from) else {
        return Decimal::ZERO;
    };
    let after = |months: u32| from.checked_add_months(Months::new(months));
    let mut whole = 0;
    while after(whole + 1).is_some_and(|day| day <= end) {
        whole += 1;
    }
    let (Some(rest_from), Some(rest_to)) = (after(whole), after(whole + 1)) else {
        return Decimal::from(whole);
    };
    Decimal::from(whole)
        + Decimal::from((end - rest_from).num_days())
            / Decimal::from((rest_to - rest_from).num_days())
}

/// Count-back DSO over months given most recent first.
pub fn countback_dso(ending_ar: Decimal, months: &[MonthSales]) -> Option<Decimal> {
    if months.is_empty() {
        return None;
    }
    let mut left = ending_ar;
    let mut days = Decimal::ZERO;
    for month in months {
        if left <= Decimal::ZERO {
            break;
        }
        if left >= month.sales {
            left -= month.sales;
            days += Decimal::from(month.days);
        } else {
            // month.sales > left > 0 here.
            days += left / month.sales * Decimal::from(month.days);
            left = Decimal::ZERO;
        }
    }
    Some(one_place(days))
}

/// CEI = (beginning AR + credit sales / N - ending AR) / (beginning AR + credit sales / N -
/// ending current AR) x 100, to one place; N the period's months (`months_in_period`).
pub fn cei(
    beginning_ar: Decimal,
    credit_sales: Decimal,
    months: Decimal,
    ending_ar: Decimal,
    ending_current_ar: Decimal,
) -> Option<Decimal> {
    let (numerator, denominator) = cei_terms(
        beginning_ar,
        credit_sales,
        months,
        ending_ar,
        ending_current_ar,
    );
    ratio(numerator, denominator).map(|r| one_place(r * Decimal::ONE_HUNDRED))
}

/// The CEI's numerator and denominator.
fn cei_terms(
    beginning_ar: Decimal,
    credit_sales: Decimal,
    months: Decimal,
    ending_ar: Decimal,
    ending_current_ar: Decimal,
) -> (Decimal, Decimal) {
    let months = if months > Decimal::ZERO {
        months
    } else {
        Decimal::ONE
    };
    let sales_per_month = credit_sales / months;
    (
        beginning_ar + sales_per_month - ending_ar,
        beginning_ar + sales_per_month - ending_current_ar,
    )
}

pub fn compute(inputs: &Inputs) -> Kpis {
    let days = Decimal::from(inputs.days.max(0));
    let dso = ratio(inputs.ending_ar, inputs.credit_sales).map(|r| r * days);
    let best = ratio(inputs.ending_current_ar, inputs.credit_sales).map(|r| r * days);
    let cei = cei(
        inputs.beginning_ar,
        inputs.credit_sales,
        inputs.months,
        inputs.ending_ar,
        inputs.ending_current_ar,
    );
    let average_ar = (inputs.beginning_ar + inputs.ending_ar) / Decimal::TWO;
    let turnover = ratio(inputs.credit_sales, average_ar);
    Kpis {
        dso: dso.map(one_place),
        countback_dso: countback_dso(inputs.ending_ar, &inputs.monthly_sales),
        best_possible_dso: best.map(one_place),
        average_days_delinquent: dso.zip(best).map(|(dso, best)| one_place(dso - best)),
        cei,
        ar_turnover: turnover.map(|t| t.round_dp(2)),
        average_collection_period: turnover.and_then(|t| ratio(days, t)).map(one_place),
        bad_debt_ratio: ratio(inputs.write_offs, inputs.credit_sales).map(four_places),
        over_90_ratio: ratio(inputs.ending_over_90, inputs.ending_ar).map(four_places),
        promise_kept_rate: ratio(
            Decimal::from(inputs.promises_kept),
            Decimal::from(inputs.promises_due),
        )
        .map(four_places),
        collected: inputs.collected,
        average_days_to_pay: ratio(
            Decimal::from(inputs.days_to_pay_total),
            Decimal::from(inputs.invoices_paid),
        )
        .map(one_place),
    }
}

/// The longest period KPIs are computed over at once: a period spans fewer days than this.
pub const MAX_PERIOD_DAYS: i64 = 731;

/// The fewest months a dashboard's trend shows, so that a short period still draws a line.
pub const TREND_MONTHS: u32 = 6;

/// The first day of `day`'s calendar quarter.
pub fn quarter_start(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), day.month0() / 3 * 3 + 1, 1).unwrap_or(day)
}

/// The dates a dashboard shows for a period: the period, the one of equal length right before
/// it (beside each figure), and where the month-by-month trend starts (at least
/// [`TREND_MONTHS`] months, within [`MAX_PERIOD_DAYS`] of the period's end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DashboardPeriods {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    pub trend_from: NaiveDate,
}

impl DashboardPeriods {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        let length = (to - from).num_days().max(0) as u64 + 1;
        let month_start = |day: NaiveDate| day.with_day(1).unwrap_or(day);
        let fewest_months = month_start(to)
            .checked_sub_months(Months::new(TREND_MONTHS - 1))
            .unwrap_or(to);
        // A long custom period's trend starts at the first month within the longest period
        // (a month or two later at most).
        let mut trend_from = month_start(from).min(fewest_months);
        while (to - trend_from).num_days() >= MAX_PERIOD_DAYS {
            trend_from = trend_from.checked_add_months(Months::new(1)).unwrap_or(to);
        }
        DashboardPeriods {
            from,
            to,
            previous_from: from - Days::new(length),
            previous_to: from - Days::new(1),
            trend_from,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn a_period_counts_its_months_exactly() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(months_in_period(day(2026, 1, 1), day(2026, 3, 31)), d("3"));
        assert_eq!(months_in_period(day(2026, 2, 1), day(2026, 2, 28)), d("1"));
        assert_eq!(
            months_in_period(day(2026, 1, 1), day(2026, 1, 15)),
            d("15") / d("31")
        );
        // A 90-day window is about three months, not the four calendar months it touches.
        let ninety = months_in_period(day(2026, 8, 26), day(2026, 11, 23));
        assert_eq!(ninety, d("2") + d("29") / d("31"));
        assert_eq!(months_in_period(day(2026, 5, 1), day(2026, 4, 30)), d("0"));
    }

    #[test]
    fn countback_dso_matches_the_worked_example() {
        // Month-end AR 212,000; monthly credit sales 100,000, 80,000, 70,000 (most recent first),
        // 30-day months: 30 + 30 + 32/70 x 30 = 73.7 days.
        let months = [
            MonthSales {
                days: 30,
                sales: d("100000"),
            },
            MonthSales {
                days: 30,
                sales: d("80000"),
            },
            MonthSales {
                days: 30,
                sales: d("70000"),
            },
        ];
        assert_eq!(countback_dso(d("212000"), &months), Some(d("73.7")));
        // AR smaller than the last month's sales: a share of that month.
        assert_eq!(countback_dso(d("50000"), &months), Some(d("15.0")));
        // AR beyond every month given: all their days.
        assert_eq!(countback_dso(d("999999"), &months), Some(d("90")));
        assert_eq!(countback_dso(d("1"), &[]), None);
    }

    #[test]
    fn the_period_kpis_follow_their_definitions() {
        let inputs = Inputs {
            days: 90,
            months: Decimal::from(3),
            beginning_ar: d("200000"),
            ending_ar: d("240000"),
            ending_current_ar: d("150000"),
            ending_over_90: d("24000"),
            credit_sales: d("300000"),
            monthly_sales: vec![],
            write_offs: d("3000"),
            collected: d("257000"),
            promises_due: 8,
            promises_kept: 6,
            days_to_pay_total: 4500,
            invoices_paid: 100,
        };
        let k = compute(&inputs);
        assert_eq!(k.dso, Some(d("72.0")), "240,000 / 300,000 x 90");
        assert_eq!(
            k.best_possible_dso,
            Some(d("45.0")),
            "150,000 / 300,000 x 90"
        );
        assert_eq!(k.average_days_delinquent, Some(d("27.0")));
        // (200,000 + 100,000 - 240,000) / (200,000 + 100,000 - 150,000) = 60,000 / 150,000.
        assert_eq!(k.cei, Some(d("40.0")));
        // 300,000 / 220,000 = 1.36; 90 / 1.3636 = 66.0 days.
        assert_eq!(k.ar_turnover, Some(d("1.36")));
        assert_eq!(k.average_collection_period, Some(d("66.0")));
        assert_eq!(k.bad_debt_ratio, Some(d("0.0100")));
        assert_eq!(k.over_90_ratio, Some(d("0.1000")));
        assert_eq!(k.promise_kept_rate, Some(d("0.7500")));
        assert_eq!(k.average_days_to_pay, Some(d("45.0")));
    }

    #[test]
    fn undefined_ratios_are_none_not_zero() {
        let k = compute(&Inputs {
            days: 30,
            months: Decimal::ONE,
            ..Inputs::default()
        });
        assert_eq!(k.dso, None);
        assert_eq!(k.cei, None);
        assert_eq!(k.promise_kept_rate, None);
        assert_eq!(k.average_days_to_pay, None);
        assert_eq!(k.collected, Decimal::ZERO);
    }

    #[test]
    fn every_missing_ratio_has_a_note_and_every_figure_none() {
        let empty = Inputs {
            days: 30,
            months: Decimal::ONE,
            ..Inputs::default()
        };
        let notes = notes(&empty);
        let k = compute(&empty);
        for note in &notes {
            assert_eq!(note.metric.of(&k), None, "{note:?}");
            assert_eq!(note.reason, KpiNoteReason::NoDenominator);
        }
        assert_eq!(notes.len(), 10, "every ratio of an empty period");
        assert!(!notes.iter().any(|n| n.metric == KpiMetric::Collected));
    }

    #[test]
    fn a_young_ledgers_cei_is_not_meaningful_rather_than_829_percent() {
        // Nothing owed at the start, a month's sales of 10,000, yet 90,000 owed at the end
        // (opening balances imported mid-period), 85,000 of it not yet due: both CEI terms
        // are negative, and their quotient (829.5%) means nothing.
        let young = Inputs {
            days: 30,
            months: Decimal::ONE,
            ending_ar: d("90000"),
            ending_current_ar: d("85000"),
            credit_sales: d("10000"),
            ..Inputs::default()
        };
        let k = compute(&young);
        assert_eq!(k.cei, None);
        assert_eq!(
            notes(&young),
            vec![
                KpiNote {
                    metric: KpiMetric::Cei,
                    reason: KpiNoteReason::NegativeDenominator
                },
                KpiNote {
                    metric: KpiMetric::PromiseKeptRate,
                    reason: KpiNoteReason::NoDenominator
                },
                KpiNote {
                    metric: KpiMetric::AverageDaysToPay,
                    reason: KpiNoteReason::NoDenominator
                },
            ]
        );
        // Credit notes above sales: DSO and the ratios on sales are not meaningful either.
        let credited = Inputs {
            credit_sales: d("-500"),
            ..young
        };
        assert_eq!(compute(&credited).dso, None);
        assert!(notes(&credited).contains(&KpiNote {
            metric: KpiMetric::Dso,
            reason: KpiNoteReason::NegativeDenominator
        }));
    }

    #[test]
    fn a_dashboard_shows_the_quarter_the_one_before_and_six_trend_months() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(quarter_start(day(2026, 12, 5)), day(2026, 10, 1));
        let periods = DashboardPeriods::new(day(2026, 10, 1), day(2026, 12, 5));
        assert_eq!(
            (
                periods.previous_from,
                periods.previous_to,
                periods.trend_from
            ),
            (day(2026, 7, 27), day(2026, 9, 30), day(2026, 7, 1))
        );
        // A long period's trend stays within what the server computes at once.
        let long = DashboardPeriods::new(day(2024, 1, 1), day(2026, 1, 5));
        assert_eq!(long.trend_from, day(2024, 2, 1));
    }
}
