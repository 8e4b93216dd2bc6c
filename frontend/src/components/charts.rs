//! Charts drawn as SVG: no chart library, no canvas, readable by screen readers through their
//! labels and the legend beside them.

use leptos::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// One segment of a stacked bar: its label, the amount as shown, the raw amount, a CSS class.
#[derive(Clone, PartialEq)]
pub struct Segment {
    pub label: &'static str,
    pub shown: String,
    pub amount: Decimal,
    pub class: &'static str,
}

/// A horizontal stacked bar (aging buckets, from current to 90+), with a legend.
#[component]
pub fn StackedBar(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] segments: Signal<Vec<Segment>>,
) -> impl IntoView {
    let bars = move || {
        let segments = segments.get();
        let total: Decimal = segments.iter().map(|s| s.amount.max(Decimal::ZERO)).sum();
        let mut x = 0.0_f64;
        segments
            .into_iter()
            .filter(|segment| segment.amount > Decimal::ZERO && total > Decimal::ZERO)
            .map(|segment| {
                // Geometry only: the share of the bar's width, never an amount.
                let width = (segment.amount / total * Decimal::ONE_HUNDRED)
                    .to_f64()
                    .unwrap_or(0.0);
                let start = x;
                x += width;
                view! {
                    <rect
                        class=format!("bar-segment {}", segment.class)
                        x=format!("{start:.3}%")
                        y="0"
                        width=format!("{width:.3}%")
                        height="28"
                    >
                        <title>{format!("{}: {}", segment.label, segment.shown)}</title>
                    </rect>
                }
            })
            .collect_view()
    };
    let summary = move || {
        segments
            .get()
            .iter()
            .map(|segment| format!("{} {}", segment.label, segment.shown))
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <figure class="stacked-bar">
            <figcaption>{move || title.get()}</figcaption>
            <svg
                class="stacked-bar-svg"
                width="100%"
                height="28"
                role="img"
                tabindex="0"
                aria-label=move || format!("{}: {}", title.get(), summary())
            >
                <rect class="bar-track" x="0" y="0" width="100%" height="28"></rect>
                {bars}
            </svg>
            <ul class="bar-legend">
                {move || {
                    segments
                        .get()
                        .into_iter()
                        .map(|segment| {
                            view! {
                                <li>
                                    <span class=format!("legend-swatch {}", segment.class) aria-hidden="true"></span>
                                    <span class="legend-label">{segment.label}</span>
                                    <span class="legend-value">{segment.shown}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </figure>
    }
}

/// One line of a line chart: its label, a CSS class, and a value per point (none: no figure).
#[derive(Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub class: &'static str,
    pub values: Vec<Option<f64>>,
}

/// Lines over labelled points (months), each series scaled to its own range, so two measures of
/// different units (days and percent) can share a chart; the table view beside it gives the
/// figures. `f64` is for geometry only.
#[component]
pub fn LineChart(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] labels: Signal<Vec<String>>,
    #[prop(into)] series: Signal<Vec<Series>>,
) -> impl IntoView {
    const WIDTH: f64 = 600.0;
    const HEIGHT: f64 = 160.0;
    const PAD: f64 = 12.0;
    let lines = move || {
        let count = labels.get().len().max(2);
        series
            .get()
            .into_iter()
            .map(|line| {
                let known: Vec<f64> = line.values.iter().flatten().copied().collect();
                let low = known.iter().copied().fold(f64::INFINITY, f64::min);
                let high = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let span = if high > low { high - low } else { 1.0 };
                let points: Vec<String> = line
                    .values
                    .iter()
                    .enumerate()
                    .filter_map(|(index, value)| {
                        let value = (*value)?;
                        let x = PAD + (WIDTH - 2.0 * PAD) * index as f64 / (count - 1) as f64;
                        let y = HEIGHT - PAD - (HEIGHT - 2.0 * PAD) * (value - low) / span;
                        Some(format!("{x:.1},{y:.1}"))
                    })
                    .collect();
                view! {
                    <polyline class=format!("chart-line {}", line.class) points=points.join(" ") fill="none">
                        <title>{line.label.clone()}</title>
                    </polyline>
                }
            })
            .collect_view()
    };
    let summary = move || {
        series
            .get()
            .iter()
            .map(|line| {
                let last = line.values.iter().rev().flatten().next();
                format!(
                    "{}: {}",
                    line.label,
                    last.map(|v| format!("{v:.1}"))
                        .unwrap_or_else(|| "—".to_owned())
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        <figure class="line-chart">
            <figcaption>{move || title.get()}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") class="line-chart-svg" role="img" tabindex="0"
                aria-label=move || format!("{}: {}", title.get(), summary())>
                <line class="chart-axis" x1="0" y1=HEIGHT - PAD x2=WIDTH y2=HEIGHT - PAD></line>
                {lines}
            </svg>
            <ul class="bar-legend">
                {move || series.get().into_iter().map(|line| view! {
                    <li><span class=format!("legend-swatch {}", line.class) aria-hidden="true"></span><span class="legend-label">{line.label}</span></li>
                }).collect_view()}
            </ul>
        </figure>
    }
}
