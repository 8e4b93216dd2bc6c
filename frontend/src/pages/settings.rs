//! The company's settings, in the groups the API has: credit policy, collections, reports,
//! numbering and the company itself. One save sends the whole form; the server checks it whole
//! and names the field at fault, which the form shows beside it in the reader's language.
//! Each field says under it what it does, its bounds and its default; the form shows only once
//! the company's values are read (a new company's are the defaults), so nothing is saved empty.

use super::access::RequirePermission;
use crate::api::{self, ApiError, CompanySettingsQuery, UpdateCompanySettings};
use crate::components::{Button, Spinner, TextField, ToastKind, use_toasts};
use crate::i18n::{CashMsg, Msg, use_locale, use_text};
use crate::session::use_session;
use api::update_company_settings as update;
use domain::Permission;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ManageSettings>
            <CompanySettingsForm/>
        </RequirePermission>
    }
}

/// The form's fields as typed, each a signal.
#[derive(Clone, Copy)]
struct Fields {
    warn_over_limit: RwSignal<bool>,
    hold_over_limit: RwSignal<bool>,
    auto_release_holds: RwSignal<bool>,
    dunning_run_hour: RwSignal<String>,
    promise_grace_days: RwSignal<String>,
    aging_bucket_edges: RwSignal<String>,
    attribution_days: RwSignal<String>,
    large_invoice_amount: RwSignal<String>,
    daily_digest: RwSignal<bool>,
    invoice_prefix: RwSignal<String>,
    credit_note_prefix: RwSignal<String>,
    approval_expiry_days: RwSignal<String>,
    auto_apply_confidence: RwSignal<String>,
    time_zone: RwSignal<String>,
    english: RwSignal<bool>,
    base_currency: RwSignal<String>,
}

impl Fields {
    fn new() -> Self {
        Fields {
            warn_over_limit: RwSignal::new(false),
            hold_over_limit: RwSignal::new(false),
            auto_release_holds: RwSignal::new(true),
            dunning_run_hour: RwSignal::new(String::new()),
            promise_grace_days: RwSignal::new(String::new()),
            aging_bucket_edges: RwSignal::new(String::new()),
            attribution_days: RwSignal::new(String::new()),
            large_invoice_amount: RwSignal::new(String::new()),
            daily_digest: RwSignal::new(false),
            invoice_prefix: RwSignal::new(String::new()),
            credit_note_prefix: RwSignal::new(String::new()),
            approval_expiry_days: RwSignal::new(String::new()),
            auto_apply_confidence: RwSignal::new(String::new()),
            time_zone: RwSignal::new(String::new()),
            english: RwSignal::new(false),
            base_currency: RwSignal::new(String::new()),
        }
    }

    fn show(&self, settings: api::company_settings_query::CompanySettingsQueryCompanySettings) {
        use api::company_settings_query::{Locale, OverLimitPolicy};
        self.warn_over_limit
            .set(settings.credit.over_limit_policy == OverLimitPolicy::WARN);
        self.hold_over_limit.set(settings.credit.hold_over_limit);
        self.auto_release_holds
            .set(settings.credit.auto_release_holds);
        self.dunning_run_hour
            .set(settings.collections.dunning_run_hour.to_string());
        self.promise_grace_days
            .set(settings.collections.promise_grace_days.to_string());
        self.aging_bucket_edges.set(
            settings
                .reports
                .aging_bucket_edges
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        );
        self.attribution_days
            .set(settings.reports.attribution_days.to_string());
        self.large_invoice_amount
            .set(settings.reports.large_invoice_amount);
        self.daily_digest.set(settings.reports.daily_digest);
        self.invoice_prefix.set(settings.numbering.invoice_prefix);
        self.credit_note_prefix
            .set(settings.numbering.credit_note_prefix);
        self.approval_expiry_days
            .set(settings.approvals.expiry_days.to_string());
        self.auto_apply_confidence.set(
            settings
                .cash_application
                .auto_apply_confidence
                .unwrap_or_default(),
        );
        self.time_zone.set(settings.company.time_zone);
        self.english.set(settings.company.locale == Locale::EN);
        self.base_currency.set(settings.company.base_currency);
    }

    /// The whole form as the mutation's input. A number that does not parse goes as -1, which
    /// the server refuses on its field with the range it allows.
    fn input(&self) -> update::CompanySettingsInput {
        let whole =
            |signal: RwSignal<String>| signal.get_untracked().trim().parse::<i64>().unwrap_or(-1);
        let edges = self
            .aging_bucket_edges
            .get_untracked()
            .split([',', ' ', '，', '、'])
            .filter(|part| !part.is_empty())
            .map(|part| part.trim().parse::<i64>().unwrap_or(-1))
            .collect();
        update::CompanySettingsInput {
            credit: Some(update::CreditSettingsInput {
                over_limit_policy: Some(if self.warn_over_limit.get_untracked() {
                    update::OverLimitPolicy::WARN
                } else {
                    update::OverLimitPolicy::BLOCK
                }),
                hold_over_limit: Some(self.hold_over_limit.get_untracked()),
                auto_release_holds: Some(self.auto_release_holds.get_untracked()),
            }),
            collections: Some(update::CollectionsSettingsInput {
                dunning_run_hour: Some(whole(self.dunning_run_hour)),
                promise_grace_days: Some(whole(self.promise_grace_days)),
            }),
            reports: Some(update::ReportSettingsInput {
                aging_bucket_edges: Some(edges),
                attribution_days: Some(whole(self.attribution_days)),
                large_invoice_amount: Some(self.large_invoice_amount.get_untracked()),
                daily_digest: Some(self.daily_digest.get_untracked()),
            }),
            numbering: Some(update::NumberingSettingsInput {
                invoice_prefix: Some(self.invoice_prefix.get_untracked()),
                credit_note_prefix: Some(self.credit_note_prefix.get_untracked()),
            }),
            approvals: Some(update::ApprovalSettingsInput {
                expiry_days: Some(whole(self.approval_expiry_days)),
            }),
            cash_application: Some(update::CashApplicationSettingsInput {
                auto_apply_confidence: Some(self.auto_apply_confidence.get_untracked())
                    .map(|value| value.trim().to_owned())
                    .filter(|value| !value.is_empty()),
            }),
            company: Some(update::CompanyProfileInput {
                time_zone: Some(self.time_zone.get_untracked()),
                locale: Some(if self.english.get_untracked() {
                    update::Locale::EN
                } else {
                    update::Locale::ZH_CN
                }),
                base_currency: Some(self.base_currency.get_untracked()),
            }),
        }
    }
}

#[component]
fn CompanySettingsForm() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let fields = Fields::new();
    let busy = RwSignal::new(false);
    // Whether the company's values are in the fields: until then the form is not shown.
    let loaded = RwSignal::new(false);
    // Why they could not be read, when they could not.
    let load_failed = RwSignal::new(None::<String>);
    let may_view_audit = move || {
        session
            .current
            .get()
            .is_some_and(|current| current.can(Permission::ViewAuditLog))
    };
    // The refused field (`input.reports.attributionDays`) and its text.
    let refused = RwSignal::new(None::<(String, String)>);
    let error_at = move |field: &'static str| crate::components::field_error(refused, field);
    leptos::task::spawn_local(async move {
        match api::run::<CompanySettingsQuery>(api::company_settings_query::Variables {}).await {
            Ok(data) => {
                fields.show(data.company_settings);
                loaded.set(true);
            }
            Err(error) => load_failed.set(Some(error.text(locale.get_untracked()))),
        }
    });
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        refused.set(None);
        busy.set(true);
        let input = fields.input();
        leptos::task::spawn_local(async move {
            let result = api::run::<UpdateCompanySettings>(update::Variables { input }).await;
            busy.set(false);
            match result {
                Ok(data) => {
                    let settings = data.update_company_settings.settings;
                    // The answer has the mutation's own types: show it through the query's.
                    if let Some(settings) = api::to_domain(&settings) {
                        fields.show(settings);
                    }
                    session.set_time_zone(fields.time_zone.get_untracked());
                    toasts.push(ToastKind::Success, text(Msg::SettingsSaved));
                }
                Err(failure @ ApiError::Api { field: Some(_), .. }) => {
                    let field = failure.field().unwrap_or_default().to_owned();
                    refused.set(Some((field, failure.text(locale.get_untracked()))));
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    // A check box with its explanation below it, tied to it for screen readers.
    let check = move |name: &'static str, signal: RwSignal<bool>, label: Msg, hint: Msg| {
        let hint_id = format!("{name}-hint");
        view! {
            <div class="field-wide">
                <label class="check">
                    <input type="checkbox" id=name name=name aria-describedby=hint_id.clone()
                        prop:checked=move || signal.get()
                        on:change=move |event| signal.set(event_target_checked(&event))/>
                    {move || text(label)}
                </label>
                <p class="field-hint" id=hint_id>{move || text(hint)}</p>
            </div>
        }
    };
    let hint = move |msg: Msg| Signal::derive(move || text(msg));
    // Before the values are in: a spinner, or why they could not be read.
    let waiting = move || match load_failed.get() {
        Some(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
        None => view! { <Spinner label=Signal::derive(move || text(Msg::Loading))/> }.into_any(),
    };
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::SettingsTitle)}</h1>
                <p class="lead">{move || text(Msg::SettingsLead)}</p>
                <p class="muted" data-testid="settings-audit-note">
                    {move || text(Msg::SettingsAuditNote)}
                    <Show when=may_view_audit>
                        " "<A href="/audit" attr:data-testid="settings-audit-link">{move || text(Msg::SettingsAuditLink)}</A>
                    </Show>
                </p>
            </header>
            <Show when=move || loaded.get() fallback=waiting>
                <form class="settings-form" novalidate on:submit=save data-testid="company-settings">
                    <fieldset class="panel form-grid">
                        <legend>{move || text(Msg::SettingsCreditGroup)}</legend>
                        <div class="field field-wide">
                            <label for="over-limit-policy">{move || text(Msg::OverLimitPolicyLabel)}</label>
                            <select id="over-limit-policy" name="over-limit-policy" aria-describedby="over-limit-policy-hint"
                                on:change=move |event| fields.warn_over_limit.set(event_target_value(&event) == "WARN")>
                                <option value="BLOCK" prop:selected=move || !fields.warn_over_limit.get()>{move || text(Msg::OverLimitBlock)}</option>
                                <option value="WARN" prop:selected=move || fields.warn_over_limit.get()>{move || text(Msg::OverLimitWarn)}</option>
                            </select>
                            <p class="field-hint" id="over-limit-policy-hint">{move || text(Msg::SettingsHintOverLimitPolicy)}</p>
                        </div>
                        {check("hold-over-limit", fields.hold_over_limit, Msg::HoldOverLimitLabel, Msg::SettingsHintHoldOverLimit)}
                        {check("auto-release-holds", fields.auto_release_holds, Msg::AutoReleaseHoldsLabel, Msg::SettingsHintAutoReleaseHolds)}
                    </fieldset>
                    <fieldset class="panel form-grid">
                        <legend>{move || text(Msg::SettingsCollectionsGroup)}</legend>
                        <TextField name="dunning-run-hour" label=Signal::derive(move || text(Msg::DunningRunHourLabel))
                            value=fields.dunning_run_hour input_type="number" error=error_at("input.collections.dunningRunHour")
                            hint=hint(Msg::SettingsHintDunningRunHour)/>
                        <TextField name="promise-grace-days" label=Signal::derive(move || text(Msg::PromiseGraceDaysLabel))
                            value=fields.promise_grace_days input_type="number" error=error_at("input.collections.promiseGraceDays")
                            hint=hint(Msg::SettingsHintPromiseGraceDays)/>
                    </fieldset>
                    <fieldset class="panel form-grid">
                        <legend>{move || text(Msg::SettingsReportsGroup)}</legend>
                        <TextField name="aging-bucket-edges" label=Signal::derive(move || text(Msg::BucketEdgesLabel))
                            value=fields.aging_bucket_edges error=error_at("input.reports.agingBucketEdges")
                            hint=hint(Msg::SettingsHintBucketEdges)/>
                        <TextField name="attribution-days" label=Signal::derive(move || text(Msg::AttributionDaysLabel))
                            value=fields.attribution_days input_type="number" error=error_at("input.reports.attributionDays")
                            hint=hint(Msg::SettingsHintAttributionDays)/>
                        <TextField name="large-invoice-amount" label=Signal::derive(move || text(Msg::LargeInvoiceLabel))
                            value=fields.large_invoice_amount error=error_at("input.reports.largeInvoiceAmount")
                            hint=hint(Msg::SettingsHintLargeInvoice)/>
                        {check("daily-digest", fields.daily_digest, Msg::DailyDigestLabel, Msg::SettingsHintDailyDigest)}
                    </fieldset>
                    <fieldset class="panel form-grid">
                        <legend>{move || text(Msg::SettingsNumberingGroup)}</legend>
                        <TextField name="invoice-prefix" label=Signal::derive(move || text(Msg::InvoicePrefixLabel))
                            value=fields.invoice_prefix error=error_at("input.numbering.invoicePrefix")
                            hint=hint(Msg::SettingsHintInvoicePrefix)/>
                        <TextField name="credit-note-prefix" label=Signal::derive(move || text(Msg::CreditNotePrefixLabel))
                            value=fields.credit_note_prefix error=error_at("input.numbering.creditNotePrefix")
                            hint=hint(Msg::SettingsHintCreditNotePrefix)/>
                    </fieldset>
                    <fieldset class="panel form-grid">
                        <legend>{move || text(Msg::SettingsApprovalsGroup)}</legend>
                        <TextField name="approval-expiry-days" label=Signal::derive(move || text(Msg::ApprovalExpiryDaysLabel))
                            value=fields.approval_expiry_days input_type="number" error=error_at("input.approvals.expiryDays")
                            hint=hint(Msg::SettingsHintExpiryDays)/>
                    </fieldset>
                    <fieldset class="panel form-grid">
                        <legend>{move || text(CashMsg::SettingsGroup)}</legend>
                        <TextField name="auto-apply-confidence" label=Signal::derive(move || text(CashMsg::AutoApplyLabel))
                            value=fields.auto_apply_confidence error=error_at("input.cashApplication.autoApplyConfidence")
                            hint=hint(CashMsg::AutoApplyHint)/>
                    </fieldset>
                    <fieldset class="panel form-grid">
                        <legend>{move || text(Msg::SettingsCompanyGroup)}</legend>
                        <TextField name="time-zone" label=Signal::derive(move || text(Msg::TimeZone))
                            value=fields.time_zone error=error_at("input.company.timeZone")
                            hint=hint(Msg::SettingsHintTimeZone)/>
                        <div class="field">
                            <label for="company-locale">{move || text(Msg::CompanyLocaleLabel)}</label>
                            <select id="company-locale" name="company-locale" aria-describedby="company-locale-hint"
                                on:change=move |event| fields.english.set(event_target_value(&event) == "EN")>
                                <option value="ZH_CN" prop:selected=move || !fields.english.get()>"简体中文"</option>
                                <option value="EN" prop:selected=move || fields.english.get()>"English"</option>
                            </select>
                            <p class="field-hint" id="company-locale-hint">{move || text(Msg::SettingsHintCompanyLocale)}</p>
                        </div>
                        <TextField name="base-currency" label=Signal::derive(move || text(Msg::BaseCurrency))
                            value=fields.base_currency error=error_at("input.company.baseCurrency")
                            hint=hint(Msg::SettingsHintBaseCurrency)/>
                    </fieldset>
                    <div class="form-actions">
                        <Button r#type="submit" busy=busy test_id="save-company-settings">{move || text(Msg::Save)}</Button>
                    </div>
                </form>
                <super::approval_policies::ApprovalPoliciesPanel base_currency=Signal::derive(move || fields.base_currency.get())/>
            </Show>
        </section>
    }
}
