//! Creating and editing a customer: the new-customer form, the edit dialog and the collector and
//! salesperson pickers they share with the list.

use super::contacts::{CONTACT_FIELDS, ContactDraft, ContactsEditor, contact_inputs};
use super::ops;
use crate::api::{self, CreateCustomer};
use crate::components::{Button, Modal, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, use_locale, use_text};
use leptos::prelude::*;

/// A member a customer may be assigned to.
type Member = ops::customer_assignees::CustomerAssigneesAssignableMembers;

/// The members a customer may be assigned to, fetched when `allowed` says the caller may list
/// them; `None` while loading, for anyone else, or when the server refuses (a collector or a
/// salesperson may not list the team): the pickers are then left out.
pub(super) fn assignable_members(
    allowed: impl Fn() -> bool + 'static,
) -> LocalResource<Option<Vec<Member>>> {
    LocalResource::new(move || {
        let allowed = allowed();
        async move {
            if !allowed {
                return None;
            }
            api::run::<ops::CustomerAssignees>(ops::customer_assignees::Variables {})
                .await
                .ok()
                .map(|data| data.assignable_members)
        }
    })
}

/// Which of the team a picker offers.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Duty {
    Collect,
    Sell,
}

/// A picker's options: `leading` first, then `current` (the person assigned now, who may no
/// longer be offered), then every member who may take on `duty`.
pub(super) fn member_options(
    members: &[Member],
    duty: Duty,
    leading: Vec<(String, String)>,
    current: Option<(String, String)>,
) -> Vec<(String, String)> {
    let mut options = leading;
    let offered = members.iter().filter(|member| match duty {
        Duty::Collect => member.may_collect,
        Duty::Sell => member.may_sell,
    });
    if let Some(current) = current.filter(|(id, _)| !members.iter().any(|m| m.id == *id)) {
        options.push(current);
    }
    options.extend(offered.map(|member| (member.id.clone(), member.name.clone())));
    options
}

/// The collector and salesperson pickers of a customer's form (`""` is nobody), shown once the
/// team is known; with the error the server gave for either.
#[component]
fn AssigneeFields(
    members: Signal<Option<Vec<Member>>>,
    collector: RwSignal<String>,
    salesperson: RwSignal<String>,
    /// The pickers' ids and names.
    collector_name: &'static str,
    salesperson_name: &'static str,
    /// Who is assigned now, offered even when they could no longer be chosen.
    current_collector: Option<(String, String)>,
    current_salesperson: Option<(String, String)>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let text = use_text();
    let options = move |duty: Duty, current: Option<(String, String)>| {
        Signal::derive(move || {
            member_options(
                &members.get().unwrap_or_default(),
                duty,
                vec![(String::new(), text(Msg::CustomerAssignNobody).to_owned())],
                current.clone(),
            )
        })
    };
    let collector_options = options(Duty::Collect, current_collector);
    let salesperson_options = options(Duty::Sell, current_salesperson);
    view! {
        <Show when=move || members.with(Option::is_some)>
            <SelectField name=collector_name label=Signal::derive(move || text(Msg::CustomerCollectorLabel)) value=collector options=collector_options/>
            <SelectField name=salesperson_name label=Signal::derive(move || text(Msg::CustomerSalespersonLabel)) value=salesperson options=salesperson_options/>
            <Show when=move || error.get().is_some()>
                <p class="form-error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </Show>
    }
}

/// A labelled text area for a customer's notes.
#[component]
fn NotesField(
    name: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let text = use_text();
    view! {
        <div class="field field-wide" class:field-invalid=move || error.get().is_some()>
            <label for=name>{move || text(Msg::CustomerNotesLabel)}</label>
            <textarea
                id=name
                name=name
                rows="3"
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            ></textarea>
            <Show when=move || error.get().is_some()>
                <p class="field-error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </div>
    }
}

#[component]
pub(super) fn NewCustomerForm(
    open: RwSignal<bool>,
    members: Signal<Option<Vec<Member>>>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let navigate = leptos_router::hooks::use_navigate();
    let name = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let currency = RwSignal::new(String::new());
    let terms = RwSignal::new("30".to_owned());
    let limit = RwSignal::new(String::new());
    let tax_id = RwSignal::new(String::new());
    let segment = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    // None at first: a customer may be created without contacts and given them later.
    let contacts = RwSignal::new(Vec::<ContactDraft>::new());
    let next_contact_key = StoredValue::new(0u32);
    let collector = RwSignal::new(String::new());
    let salesperson = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(std::collections::HashMap::<String, String>::new());
    let error = move |field: &'static str| Signal::derive(move || errors.get().get(field).cloned());
    let assignee_error = Signal::derive(move || {
        errors.with(|errors| {
            errors
                .get("collectorId")
                .or_else(|| errors.get("salespersonId"))
                .cloned()
        })
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        busy.set(true);
        errors.set(Default::default());
        let navigate = navigate.clone();
        let optional = |value: String| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        let contacts = contact_inputs!(api::create_customer, contacts.get_untracked());
        let contacts = (!contacts.is_empty()).then_some(contacts);
        let input = api::create_customer::CreateCustomerInput {
            name: name.get_untracked(),
            code: code.get_untracked(),
            currency: optional(currency.get_untracked().to_uppercase()),
            payment_terms_days: terms.get_untracked().trim().parse().ok(),
            credit_limit: optional(limit.get_untracked()),
            tax_id: optional(tax_id.get_untracked()),
            segment: optional(segment.get_untracked()),
            notes: optional(notes.get_untracked()),
            collector_id: optional(collector.get_untracked()),
            salesperson_id: optional(salesperson.get_untracked()),
            contacts,
            ..Default::default()
        };
        leptos::task::spawn_local(async move {
            match api::run::<CreateCustomer>(api::create_customer::Variables { input }).await {
                Ok(data) => {
                    toasts.push(ToastKind::Success, text(Msg::CustomerCreated));
                    open.set(false);
                    navigate(
                        &format!("/customers/{}", data.create_customer.customer.id),
                        Default::default(),
                    );
                }
                Err(failure) => {
                    // Under the field it names, when the form draws it; else a toast.
                    let field = failure.field_name();
                    let shown_under = if ["currency", "creditLimit"].contains(&field) {
                        Some(field.to_owned())
                    } else {
                        edit_error_key(field)
                    };
                    match shown_under {
                        Some(key) => {
                            let message = field_error_text(&failure, locale.get_untracked());
                            errors.update(|errors| {
                                errors.insert(key, message);
                            });
                        }
                        None => toasts.api_error(locale.get_untracked(), failure),
                    }
                }
            }
            busy.set(false);
        });
    };
    view! {
        <Modal open=open title=Signal::derive(move || text(Msg::NewCustomer).to_owned())>
            <form class="form-grid" novalidate on:submit=submit.clone() data-testid="customer-form">
                <TextField name="name" label=Signal::derive(move || text(Msg::Name)) value=name error=error("name") required=true/>
                <TextField name="code" label=Signal::derive(move || text(Msg::Code)) value=code error=error("code") required=true/>
                <TextField name="taxId" label=Signal::derive(move || text(Msg::TaxId)) value=tax_id error=error("taxId")/>
                <TextField name="segment" label=Signal::derive(move || text(Msg::CustomerSegmentLabel)) value=segment error=error("segment") hint=Signal::derive(move || text(Msg::Optional))/>
                <TextField name="currency" label=Signal::derive(move || text(Msg::Currency)) value=currency error=error("currency") hint=Signal::derive(move || text(Msg::Optional))/>
                <TextField name="terms" label=Signal::derive(move || text(Msg::PaymentTermsDays)) value=terms error=error("paymentTermsDays") input_type="number"/>
                <TextField name="creditLimit" label=Signal::derive(move || text(Msg::CreditLimit)) value=limit error=error("creditLimit") hint=Signal::derive(move || text(Msg::Optional))/>
                <AssigneeFields
                    members=members
                    collector=collector
                    salesperson=salesperson
                    collector_name="collectorId"
                    salesperson_name="salespersonId"
                    current_collector=None
                    current_salesperson=None
                    error=assignee_error
                />
                <NotesField name="notes" value=notes error=error("notes")/>
                <ContactsEditor contacts=contacts next_key=next_contact_key errors=errors/>
                <div class="form-actions">
                    <Button r#type="submit" busy=busy test_id="save-customer">{move || text(Msg::Save)}</Button>
                </div>
            </form>
        </Modal>
    }
}

/// Editing a customer's details and who works it; the credit limit has its own dialog.
#[component]
pub(super) fn EditCustomerDialog(
    open: RwSignal<bool>,
    customer: api::customer_detail::CustomerDetailCustomer,
    members: Signal<Option<Vec<Member>>>,
    on_done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let tax_id = RwSignal::new(String::new());
    let segment = RwSignal::new(String::new());
    let terms = RwSignal::new(String::new());
    let notes = RwSignal::new(String::new());
    let collector = RwSignal::new(String::new());
    let salesperson = RwSignal::new(String::new());
    // The language of the customer's emails and statements: empty for the company's.
    let customer_locale = RwSignal::new(String::new());
    // Its time zone (empty: the company's) and whether it refuses messages.
    let time_zone = RwSignal::new(String::new());
    let opt_out = RwSignal::new(false);
    // Comma-separated, as typed.
    let tags = RwSignal::new(String::new());
    let contacts = RwSignal::new(Vec::<ContactDraft>::new());
    let next_contact_key = StoredValue::new(0u32);
    let busy = RwSignal::new(false);
    let errors = RwSignal::new(std::collections::HashMap::<String, String>::new());
    let error = move |field: &'static str| Signal::derive(move || errors.get().get(field).cloned());
    let assignee_error = Signal::derive(move || {
        errors.with(|errors| {
            errors
                .get("collectorId")
                .or_else(|| errors.get("salespersonId"))
                .cloned()
        })
    });
    let current_collector = customer
        .collector
        .as_ref()
        .map(|p| (p.id.clone(), p.name.clone()));
    let current_salesperson = customer
        .salesperson
        .as_ref()
        .map(|p| (p.id.clone(), p.name.clone()));
    let collector_before = current_collector
        .clone()
        .map(|(id, _)| id)
        .unwrap_or_default();
    let salesperson_before = current_salesperson
        .clone()
        .map(|(id, _)| id)
        .unwrap_or_default();
    // Each opening starts from the customer as saved.
    let fill = {
        let customer = customer.clone();
        let (collector_before, salesperson_before) =
            (collector_before.clone(), salesperson_before.clone());
        move || {
            name.set(customer.name.clone());
            code.set(customer.code.clone());
            tax_id.set(customer.tax_id.clone().unwrap_or_default());
            segment.set(customer.segment.clone().unwrap_or_default());
            terms.set(customer.payment_terms_days.to_string());
            notes.set(customer.notes.clone().unwrap_or_default());
            collector.set(collector_before.clone());
            salesperson.set(salesperson_before.clone());
            customer_locale.set(
                customer
                    .locale
                    .as_ref()
                    .map(crate::components::enum_name)
                    .unwrap_or_default(),
            );
            tags.set(customer.tags.join(", "));
            time_zone.set(customer.time_zone.clone().unwrap_or_default());
            opt_out.set(customer.messaging_opt_out);
            let drafts = customer
                .contacts
                .iter()
                .zip(0u32..)
                .map(|(contact, key)| ContactDraft {
                    key,
                    name: contact.name.clone(),
                    role: contact.role.clone().unwrap_or_default(),
                    email: contact.email.clone().unwrap_or_default(),
                    phone: contact.phone.clone().unwrap_or_default(),
                    mobile: contact.mobile.clone().unwrap_or_default(),
                    wechat_id: contact.wechat_id.clone().unwrap_or_default(),
                    wecom_id: contact.wecom_external_user_id.clone().unwrap_or_default(),
                    channel: contact.preferred_channel.clone().unwrap_or_default(),
                    locale: contact
                        .locale
                        .as_ref()
                        .map(crate::components::enum_name)
                        .unwrap_or_default(),
                    billing: contact.billing,
                })
                .collect::<Vec<_>>();
            next_contact_key.set_value(u32::try_from(drafts.len()).unwrap_or(u32::MAX));
            contacts.set(drafts);
            errors.set(Default::default());
        }
    };
    fill();
    Effect::new(move |_| {
        if open.get() {
            fill();
        }
    });
    let customer_id = customer.id.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        busy.set(true);
        errors.set(Default::default());
        // Blank text clears a field. An assignment is sent only when it changed (`""`: nobody),
        // and never when the pickers are not shown.
        let pickers = members.with_untracked(Option::is_some);
        let changed = |value: RwSignal<String>, before: &str| {
            let now = value.get_untracked();
            (pickers && now != before).then_some(now)
        };
        // Sent whole: the list replaces the customer's contacts.
        let contact_inputs = contact_inputs!(ops::update_customer, contacts.get_untracked());
        let input = ops::update_customer::UpdateCustomerInput {
            customer_id: customer_id.clone(),
            name: Some(name.get_untracked()),
            code: Some(code.get_untracked()),
            tax_id: Some(tax_id.get_untracked().trim().to_owned()),
            segment: Some(segment.get_untracked().trim().to_owned()),
            payment_terms_days: terms.get_untracked().trim().parse().ok(),
            notes: Some(notes.get_untracked()),
            collector_id: changed(collector, &collector_before),
            salesperson_id: changed(salesperson, &salesperson_before),
            // Always sent: null gives the customer the company's language again.
            locale: api::chosen::<ops::update_customer::Locale>(&customer_locale.get_untracked()),
            tags: Some(split_tags(&tags.get_untracked())),
            contacts: Some(contact_inputs),
            // Always sent: empty (null) gives the customer the company's time zone again.
            time_zone: Some(time_zone.get_untracked().trim().to_owned())
                .filter(|zone| !zone.is_empty()),
            messaging_opt_out: Some(opt_out.get_untracked()),
            ..Default::default()
        };
        leptos::task::spawn_local(async move {
            let result =
                api::run::<ops::UpdateCustomer>(ops::update_customer::Variables { input }).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::CustomerUpdated));
                    open.set(false);
                    on_done();
                }
                Err(failure) => {
                    let shown_under = edit_error_key(failure.field_name());
                    match shown_under {
                        Some(key) => {
                            let message = field_error_text(&failure, locale.get_untracked());
                            errors.update(|errors| {
                                errors.insert(key, message);
                            });
                        }
                        None => toasts.api_error(locale.get_untracked(), failure),
                    }
                }
            }
        });
    };
    view! {
        <Modal open=open title=Signal::derive(move || text(Msg::EditCustomer).to_owned())>
            <form class="form-grid" novalidate on:submit=submit.clone() data-testid="edit-customer-form">
                <TextField name="edit-name" label=Signal::derive(move || text(Msg::Name)) value=name error=error("name") required=true/>
                <TextField name="edit-code" label=Signal::derive(move || text(Msg::Code)) value=code error=error("code") required=true/>
                <TextField name="edit-taxId" label=Signal::derive(move || text(Msg::TaxId)) value=tax_id error=error("taxId")/>
                <TextField name="edit-segment" label=Signal::derive(move || text(Msg::CustomerSegmentLabel)) value=segment error=error("segment")/>
                <TextField name="edit-terms" label=Signal::derive(move || text(Msg::PaymentTermsDays)) value=terms error=error("paymentTermsDays") input_type="number"/>
                <TextField name="edit-tags" label=Signal::derive(move || text(Msg::CustomerTagsLabel)) value=tags error=error("tags") hint=Signal::derive(move || text(Msg::CustomerTagsHint))/>
                <AssigneeFields
                    members=members
                    collector=collector
                    salesperson=salesperson
                    collector_name="edit-collectorId"
                    salesperson_name="edit-salespersonId"
                    current_collector=current_collector.clone()
                    current_salesperson=current_salesperson.clone()
                    error=assignee_error
                />
                <SelectField
                    name="edit-locale"
                    label=Signal::derive(move || text(Msg::CustomerLocaleLabel))
                    value=customer_locale
                    options=Signal::derive(move || vec![
                        (String::new(), text(Msg::CustomerLocaleCompany).to_owned()),
                        ("ZH_CN".to_owned(), "中文".to_owned()),
                        ("EN".to_owned(), "English".to_owned()),
                    ])
                />
                <TextField name="edit-timeZone" label=Signal::derive(move || text(Msg::CustomerTimeZoneLabel)) value=time_zone error=error("timeZone") hint=Signal::derive(move || text(Msg::CustomerTimeZoneHint))/>
                <label class="check">
                    <input
                        type="checkbox"
                        name="edit-messagingOptOut"
                        prop:checked=move || opt_out.get()
                        on:change=move |event| opt_out.set(event_target_checked(&event))
                    />
                    {move || text(Msg::CustomerMessagingOptOut)}
                </label>
                <NotesField name="edit-notes" value=notes error=error("notes")/>
                <ContactsEditor contacts=contacts next_key=next_contact_key errors=errors/>
                <div class="form-actions">
                    <Button r#type="submit" busy=busy test_id="save-customer-changes">{move || text(Msg::Save)}</Button>
                </div>
            </form>
        </Modal>
    }
}

/// The fields of the edit dialog an error can be shown under; any other goes to a toast.
const EDIT_FIELDS: [&str; 9] = [
    "name",
    "code",
    "taxId",
    "segment",
    "paymentTermsDays",
    "notes",
    "collectorId",
    "salespersonId",
    "timeZone",
];

/// Where the edit dialog shows an error on `field` (the server's name without `input.`): under
/// that field, under the tags (any one of them), or under a contact's field (`contacts[2].email`);
/// `None` for a toast.
fn edit_error_key(field: &str) -> Option<String> {
    if EDIT_FIELDS.contains(&field) || field == "tags" || field == "contacts" {
        return Some(field.to_owned());
    }
    if field.starts_with("tags[") {
        return Some("tags".to_owned());
    }
    let (index, name) = field.strip_prefix("contacts[")?.split_once("].")?;
    index.parse::<usize>().ok()?;
    CONTACT_FIELDS
        .iter()
        .any(|known| known.api_name() == name)
        .then(|| field.to_owned())
}

/// An error shown under its field, without the row number its field names ("Line 2: "): the
/// field already sits in its row.
pub(super) fn field_error_text(failure: &api::ApiError, locale: domain::Locale) -> String {
    match failure {
        api::ApiError::Api {
            reason: Some(reason),
            ..
        } => domain::messages::error_text(reason, None, locale),
        other => other.text(locale),
    }
}

/// The tags as typed, split at commas (a Chinese `，` or `、` too), blanks left out.
fn split_tags(typed: &str) -> Vec<String> {
    typed
        .split([',', '，', '、'])
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .map(str::to_owned)
        .collect()
}
