//! Settings → SMS & WeChat Work: the company's SMS channel (Alibaba Cloud or Tencent Cloud, its
//! signature, quiet hours and sealed credentials, the receipts address for the provider's
//! console), its WeChat Work channel (the corp, which member sends for each collector), and the
//! log of every message sent.

use super::access::RequirePermission;
use super::message_log::MessageLog;
use crate::api::{self, DeleteMessageChannel, MessageChannels, SaveMessageChannel};
use crate::components::{
    Button, Modal, SelectField, TextField, ToastKind, field_error, use_toasts,
};
use crate::i18n::{MessagingMsg as M, use_locale, use_text};
use domain::access::Permission;
use domain::messaging::{ChannelSettings, MessageChannelKind, MessageProvider};
use leptos::prelude::*;
use serde_json::{Map, Value, json};

type Channel = api::message_channels::MessageChannelsMessageChannels;
type Member = api::message_channels::MessageChannelsAssignableMembers;

#[component]
pub fn MessagingPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ManageDunning>
            <Messaging/>
        </RequirePermission>
    }
}

#[component]
fn Messaging() -> impl IntoView {
    let text = use_text();
    let reload = RwSignal::new(0u32);
    let loaded = LocalResource::new(move || {
        reload.get();
        api::run::<MessageChannels>(api::message_channels::Variables {})
    });
    let data = move || loaded.get().and_then(Result::ok);
    let channel = move |kind: MessageChannelKind| {
        data().and_then(|data| {
            data.message_channels.into_iter().find(|channel| {
                api::to_domain::<_, MessageChannelKind>(&channel.kind) == Some(kind)
            })
        })
    };
    let collectors = Signal::derive(move || {
        data()
            .map(|data| {
                data.assignable_members
                    .into_iter()
                    .filter(|member| member.may_collect)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let changed = Callback::new(move |_: ()| reload.update(|n| *n += 1));
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(M::Title)}</h1>
                <p class="lead">{move || text(M::Lead)}</p>
            </header>
            // Each form is drawn once its channel is known, so its fields start from what is saved.
            {move || data().map(|_| view! {
                <SmsChannelForm channel=channel(MessageChannelKind::Sms) on_changed=changed/>
                <WecomChannelForm channel=channel(MessageChannelKind::Wecom) collectors=collectors on_changed=changed/>
            })}
            <MessageLog customer_id=None/>
        </section>
    }
}

/// What a channel form sends: its provider, its settings and, when typed, new credentials.
fn save_channel(
    provider: MessageProvider,
    settings: Value,
    credentials: Option<Value>,
    busy: RwSignal<bool>,
    failure: RwSignal<Option<(String, String)>>,
    locale: domain::Locale,
    on_saved: impl FnOnce() + 'static,
) {
    let input = api::save_message_channel::SaveMessageChannelInput {
        kind: api::from_domain(&provider.kind())
            .unwrap_or(api::save_message_channel::MessageChannelKind::SMS),
        provider: api::from_domain(&provider)
            .unwrap_or(api::save_message_channel::MessageProvider::ALIYUN_SMS),
        settings,
        credentials,
    };
    busy.set(true);
    failure.set(None);
    leptos::task::spawn_local(async move {
        let result =
            api::run::<SaveMessageChannel>(api::save_message_channel::Variables { input }).await;
        busy.set(false);
        match result {
            Ok(_) => on_saved(),
            Err(error) => failure.set(Some((error.field_name().to_owned(), error.text(locale)))),
        }
    });
}

/// Typed credentials as the provider names them, or none when every field is empty (the saved
/// ones are kept).
fn typed_credentials(provider: MessageProvider, values: [String; 2]) -> Option<Value> {
    if values.iter().all(|value| value.trim().is_empty()) {
        return None;
    }
    let fields: Map<String, Value> = provider
        .credential_fields()
        .iter()
        .zip(values)
        .map(|(name, value)| ((*name).to_owned(), Value::String(value.trim().to_owned())))
        .collect();
    Some(Value::Object(fields))
}

fn saved_settings(channel: &Option<Channel>) -> ChannelSettings {
    channel
        .as_ref()
        .and_then(|channel| serde_json::from_value(channel.settings.clone()).ok())
        .unwrap_or_default()
}

fn hh_mm(time: chrono::NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

/// The quiet hours' two times, with their hint.
#[component]
fn QuietHoursFields(
    prefix: &'static str,
    start: RwSignal<String>,
    end: RwSignal<String>,
    failure: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let text = use_text();
    let (start_name, end_name) = match prefix {
        "sms" => ("sms-quiet-start", "sms-quiet-end"),
        _ => ("wecom-quiet-start", "wecom-quiet-end"),
    };
    view! {
        <div class="field-row">
            <TextField name=start_name label=Signal::derive(move || text(M::QuietFrom)) value=start input_type="time"
                error=field_error(failure, "settings.quietHours.start")/>
            <TextField name=end_name label=Signal::derive(move || text(M::QuietUntil)) value=end input_type="time"
                error=field_error(failure, "settings.quietHours.end")/>
        </div>
        <p class="field-hint">{move || text(M::QuietHint)}</p>
    }
}

/// The credentials' fields, with what becomes of them: sealed, never shown, kept when left empty.
#[component]
fn CredentialsFieldset(configured: bool, children: Children) -> impl IntoView {
    let text = use_text();
    view! {
        <fieldset class="form-grid">
            <legend>{move || text(M::Credentials)}</legend>
            <p class="field-hint">
                {move || text(M::CredentialsNew)}" "
                {configured.then(|| view! { {move || text(M::CredentialsKeep)} })}
            </p>
            {children()}
        </fieldset>
    }
}

/// The saved channel's facts and its "Remove" with a confirmation.
#[component]
fn SavedChannel(
    kind: MessageChannelKind,
    channel: Channel,
    on_removed: Callback<()>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let confirm_open = RwSignal::new(false);
    let remove = move |_| {
        confirm_open.set(false);
        let input = api::delete_message_channel::DeleteMessageChannelInput {
            kind: api::from_domain(&kind)
                .unwrap_or(api::delete_message_channel::MessageChannelKind::SMS),
        };
        leptos::task::spawn_local(async move {
            match api::run::<DeleteMessageChannel>(api::delete_message_channel::Variables { input })
                .await
            {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(M::Removed));
                    on_removed.run(());
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    let when = crate::calendar::company_time(&channel.updated_at);
    view! {
        <dl class="webhook-facts">
            <dt>{move || text(M::CredentialsSaved)}</dt>
            <dd><code data-testid="credentials-hint">{channel.credentials_hint.clone()}</code></dd>
            {channel.callback_url.clone().map(|url| view! {
                <dt>{move || text(M::CallbackUrl)}</dt>
                <dd><code data-testid="callback-url">{url}</code>
                    <br/><small class="muted">{move || text(M::CallbackHint)}</small></dd>
            })}
            <dt>{move || text(M::ChangedBy)}</dt>
            <dd>{channel.updated_by.clone()}" · "{when}</dd>
        </dl>
        <button type="button" class="button button-danger" on:click=move |_| confirm_open.set(true)>
            {move || text(M::Remove)}
        </button>
        <Modal open=confirm_open title=Signal::derive(move || text(M::Remove).to_owned())>
            <p>{move || text(M::RemoveConfirm)}</p>
            <div class="modal-actions">
                <button type="button" class="button button-danger" data-testid="confirm-remove-channel" on:click=remove>
                    {move || text(M::Remove)}
                </button>
            </div>
        </Modal>
    }
}

/// The SMS channel: provider, signature, region, Tencent's application, quiet hours, keys.
#[component]
fn SmsChannelForm(channel: Option<Channel>, on_changed: Callback<()>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let saved = saved_settings(&channel);
    let saved_provider = channel
        .as_ref()
        .and_then(|channel| api::to_domain::<_, MessageProvider>(&channel.provider))
        .unwrap_or(MessageProvider::AliyunSms);
    let provider = RwSignal::new(saved_provider.as_str().to_owned());
    let sign_name = RwSignal::new(saved.sign_name.clone().unwrap_or_default());
    let region = RwSignal::new(saved.region.clone().unwrap_or_default());
    let sdk_app_id = RwSignal::new(saved.sdk_app_id.clone().unwrap_or_default());
    let quiet_start = RwSignal::new(hh_mm(saved.quiet_hours.start));
    let quiet_end = RwSignal::new(hh_mm(saved.quiet_hours.end));
    let first_key = RwSignal::new(String::new());
    let second_key = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<(String, String)>);
    let chosen =
        move || MessageProvider::parse(&provider.get()).unwrap_or(MessageProvider::AliyunSms);
    let tencent = move || chosen() == MessageProvider::TencentSms;
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let provider = chosen();
        let mut settings = json!({
            "signName": sign_name.get_untracked(),
            "quietHours": {"start": quiet_start.get_untracked(), "end": quiet_end.get_untracked()},
        });
        if !region.get_untracked().trim().is_empty() {
            settings["region"] = json!(region.get_untracked().trim());
        }
        if provider == MessageProvider::TencentSms {
            settings["sdkAppId"] = json!(sdk_app_id.get_untracked());
        }
        let credentials = typed_credentials(
            provider,
            [first_key.get_untracked(), second_key.get_untracked()],
        );
        save_channel(
            provider,
            settings,
            credentials,
            busy,
            failure,
            locale.get_untracked(),
            move || {
                first_key.set(String::new());
                second_key.set(String::new());
                toasts.push(ToastKind::Success, text(M::Saved));
                on_changed.run(());
            },
        );
    };
    let providers = Signal::derive(move || {
        vec![
            (
                MessageProvider::AliyunSms.as_str().to_owned(),
                text(M::Aliyun).to_owned(),
            ),
            (
                MessageProvider::TencentSms.as_str().to_owned(),
                text(M::Tencent).to_owned(),
            ),
        ]
    });
    let key_labels = move || {
        if tencent() {
            (M::SecretId, M::SecretKey)
        } else {
            (M::AccessKeyId, M::AccessKeySecret)
        }
    };
    let key_error = move |index: usize| {
        Signal::derive(move || {
            let field = chosen().credential_fields()[index];
            failure
                .get()
                .filter(|(at, _)| {
                    at == &format!("credentials.{field}") || (index == 0 && at == "credentials")
                })
                .map(|(_, message)| message)
        })
    };
    let configured = channel.is_some();
    view! {
        <section class="panel messaging-channel" aria-labelledby="sms-title" data-testid="sms-channel">
            <h2 id="sms-title">{move || text(M::Sms)}</h2>
            {(!configured).then(|| view! { <p class="notice">{move || text(M::SmsNotSet)}</p> })}
            <form class="form-grid" novalidate on:submit=on_submit>
                <SelectField name="sms-provider" label=Signal::derive(move || text(M::Provider)) value=provider options=providers/>
                <TextField name="sms-sign-name" label=Signal::derive(move || text(M::SignName)) value=sign_name
                    hint=Signal::derive(move || text(M::SignNameHint)) error=field_error(failure, "settings.signName") required=true/>
                <TextField name="sms-region" label=Signal::derive(move || text(M::Region)) value=region
                    hint=Signal::derive(move || text(M::RegionHint)) error=field_error(failure, "settings.region")/>
                <Show when=tencent>
                    <TextField name="sms-sdk-app-id" label=Signal::derive(move || text(M::SdkAppId)) value=sdk_app_id
                        error=field_error(failure, "settings.sdkAppId") required=true/>
                </Show>
                <QuietHoursFields prefix="sms" start=quiet_start end=quiet_end failure=failure/>
                <CredentialsFieldset configured=configured>
                    <TextField name="sms-key-1" label=Signal::derive(move || text(key_labels().0)) value=first_key
                        autocomplete="off" error=key_error(0)/>
                    <TextField name="sms-key-2" label=Signal::derive(move || text(key_labels().1)) value=second_key
                        input_type="password" autocomplete="new-password" error=key_error(1)/>
                </CredentialsFieldset>
                <FormEnd failure=failure fields=SMS_FIELDS busy=busy test_id="save-sms-channel"/>
            </form>
            {channel.map(|channel| view! { <SavedChannel kind=MessageChannelKind::Sms channel=channel on_removed=on_changed/> })}
        </section>
    }
}

/// The fields the SMS form shows its errors under (by the input path's start).
const SMS_FIELDS: &[&str] = &[
    "settings.signName",
    "settings.region",
    "settings.sdkAppId",
    "settings.quietHours",
    "credentials",
];

/// The fields the WeChat Work form shows its errors under.
const WECOM_FIELDS: &[&str] = &["settings.corpId", "settings.quietHours", "credentials"];

/// The end of a channel form: a refusal that none of its `fields` shows, then Save.
#[component]
fn FormEnd(
    failure: RwSignal<Option<(String, String)>>,
    fields: &'static [&'static str],
    busy: RwSignal<bool>,
    test_id: &'static str,
) -> impl IntoView {
    let text = use_text();
    let other_error = move || {
        failure
            .get()
            .filter(|(at, _)| !fields.iter().any(|field| at.starts_with(field)))
            .map(|(_, message)| message)
    };
    view! {
        <Show when=move || other_error().is_some()>
            <p class="field-error" role="alert">{move || other_error().unwrap_or_default()}</p>
        </Show>
        <Button r#type="submit" busy=busy test_id=test_id>{move || text(M::Save)}</Button>
    }
}

/// The WeChat Work channel: the corp, each collector's sending member, quiet hours, the secret.
#[component]
fn WecomChannelForm(
    channel: Option<Channel>,
    collectors: Signal<Vec<Member>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let saved = saved_settings(&channel);
    let corp_id = RwSignal::new(saved.corp_id.clone().unwrap_or_default());
    let quiet_start = RwSignal::new(hh_mm(saved.quiet_hours.start));
    let quiet_end = RwSignal::new(hh_mm(saved.quiet_hours.end));
    let secret = RwSignal::new(String::new());
    // Each collector's WeChat Work userid, by member id, as typed.
    let senders = RwSignal::new(
        saved
            .senders
            .iter()
            .map(|sender| (sender.member_id.to_string(), sender.wecom_user_id.clone()))
            .collect::<Vec<_>>(),
    );
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<(String, String)>);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let listed: Vec<Value> = senders
            .get_untracked()
            .into_iter()
            .filter(|(_, user)| !user.trim().is_empty())
            .map(|(member, user)| json!({"memberId": member, "wecomUserId": user.trim()}))
            .collect();
        let settings = json!({
            "corpId": corp_id.get_untracked(),
            "senders": listed,
            "quietHours": {"start": quiet_start.get_untracked(), "end": quiet_end.get_untracked()},
        });
        let credentials = typed_credentials(
            MessageProvider::Wecom,
            [secret.get_untracked(), String::new()],
        );
        save_channel(
            MessageProvider::Wecom,
            settings,
            credentials,
            busy,
            failure,
            locale.get_untracked(),
            move || {
                secret.set(String::new());
                toasts.push(ToastKind::Success, text(M::Saved));
                on_changed.run(());
            },
        );
    };
    let user_of = move |member: &str| {
        senders
            .get()
            .into_iter()
            .find(|(id, _)| id == member)
            .map(|(_, user)| user)
            .unwrap_or_default()
    };
    let set_user = move |member: String, user: String| {
        senders.update(|list| match list.iter_mut().find(|(id, _)| *id == member) {
            Some(entry) => entry.1 = user,
            None => list.push((member, user)),
        });
    };
    let configured = channel.is_some();
    let listed_collectors = move || collectors.get();
    view! {
        <section class="panel messaging-channel" aria-labelledby="wecom-title" data-testid="wecom-channel">
            <h2 id="wecom-title">{move || text(M::Wecom)}</h2>
            {(!configured).then(|| view! { <p class="notice">{move || text(M::WecomNotSet)}</p> })}
            <form class="form-grid" novalidate on:submit=on_submit>
                <TextField name="wecom-corp-id" label=Signal::derive(move || text(M::CorpId)) value=corp_id
                    hint=Signal::derive(move || text(M::CorpIdHint)) error=field_error(failure, "settings.corpId") required=true/>
                <fieldset class="form-grid">
                    <legend>{move || text(M::Senders)}</legend>
                    <p class="field-hint">{move || text(M::SendersHint)}</p>
                    <For each=listed_collectors key=|member| member.id.clone() let:member>
                        {
                            let id = member.id.clone();
                            let typed = id.clone();
                            let label = format!("{} · {}", member.name, text(M::SenderUserId));
                            view! {
                                <label class="field">
                                    <span>{member.name.clone()}" "<small class="muted">{member.email.clone()}</small></span>
                                    <input type="text" aria-label=label autocomplete="off"
                                        prop:value=move || user_of(&id)
                                        on:input=move |e| set_user(typed.clone(), event_target_value(&e))/>
                                </label>
                            }
                        }
                    </For>
                </fieldset>
                <QuietHoursFields prefix="wecom" start=quiet_start end=quiet_end failure=failure/>
                <CredentialsFieldset configured=configured>
                    <TextField name="wecom-secret" label=Signal::derive(move || text(M::WecomSecret)) value=secret
                        input_type="password" autocomplete="new-password" error=field_error(failure, "credentials")/>
                </CredentialsFieldset>
                <FormEnd failure=failure fields=WECOM_FIELDS busy=busy test_id="save-wecom-channel"/>
            </form>
            {channel.map(|channel| view! { <SavedChannel kind=MessageChannelKind::Wecom channel=channel on_removed=on_changed/> })}
        </section>
    }
}
