use leptos::prelude::*;

/// An indeterminate loading indicator with text for screen readers.
#[component]
pub fn Spinner(#[prop(into)] label: Signal<&'static str>) -> impl IntoView {
    view! {
        <div class="loading" role="status">
            <span class="spinner" aria-hidden="true"></span>
            <span>{move || label.get()}</span>
        </div>
    }
}

/// Progress of long work (imports, exports, dunning runs): `done` of `total`.
#[component]
pub fn ProgressBar(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] done: Signal<u64>,
    #[prop(into)] total: Signal<u64>,
) -> impl IntoView {
    let percent = move || {
        let total = total.get();
        (done.get().min(total) * 100)
            .checked_div(total)
            .unwrap_or(0)
    };
    view! {
        <div class="progress">
            <div class="progress-label">
                <span>{move || label.get()}</span>
                <span>{move || format!("{}%", percent())}</span>
            </div>
            <div
                class="progress-track"
                role="progressbar"
                aria-label=move || label.get()
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || percent().to_string()
            >
                <div class="progress-fill" style:width=move || format!("{}%", percent())></div>
            </div>
        </div>
    }
}
