use crate::i18n::{Msg, use_text};
use leptos::prelude::*;

/// A dialog over the page. Escape and the close button close it; focus moves into it on open.
#[component]
pub fn Modal(
    open: RwSignal<bool>,
    #[prop(into)] title: Signal<String>,
    children: ChildrenFn,
) -> impl IntoView {
    let text = use_text();
    let dialog = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let (true, Some(element)) = (open.get(), dialog.get()) {
            let _ = element.focus();
        }
    });
    view! {
        <Show when=move || open.get()>
            <div class="modal-backdrop" on:click=move |_| open.set(false)></div>
            <div
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby="modal-title"
                tabindex="-1"
                node_ref=dialog
                on:keydown=move |event| {
                    if event.key() == "Escape" {
                        open.set(false);
                    }
                }
            >
                <header class="modal-header">
                    <h2 id="modal-title">{move || title.get()}</h2>
                    <button
                        type="button"
                        class="icon-button"
                        aria-label=move || text(Msg::Close)
                        on:click=move |_| open.set(false)
                    >
                        "×"
                    </button>
                </header>
                <div class="modal-body">{children()}</div>
            </div>
        </Show>
    }
}
