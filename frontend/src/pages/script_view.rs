//! A collection script (话术) as the collector reads it: on a task, in the complete-task dialog
//! and above the quick log, with the customer's figures already filled in by the server.

use crate::api::{self, CustomerScript};
use crate::i18n::{Msg, use_text};
use leptos::prelude::*;

/// The channels that have scripts; the others (email, SMS, letters) have templates or nothing.
const SCRIPTED: [&str; 3] = ["PHONE", "VISIT", "WECHAT"];

/// A script as a task or a customer carries it, whichever operation it came from (their
/// generated types differ; their JSON does not).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShownScript {
    pub channel: String,
    pub text: Option<String>,
    #[serde(default)]
    pub step_name: Option<String>,
}

impl ShownScript {
    /// The script of a generated `script { channel text stepName }` object.
    pub fn of<T: serde::Serialize>(script: &T) -> Option<ShownScript> {
        api::to_domain::<T, ShownScript>(script).filter(|shown| shown.text.is_some())
    }
}

fn title(channel: &str) -> Msg {
    match channel {
        "VISIT" => Msg::ScriptVisitTitle,
        "WECHAT" => Msg::ScriptWechatTitle,
        _ => Msg::ScriptCallTitle,
    }
}

/// The script folded under a summary naming the channel (and the ladder step), its text with
/// its line breaks.
#[component]
pub fn ScriptPanel(
    script: ShownScript,
    test_id: &'static str,
    /// Unfolded from the start: where the collector reads it while calling.
    #[prop(optional)]
    open: bool,
) -> impl IntoView {
    let text = use_text();
    let heading = title(&script.channel);
    let step = script.step_name.map(|name| format!(" · {name}"));
    view! {
        <details class="script" data-testid=test_id open=open>
            <summary>{move || text(heading)}{step}</summary>
            <p class="script-text">{script.text.unwrap_or_default()}</p>
        </details>
    }
}

/// The quick log's script: what to say to this customer on the chosen channel at the ladder
/// step it is at; nothing for a channel without scripts.
#[component]
pub fn QuickLogScript(customer_id: String, channel: RwSignal<String>) -> impl IntoView {
    let script = LocalResource::new(move || {
        let customer_id = customer_id.clone();
        let chosen = channel.get();
        async move {
            if !SCRIPTED.contains(&chosen.as_str()) {
                return None;
            }
            let asked = api::chosen::<api::customer_script::CollectionChannel>(&chosen)?;
            api::run::<CustomerScript>(api::customer_script::Variables {
                id: customer_id,
                channel: asked,
            })
            .await
            .ok()
            .and_then(|data| data.customer)
            .and_then(|customer| customer.collection_script)
            .and_then(|script| ShownScript::of(&script))
        }
    });
    move || {
        // The answer for the channel shown now, not one asked for before it changed.
        let chosen = channel.get();
        script
            .get()
            .flatten()
            .filter(|shown| shown.channel == chosen)
            .map(|shown| view! { <ScriptPanel script=shown test_id="log-script" open=true/> })
    }
}
