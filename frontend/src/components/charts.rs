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
