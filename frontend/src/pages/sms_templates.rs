//! The ladder editor's SMS templates: for each SEND_SMS step and each language, the SMS
//! channel's approved template and what fills its parameters. A step without one for a
//! language stays a task for the customers who read it.

use crate::api::{self, DeleteSmsTemplate, SaveSmsTemplate, SmsTemplates};
use crate::components::{Button, TextField, ToastKind, field_error, use_toasts};
use crate::i18n::{MessagingMsg as M, use_locale, use_text, variable_label};
use domain::Locale;
use domain::messaging::{MAX_TEMPLATE_PARAMS, MessageChannelKind, MessageProvider, SmsVariable};
use leptos::prelude::*;

type Template = api::sms_templates::SmsTemplatesSmsTemplates;

/// A SEND_SMS step of the ladder: its day and its name.
#[derive(Debug, Clone, PartialEq)]
pub struct SmsStep {
    pub offset: i64,
    pub name: String,
}

#[component]
pub fn SmsTemplateEditor(policy_id: String, steps: Vec<SmsStep>) -> impl IntoView {
    let text = use_text();
    let reload = RwSignal::new(0u32);
    let loaded = LocalResource::new({
        let policy_id = policy_id.clone();
        move || {
            reload.get();
            api::run::<SmsTemplates>(api::sms_templates::Variables {
                ladder_id: policy_id.clone(),
            })
        }
    });
    let data = move || loaded.get().and_then(Result::ok);
    let provider = move || {
        data().and_then(|data| {
            data.message_channels
                .iter()
                .filter_map(|channel| api::to_domain::<_, MessageProvider>(&channel.provider))
                .find(|provider| provider.kind() == MessageChannelKind::Sms)
        })
    };
    let steps = StoredValue::new(steps);
    let policy_id = StoredValue::new(policy_id);
    let changed = Callback::new(move |_: ()| reload.update(|n| *n += 1));
    view! {
        <div class="panel sms-templates" data-testid="sms-templates">
            <h2>{move || text(M::Templates)}</h2>
            <p class="field-hint">{move || text(M::TemplatesLead)}</p>
            {move || {
                let data = data()?;
                let Some(provider) = provider() else {
                    return Some(view! {
                        <p class="notice"><a href="/settings/messaging">{move || text(M::NoSmsChannel)}</a></p>
                    }.into_any());
                };
                if steps.with_value(Vec::is_empty) {
                    return Some(view! { <p class="empty">{move || text(M::NoSmsSteps)}</p> }.into_any());
                }
                let templates = data.sms_templates;
                Some(steps.get_value().into_iter().map(|step| {
                    let heading = format!("{} ({:+})", step.name, step.offset);
                    let forms = [Locale::ZhCn, Locale::En].into_iter().map(|locale| {
                        let saved = templates
                            .iter()
                            .find(|t| {
                                t.step_offset == step.offset
                                    && template_locale(&t.locale) == Some(locale)
                                    && api::to_domain::<_, MessageProvider>(&t.provider) == Some(provider)
                            })
                            .cloned();
                        view! {
                            <TemplateForm policy_id=policy_id.get_value() offset=step.offset locale=locale
                                provider=provider saved=saved on_changed=changed/>
                        }
                    }).collect_view();
                    view! {
                        <section class="sms-step" data-testid="sms-step" data-offset=step.offset.to_string()>
                            <h3>{heading}</h3>
                            <div class="sms-step-forms">{forms}</div>
                        </section>
                    }
                }).collect_view().into_any())
            }}
        </div>
    }
}

fn template_locale(value: &api::sms_templates::Locale) -> Option<Locale> {
    match value {
        api::sms_templates::Locale::ZH_CN => Some(Locale::ZhCn),
        api::sms_templates::Locale::EN => Some(Locale::En),
        api::sms_templates::Locale::Other(_) => None,
    }
}

/// One step's template in one language.
#[component]
fn TemplateForm(
    policy_id: String,
    offset: i64,
    locale: Locale,
    provider: MessageProvider,
    saved: Option<Template>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let text = use_text();
    let reader = use_locale();
    let toasts = use_toasts();
    let exists = saved.is_some();
    let code = RwSignal::new(
        saved
            .as_ref()
            .map(|t| t.template_code.clone())
            .unwrap_or_default(),
    );
    let next_key = StoredValue::new(0u32);
    let fresh_key = move || {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        key
    };
    // Each parameter: a key for the list, its name in the template, what fills it.
    let params = RwSignal::new(
        saved
            .as_ref()
            .map(|t| {
                t.params
                    .iter()
                    .map(|p| {
                        let value = api::to_domain::<_, SmsVariable>(&p.value)
                            .unwrap_or(SmsVariable::CustomerName);
                        (
                            fresh_key(),
                            RwSignal::new(p.name.clone()),
                            RwSignal::new(value.as_str().to_owned()),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default(),
    );
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<(String, String)>);
    let policy = StoredValue::new(policy_id);
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let input = api::save_sms_template::SaveSmsTemplateInput {
            ladder_id: policy.get_value(),
            step_offset: offset,
            locale: match locale {
                Locale::ZhCn => api::save_sms_template::Locale::ZH_CN,
                Locale::En => api::save_sms_template::Locale::EN,
            },
            provider: api::from_domain(&provider)
                .unwrap_or(api::save_sms_template::MessageProvider::ALIYUN_SMS),
            template_code: code.get_untracked().trim().to_owned(),
            params: params
                .get_untracked()
                .into_iter()
                .map(
                    |(_, name, value)| api::save_sms_template::SmsTemplateParamInput {
                        name: name.get_untracked().trim().to_owned(),
                        value: api::chosen(&value.get_untracked())
                            .unwrap_or(api::save_sms_template::SmsVariable::CUSTOMER_NAME),
                    },
                )
                .collect(),
        };
        busy.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            let result =
                api::run::<SaveSmsTemplate>(api::save_sms_template::Variables { input }).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(M::TemplateSaved));
                    on_changed.run(());
                }
                Err(error) => failure.set(Some((
                    error.field_name().to_owned(),
                    error.text(reader.get_untracked()),
                ))),
            }
        });
    };
    let remove = move |_| {
        let input = api::delete_sms_template::DeleteSmsTemplateInput {
            ladder_id: policy.get_value(),
            step_offset: offset,
            locale: match locale {
                Locale::ZhCn => api::delete_sms_template::Locale::ZH_CN,
                Locale::En => api::delete_sms_template::Locale::EN,
            },
            provider: api::from_domain(&provider)
                .unwrap_or(api::delete_sms_template::MessageProvider::ALIYUN_SMS),
        };
        leptos::task::spawn_local(async move {
            match api::run::<DeleteSmsTemplate>(api::delete_sms_template::Variables { input }).await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(M::TemplateDeleted));
                    on_changed.run(());
                }
                Err(error) => toasts.api_error(reader.get_untracked(), error),
            }
        });
    };
    let variables = move || {
        SmsVariable::ALL
            .iter()
            .map(|variable| (variable.as_str(), variable_label(reader.get(), *variable)))
            .collect::<Vec<_>>()
    };
    let other_error = move || {
        failure
            .get()
            .filter(|(at, _)| at != "templateCode")
            .map(|(_, message)| message)
    };
    let numbered = move || params.get().into_iter().enumerate().collect::<Vec<_>>();
    let code_name = match locale {
        Locale::ZhCn => "sms-template-code-zh",
        Locale::En => "sms-template-code-en",
    };
    let audience = match locale {
        Locale::ZhCn => M::ForZh,
        Locale::En => M::ForEn,
    };
    view! {
        <form class="form-grid sms-template" novalidate on:submit=save data-testid="sms-template" data-locale=locale.tag()>
            <h4>{move || text(audience)}</h4>
            {(!exists).then(|| view! { <p class="field-hint">{move || text(M::NotMapped)}</p> })}
            <TextField name=code_name label=Signal::derive(move || text(M::TemplateCode)) value=code
                hint=Signal::derive(move || text(M::TemplateCodeHint)) error=field_error(failure, "templateCode")/>
            <table class="data-table">
                <thead><tr>
                    <th scope="col">{move || text(M::ParamName)}</th>
                    <th scope="col">{move || text(M::ParamValue)}</th>
                    <th scope="col"></th>
                </tr></thead>
                <tbody>
                    <For each=numbered key=|(_, (key, _, _))| *key let:item>
                        {
                            let (index, (key, name, value)) = item;
                            let name_label = move || format!("{} {}", text(M::ParamName), index + 1);
                            let value_label = move || format!("{} {}", text(M::ParamValue), index + 1);
                            view! {
                                <tr>
                                    <td><input aria-label=name_label prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/></td>
                                    <td>
                                        <select aria-label=value_label prop:value=move || value.get() on:change=move |e| value.set(event_target_value(&e))>
                                            {move || variables().into_iter().map(|(option, label)| {
                                                let selected = option == value.get_untracked();
                                                view! { <option value=option selected=selected>{label}</option> }
                                            }).collect_view()}
                                        </select>
                                    </td>
                                    <td>
                                        <button type="button" class="button button-secondary"
                                            on:click=move |_| params.update(|list| list.retain(|(held, _, _)| *held != key))>
                                            {move || text(M::RemoveParam)}
                                        </button>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <Show when=move || params.with(Vec::len) < MAX_TEMPLATE_PARAMS>
                <button type="button" class="button button-secondary" on:click=move |_| {
                    let key = fresh_key();
                    params.update(|list| list.push((key, RwSignal::new(String::new()), RwSignal::new(SmsVariable::CustomerName.as_str().to_owned()))));
                }>{move || text(M::AddParam)}</button>
            </Show>
            <Show when=move || other_error().is_some()>
                <p class="field-error" role="alert">{move || other_error().unwrap_or_default()}</p>
            </Show>
            <div class="form-actions">
                <Button r#type="submit" busy=busy test_id="save-sms-template">{move || text(M::SaveTemplate)}</Button>
                {exists.then(|| view! {
                    <button type="button" class="button button-secondary" on:click=remove>{move || text(M::DeleteTemplate)}</button>
                })}
            </div>
        </form>
    }
}
