//! The contacts editor of the customer's edit dialog: several contacts with role, phones,
//! email, WeChat id, WeChat Work contact id, preferred channel, language and whether they
//! receive billing.

use crate::i18n::{Msg, use_text};
use leptos::prelude::*;

/// How many contacts a customer may have (the API's limit).
const MAX_CONTACTS: usize = 20;

/// The ways a contact may prefer to be reached, as the API names them, with their texts.
pub(super) const CONTACT_CHANNELS: [(&str, Msg); 6] = [
    ("PHONE", Msg::ChannelPhone),
    ("EMAIL", Msg::ChannelEmail),
    ("SMS", Msg::ChannelSms),
    ("WECHAT", Msg::ChannelWechat),
    ("VISIT", Msg::ChannelVisit),
    ("LETTER", Msg::ChannelLetter),
];

/// A contact's field in the edit dialog (all but the billing tick).
#[derive(Clone, Copy, PartialEq)]
pub(super) enum ContactField {
    Name,
    Role,
    Email,
    Phone,
    Mobile,
    WechatId,
    WecomId,
    Channel,
    Locale,
}

pub(super) const CONTACT_FIELDS: [ContactField; 9] = [
    ContactField::Name,
    ContactField::Role,
    ContactField::Email,
    ContactField::Phone,
    ContactField::Mobile,
    ContactField::WechatId,
    ContactField::WecomId,
    ContactField::Channel,
    ContactField::Locale,
];

impl ContactField {
    /// Its name in the API (`contacts[2].email`), which also ends its input's id.
    pub(super) fn api_name(self) -> &'static str {
        match self {
            ContactField::Name => "name",
            ContactField::Role => "role",
            ContactField::Email => "email",
            ContactField::Phone => "phone",
            ContactField::Mobile => "mobile",
            ContactField::WechatId => "wechatId",
            ContactField::WecomId => "wecomExternalUserId",
            ContactField::Channel => "preferredChannel",
            ContactField::Locale => "locale",
        }
    }

    fn label(self) -> Msg {
        match self {
            ContactField::Name => Msg::ContactPersonName,
            ContactField::Role => Msg::ContactRole,
            ContactField::Email => Msg::Email,
            ContactField::Phone => Msg::ContactPhone,
            ContactField::Mobile => Msg::ContactMobile,
            ContactField::WechatId => Msg::ContactWechatId,
            ContactField::WecomId => Msg::ContactWecomId,
            ContactField::Channel => Msg::ContactPreferredChannel,
            ContactField::Locale => Msg::ContactLocale,
        }
    }
}

/// One contact as edited: texts as typed, the selects' values (`""` for none) and the tick.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct ContactDraft {
    /// Tells the rows apart while some are added and removed.
    pub(super) key: u32,
    pub(super) name: String,
    pub(super) role: String,
    pub(super) email: String,
    pub(super) phone: String,
    pub(super) mobile: String,
    pub(super) wechat_id: String,
    /// The WeChat Work external contact id (`wm…`) WeChat steps go to.
    pub(super) wecom_id: String,
    /// `PHONE`, `EMAIL`, … or `""` for no preference.
    pub(super) channel: String,
    /// `ZH_CN`, `EN` or `""` for the customer's language.
    pub(super) locale: String,
    pub(super) billing: bool,
}

impl ContactDraft {
    fn get(&self, field: ContactField) -> &str {
        match field {
            ContactField::Name => &self.name,
            ContactField::Role => &self.role,
            ContactField::Email => &self.email,
            ContactField::Phone => &self.phone,
            ContactField::Mobile => &self.mobile,
            ContactField::WechatId => &self.wechat_id,
            ContactField::WecomId => &self.wecom_id,
            ContactField::Channel => &self.channel,
            ContactField::Locale => &self.locale,
        }
    }

    fn slot(&mut self, field: ContactField) -> &mut String {
        match field {
            ContactField::Name => &mut self.name,
            ContactField::Role => &mut self.role,
            ContactField::Email => &mut self.email,
            ContactField::Phone => &mut self.phone,
            ContactField::Mobile => &mut self.mobile,
            ContactField::WechatId => &mut self.wechat_id,
            ContactField::WecomId => &mut self.wecom_id,
            ContactField::Channel => &mut self.channel,
            ContactField::Locale => &mut self.locale,
        }
    }
}

/// The contacts as typed, as the `ContactInput`s of the operation module `$module` (create and
/// update each have their own generated type, of the same shape): texts trimmed, blanks none.
macro_rules! contact_inputs {
    ($module:path, $drafts:expr) => {{
        use $module as module;
        let optional = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        $drafts
            .iter()
            .map(|contact| module::ContactInput {
                name: contact.name.trim().to_owned(),
                role: optional(&contact.role),
                email: optional(&contact.email),
                phone: optional(&contact.phone),
                preferred_channel: optional(&contact.channel),
                locale: crate::api::chosen::<module::Locale>(&contact.locale),
                mobile: optional(&contact.mobile),
                wechat_id: optional(&contact.wechat_id),
                wecom_external_user_id: optional(&contact.wecom_id),
                billing: Some(contact.billing),
            })
            .collect::<Vec<_>>()
    }};
}
pub(super) use contact_inputs;

type FieldErrors = RwSignal<std::collections::HashMap<String, String>>;

/// The customer's contacts in the edit dialog: a row each, added and removed in place and sent
/// whole on save, with the errors the server gave under each row's fields.
#[component]
pub(super) fn ContactsEditor(
    contacts: RwSignal<Vec<ContactDraft>>,
    next_key: StoredValue<u32>,
    errors: FieldErrors,
) -> impl IntoView {
    let text = use_text();
    // A row is drawn again when its position changes, so its ids and errors follow it.
    let rows = move || {
        contacts.with(|list| {
            list.iter()
                .enumerate()
                .map(|(index, contact)| (index, contact.key))
                .collect::<Vec<_>>()
        })
    };
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        contacts.update(|list| {
            list.push(ContactDraft {
                key,
                ..Default::default()
            });
        });
    };
    let list_error = Signal::derive(move || errors.with(|errors| errors.get("contacts").cloned()));
    view! {
        <div class="field-wide contacts-editor" data-testid="contacts-editor">
            <h3>{move || text(Msg::Contacts)}</h3>
            <p class="field-hint">{move || text(Msg::ContactsBillingHint)}</p>
            <For each=rows key=|row| *row let:row>
                <ContactRow index=row.0 row_key=row.1 contacts=contacts errors=errors/>
            </For>
            <Show when=move || list_error.get().is_some()>
                <p class="field-error" role="alert">{move || list_error.get().unwrap_or_default()}</p>
            </Show>
            <button
                type="button"
                class="button button-secondary"
                data-testid="add-contact"
                disabled=move || contacts.with(|list| list.len() >= MAX_CONTACTS)
                on:click=add
            >
                {move || text(Msg::AddContact)}
            </button>
        </div>
    }
}

/// One contact's fields, their inputs' ids numbered by the row (`contact-0-email`).
#[component]
fn ContactRow(
    index: usize,
    row_key: u32,
    contacts: RwSignal<Vec<ContactDraft>>,
    errors: FieldErrors,
) -> impl IntoView {
    let text = use_text();
    let remove = move |_| {
        contacts.update(|list| list.retain(|contact| contact.key != row_key));
        // The rows below move up: errors given by position no longer fit them.
        errors.update(|errors| errors.retain(|field, _| !field.starts_with("contacts")));
    };
    let billing_id = format!("contact-{index}-billing");
    let billing = move || {
        contacts.with(|list| {
            list.iter()
                .find(|contact| contact.key == row_key)
                .is_some_and(|contact| contact.billing)
        })
    };
    let set_billing = move |checked: bool| {
        contacts.update(|list| {
            if let Some(contact) = list.iter_mut().find(|contact| contact.key == row_key) {
                contact.billing = checked;
            }
        });
    };
    let channel_options = Signal::derive(move || {
        let mut options = vec![(String::new(), text(Msg::ContactNoChannel).to_owned())];
        options.extend(
            CONTACT_CHANNELS
                .iter()
                .map(|(value, msg)| ((*value).to_owned(), text(*msg).to_owned())),
        );
        options
    });
    let locale_options = Signal::derive(move || {
        vec![
            (String::new(), text(Msg::ContactLocaleCustomer).to_owned()),
            ("ZH_CN".to_owned(), "中文".to_owned()),
            ("EN".to_owned(), "English".to_owned()),
        ]
    });
    view! {
        <fieldset class="contact-row" data-testid="contact-row">
            <legend>{move || format!("{} {}", text(Msg::ContactLegend), index + 1)}</legend>
            <div class="form-grid">
                <ContactTextField index=index row_key=row_key contacts=contacts errors=errors field=ContactField::Name/>
                <ContactTextField index=index row_key=row_key contacts=contacts errors=errors field=ContactField::Role/>
                <ContactTextField index=index row_key=row_key contacts=contacts errors=errors field=ContactField::Email input_type="email"/>
                <ContactTextField index=index row_key=row_key contacts=contacts errors=errors field=ContactField::Phone input_type="tel"/>
                <ContactTextField index=index row_key=row_key contacts=contacts errors=errors field=ContactField::Mobile input_type="tel"/>
                <ContactTextField index=index row_key=row_key contacts=contacts errors=errors field=ContactField::WechatId/>
                <ContactTextField index=index row_key=row_key contacts=contacts errors=errors field=ContactField::WecomId/>
                <ContactSelectField index=index row_key=row_key contacts=contacts errors=errors field=ContactField::Channel options=channel_options/>
                <ContactSelectField index=index row_key=row_key contacts=contacts errors=errors field=ContactField::Locale options=locale_options/>
                <label class="check">
                    <input
                        type="checkbox"
                        id=billing_id
                        prop:checked=billing
                        on:change=move |event| set_billing(event_target_checked(&event))
                    />
                    {move || text(Msg::ContactBilling)}
                </label>
            </div>
            <button type="button" class="button button-secondary" data-testid="remove-contact" on:click=remove>
                {move || text(Msg::RemoveContact)}
            </button>
        </fieldset>
    }
}

/// A contact's value for `field`, read and written in the list by the row's key.
fn contact_value(
    contacts: RwSignal<Vec<ContactDraft>>,
    row_key: u32,
    field: ContactField,
) -> (
    impl Fn() -> String + Copy + Send + Sync + 'static,
    impl Fn(String) + Copy + Send + Sync + 'static,
) {
    let read = move || {
        contacts.with(|list| {
            list.iter()
                .find(|contact| contact.key == row_key)
                .map(|contact| contact.get(field).to_owned())
                .unwrap_or_default()
        })
    };
    let write = move |value: String| {
        contacts.update(|list| {
            if let Some(contact) = list.iter_mut().find(|contact| contact.key == row_key) {
                *contact.slot(field) = value;
            }
        });
    };
    (read, write)
}

/// The error the server gave for a contact's field, by the row's position.
fn contact_error(errors: FieldErrors, index: usize, field: ContactField) -> Signal<Option<String>> {
    let key = format!("contacts[{index}].{}", field.api_name());
    Signal::derive(move || errors.with(|errors| errors.get(&key).cloned()))
}

/// A labelled input for one of a contact's texts, with its error below it.
#[component]
fn ContactTextField(
    index: usize,
    row_key: u32,
    contacts: RwSignal<Vec<ContactDraft>>,
    errors: FieldErrors,
    field: ContactField,
    #[prop(default = "text")] input_type: &'static str,
) -> impl IntoView {
    let text = use_text();
    let id = format!("contact-{index}-{}", field.api_name());
    let error_id = format!("{id}-error");
    let error = contact_error(errors, index, field);
    let (read, write) = contact_value(contacts, row_key, field);
    let described_by = {
        let error_id = error_id.clone();
        move || error.get().is_some().then(|| error_id.clone())
    };
    let label_for = id.clone();
    let input_name = id.clone();
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=label_for>{move || text(field.label())}</label>
            <input
                id=id
                name=input_name
                type=input_type
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described_by
                prop:value=read
                on:input=move |event| write(event_target_value(&event))
            />
            <Show when=move || error.get().is_some()>
                <p class="field-error" id=error_id.clone() role="alert">
                    {move || error.get().unwrap_or_default()}
                </p>
            </Show>
        </div>
    }
}

/// A labelled drop-down for a contact's preferred channel or language, with its error below it.
#[component]
fn ContactSelectField(
    index: usize,
    row_key: u32,
    contacts: RwSignal<Vec<ContactDraft>>,
    errors: FieldErrors,
    field: ContactField,
    options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    let text = use_text();
    let id = format!("contact-{index}-{}", field.api_name());
    let error = contact_error(errors, index, field);
    let (read, write) = contact_value(contacts, row_key, field);
    let label_for = id.clone();
    let select_name = id.clone();
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=label_for>{move || text(field.label())}</label>
            <select
                id=id
                name=select_name
                prop:value=read
                on:change=move |event| write(event_target_value(&event))
            >
                {move || {
                    let chosen = contacts.with_untracked(|list| {
                        list.iter()
                            .find(|contact| contact.key == row_key)
                            .map(|contact| contact.get(field).to_owned())
                            .unwrap_or_default()
                    });
                    options
                        .get()
                        .into_iter()
                        .map(|(option, label)| {
                            let selected = option == chosen;
                            view! { <option value=option selected=selected>{label}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <Show when=move || error.get().is_some()>
                <p class="field-error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </div>
    }
}
