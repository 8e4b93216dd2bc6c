//! The dunning page's scripts (话术) editor: what collectors say at each step of a ladder on a
//! call or a visit, and the WeChat message they send, in Chinese and in English. Until a
//! company writes its own, a step uses Duely's default; "restore default" goes back to it.

use crate::api::{self, CollectionScripts, SaveCollectionScript};
use crate::components::{Button, ToastKind, enum_name, use_toasts};
use crate::i18n::{Msg, stored_text, use_locale, use_text};
use leptos::prelude::*;

/// The channels with scripts, in the order the editor offers them.
const CHANNELS: [(&str, Msg); 3] = [
    ("PHONE", Msg::ChannelPhone),
    ("VISIT", Msg::ChannelVisit),
    ("WECHAT", Msg::ChannelWechat),
];

/// The languages a script is written in, by the server's tags.
const LOCALES: [(&str, Msg); 2] = [("zh-CN", Msg::ScriptLocaleZh), ("en", Msg::ScriptLocaleEn)];

/// The places a script may use, each with what fills it (the server's list).
const PLACES: [(&str, Msg); 4] = [
    ("customer.name", Msg::ScriptPlaceCustomer),
    ("company.name", Msg::ScriptPlaceCompany),
    ("total", Msg::ScriptPlaceTotal),
    ("days_overdue", Msg::ScriptPlaceDays),
];

type Script = api::collection_scripts::CollectionScriptsCollectionScripts;

/// A script's place in the editor's choices: step, channel and language.
fn key_of(script: &Script) -> String {
    format!(
        "{}|{}|{}",
        script.step_offset,
        enum_name(&script.channel),
        script.locale
    )
}

/// A labelled drop-down whose test id is its name (the kit's `SelectField` takes none).
#[component]
fn Choice(
    name: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=name>{move || label.get()}</label>
            <select id=name name=name data-testid=name
                prop:value=move || value.get()
                on:change=move |event| value.set(event_target_value(&event))>
                {move || options.get().into_iter().map(|(option, text)| {
                    let selected = option == value.get_untracked();
                    view! { <option value=option selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// The scripts of one ladder: choose a step, a channel and a language, edit the text, save it
/// or restore Duely's. Read-only for those who do not manage dunning.
#[component]
pub fn ScriptEditor(policy_id: String, manages: Signal<bool>) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let scripts = LocalResource::new({
        let policy_id = policy_id.clone();
        move || {
            reload.track();
            let policy_id = policy_id.clone();
            async move {
                api::run::<CollectionScripts>(api::collection_scripts::Variables { policy_id })
                    .await
                    .map(|data| data.collection_scripts)
                    .unwrap_or_default()
            }
        }
    });
    // The ladder's first step at the start, on the phone, in the reader's language.
    let step = RwSignal::new(String::new());
    let channel = RwSignal::new("PHONE".to_owned());
    let script_locale = RwSignal::new(locale.get_untracked().tag().to_owned());
    let body = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let chosen_key = move || format!("{}|{}|{}", step.get(), channel.get(), script_locale.get());
    let chosen_key_untracked = move || {
        format!(
            "{}|{}|{}",
            step.get_untracked(),
            channel.get_untracked(),
            script_locale.get_untracked()
        )
    };
    // Load the chosen script into the textarea once per choice: a reload of the list (after a
    // save) or a late answer never overwrites what the admin is typing. The textarea stays
    // disabled until its script is in.
    let loaded = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(list) = scripts.get() else {
            return;
        };
        let wanted = step.get();
        let offset = list
            .iter()
            .map(|script| script.step_offset.to_string())
            .find(|offset| *offset == wanted)
            .or_else(|| list.first().map(|script| script.step_offset.to_string()));
        let Some(offset) = offset else {
            return;
        };
        if offset != wanted {
            step.set(offset.clone());
        }
        let key = format!("{offset}|{}|{}", channel.get(), script_locale.get());
        if loaded.get_untracked().as_deref() == Some(key.as_str()) {
            return;
        }
        if let Some(found) = list.iter().find(|script| key_of(script) == key) {
            body.set(found.body.clone());
            error.set(None);
            loaded.set(Some(key));
        }
    });
    // Each step once, named in the reader's language.
    let step_options = move || {
        let reader = locale.get().tag();
        scripts
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|script| script.locale == reader && enum_name(&script.channel) == "PHONE")
            .map(|script| {
                (
                    script.step_offset.to_string(),
                    format!("{} ({:+})", script.step_name, script.step_offset),
                )
            })
            .collect::<Vec<_>>()
    };
    let channel_options = move || {
        CHANNELS
            .iter()
            .map(|(value, msg)| ((*value).to_owned(), text(*msg).to_owned()))
            .collect::<Vec<_>>()
    };
    let locale_options = move || {
        LOCALES
            .iter()
            .map(|(tag, msg)| ((*tag).to_owned(), text(*msg).to_owned()))
            .collect::<Vec<_>>()
    };
    // Duely's default, or who changed it last, for the chosen script as the server has it.
    let badge = move || {
        let key = chosen_key();
        let script = scripts
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|script| key_of(script) == key)?;
        Some(if script.is_default {
            ("badge badge-muted", text(Msg::ScriptDefault).to_owned())
        } else {
            let by = stored_text(locale.get(), &script.updated_by.unwrap_or_default());
            (
                "badge badge-info",
                text(Msg::ScriptEditedBy).replace("{name}", &by),
            )
        })
    };
    let hint = move || {
        let places = PLACES
            .iter()
            .map(|(name, msg)| format!("{{{{{name}}}}} {}", text(*msg)))
            .collect::<Vec<_>>()
            .join(" · ");
        format!("{}: {places}", text(Msg::Variables))
    };
    let save = move |reset: bool| {
        let Some(script_channel) =
            api::chosen::<api::save_collection_script::CollectionChannel>(&channel.get_untracked())
        else {
            return;
        };
        let input = api::save_collection_script::SaveCollectionScriptInput {
            policy_id: policy_id.clone(),
            step_offset: step.get_untracked().parse().unwrap_or(0),
            channel: script_channel,
            locale: script_locale.get_untracked(),
            body: body.get_untracked(),
            reset: Some(reset),
        };
        busy.set(true);
        error.set(None);
        let asked_for = chosen_key_untracked();
        leptos::task::spawn_local(async move {
            match api::run::<SaveCollectionScript>(api::save_collection_script::Variables { input })
                .await
            {
                Ok(data) => {
                    let done = if reset {
                        // Back to Duely's text, as the server answered it, unless the admin
                        // has since chosen another script.
                        if chosen_key_untracked() == asked_for {
                            body.set(data.save_collection_script.script.body);
                        }
                        Msg::ScriptRestored
                    } else {
                        Msg::ScriptSaved
                    };
                    toasts.push(ToastKind::Success, text(done));
                    reload.update(|n| *n += 1);
                }
                Err(failure @ api::ApiError::Api { .. }) => {
                    error.set(Some(failure.text(locale.get_untracked())));
                }
                Err(other) => toasts.api_error(locale.get_untracked(), other),
            }
            busy.set(false);
        });
    };
    let (save_now, reset_now) = (save.clone(), save);
    view! {
        <div class="panel scripts" data-testid="script-editor">
            <h2>{move || text(Msg::ScriptsTitle)}</h2>
            <p class="lead">{move || text(Msg::ScriptsLead)}</p>
            <form class="form-grid" on:submit=move |event: leptos::ev::SubmitEvent| { event.prevent_default(); save_now(false); }>
                <Choice name="script-step" label=Signal::derive(move || text(Msg::Step)) value=step options=Signal::derive(step_options)/>
                <Choice name="script-channel" label=Signal::derive(move || text(Msg::Channel)) value=channel options=Signal::derive(channel_options)/>
                <Choice name="script-locale" label=Signal::derive(move || text(Msg::ScriptLanguage)) value=script_locale options=Signal::derive(locale_options)/>
                <div class="field field-wide">
                    <div class="script-head">
                        <label for="script-body">{move || text(Msg::ScriptBody)}</label>
                        {move || badge().map(|(class, label)| view! { <span class=class data-testid="script-badge">{label}</span> })}
                    </div>
                    <textarea id="script-body" name="script-body" data-testid="script-body" rows="12" aria-describedby="script-body-hint"
                        prop:disabled=move || loaded.get().is_none()
                        readonly=move || !manages.get()
                        prop:value=move || body.get()
                        on:input=move |e| body.set(event_target_value(&e))></textarea>
                    <p class="field-hint" id="script-body-hint">{hint}</p>
                    <Show when=move || error.get().is_some()>
                        <p class="field-error" role="alert" data-testid="script-error">{move || error.get().unwrap_or_default()}</p>
                    </Show>
                </div>
                <Show when=move || manages.get()
                    fallback=move || view! { <p class="field-hint field-wide">{move || text(Msg::ScriptReadOnly)}</p> }>
                    <div class="form-actions">
                        <Button r#type="submit" busy=busy test_id="save-script">{move || text(Msg::SaveScript)}</Button>
                        <button type="button" class="button button-secondary" data-testid="reset-script"
                            disabled=move || busy.get()
                            on:click={let reset_now = reset_now.clone(); move |_| reset_now(true)}>{move || text(Msg::ResetScript)}</button>
                    </div>
                </Show>
            </form>
        </div>
    }
}
