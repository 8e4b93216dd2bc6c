//! The company's analytics settings panel, shown on the aging report.

use crate::api::{self, AnalyticsSettingsQuery, UpdateAnalyticsSettings};
use crate::components::{TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use leptos::prelude::*;

/// The company's analytics settings (bucket edges, attribution window, large-invoice alert),
/// for those who manage settings.
#[component]
pub(super) fn AnalyticsSettingsPanel() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let edges = RwSignal::new(String::new());
    let days = RwSignal::new(String::new());
    let large = RwSignal::new(String::new());
    let digest = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        if let Ok(data) =
            api::run::<AnalyticsSettingsQuery>(api::analytics_settings_query::Variables {}).await
        {
            let s = data.analytics_settings;
            edges.set(
                s.aging_bucket_edges
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            days.set(s.attribution_days.to_string());
            large.set(s.large_invoice_amount);
            digest.set(s.daily_digest);
        }
    });
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        // Anything that is not a whole number goes to the server as-is, which names the field.
        let parsed: Vec<i64> = edges
            .get_untracked()
            .split([',', ' ', '，'])
            .filter(|part| !part.is_empty())
            .map(|part| part.trim().parse::<i64>().unwrap_or(-1))
            .collect();
        let input = api::update_analytics_settings::AnalyticsSettingsInput {
            aging_bucket_edges: Some(parsed),
            attribution_days: days.get_untracked().trim().parse::<i64>().ok(),
            large_invoice_amount: Some(large.get_untracked()),
            daily_digest: Some(digest.get_untracked()),
        };
        leptos::task::spawn_local(async move {
            match api::run::<UpdateAnalyticsSettings>(api::update_analytics_settings::Variables {
                input,
            })
            .await
            {
                Ok(_) => toasts.push(ToastKind::Success, text(Msg::SettingsSaved)),
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    view! {
        <form class="panel form-grid no-print" on:submit=save data-testid="analytics-settings">
            <h2>{move || text(Msg::AnalyticsSettingsTitle)}</h2>
            <TextField name="bucket-edges" label=Signal::derive(move || text(Msg::BucketEdgesLabel)) value=edges/>
            <TextField name="attribution-days" label=Signal::derive(move || text(Msg::AttributionDaysLabel)) value=days input_type="number"/>
            <TextField name="large-invoice" label=Signal::derive(move || text(Msg::LargeInvoiceLabel)) value=large/>
            <label class="check">
                <input type="checkbox" name="daily-digest" prop:checked=move || digest.get() on:change=move |event| digest.set(event_target_checked(&event))/>
                {move || text(Msg::DailyDigestLabel)}
            </label>
            <div class="form-actions"><button type="submit" class="button button-primary" data-testid="save-analytics-settings">{move || text(Msg::Save)}</button></div>
        </form>
    }
}
