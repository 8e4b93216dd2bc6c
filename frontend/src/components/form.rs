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
    #[prop(optional, into)] error: Signal<Option<&'static str>>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let error_id = format!("{name}-error");
    let described_by = error_id.clone();
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
                aria-describedby=move || error.get().map(|_| described_by.clone())
                prop:value=move || value.get()
                on:input=move |event| value.set(event_target_value(&event))
            />
            <Show when=move || error.get().is_some()>
                <p class="field-error" id=error_id.clone() role="alert">
                    {move || error.get().unwrap_or_default()}
                </p>
            </Show>
        </div>
    }
}
