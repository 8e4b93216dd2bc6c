use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ButtonKind {
    #[default]
    Primary,
    Secondary,
    Danger,
}

impl ButtonKind {
    fn class(self) -> &'static str {
        match self {
            ButtonKind::Primary => "button button-primary",
            ButtonKind::Secondary => "button button-secondary",
            ButtonKind::Danger => "button button-danger",
        }
    }
}

/// A button that shows a spinner and refuses clicks while its action runs.
#[component]
pub fn Button(
    #[prop(optional)] kind: ButtonKind,
    #[prop(optional, into)] busy: Signal<bool>,
    #[prop(default = "button")] r#type: &'static str,
    #[prop(optional, into)] test_id: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <button
            type=r#type
            class=kind.class()
            disabled=move || busy.get()
            aria-busy=move || busy.get().to_string()
            data-testid=test_id
        >
            <Show when=move || busy.get()>
                <span class="spinner spinner-inline" aria-hidden="true"></span>
            </Show>
            {children()}
        </button>
    }
}

/// A labelled input with its error below it, tied together for screen readers.
#[component]
pub fn TextField(
    /// The input's id and name.
    name: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    value: RwSignal<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<Signal<&'static str>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    let hint_id = format!("{name}-hint");
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || match (error.get().is_some(), hint.is_some()) {
            (true, _) => Some(error_id.clone()),
            (false, true) => Some(hint_id.clone()),
            (false, false) => None,
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=name>{move || label.get()}</label>
            <input
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                required=required
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            />
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id.clone()>{move || hint.get()}</p> })}
            <Show when=move || error.get().is_some()>
                <p class="field-error" id=error_id.clone() role="alert">
                    {move || error.get().unwrap_or_default()}
                </p>
            </Show>
        </div>
    }
}

/// A labelled drop-down; `options` are (value, label) pairs.
#[component]
pub fn SelectField(
    name: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=name>{move || label.get()}</label>
            <select
                id=name
                name=name
                prop:value=move || value.get()
                on:change=move |event| value.set(event_target_value(&event))
            >
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(option, text)| {
                            let selected = option == value.get_untracked();
                            view! { <option value=option selected=selected>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
}

/// The server's refusal of a form, as the field it names and its text, read by each field:
/// the refusal's message when it names `field` or a part of it (`cc` shows `cc.1`'s).
pub fn field_error(
    refusal: RwSignal<Option<(String, String)>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        refusal
            .get()
            .filter(|(at, _)| {
                at == field
                    || at
                        .strip_prefix(field)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
            .map(|(_, message)| message)
    })
}
