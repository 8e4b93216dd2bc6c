use crate::i18n::{Msg, use_text};
use leptos::prelude::*;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
    Info,
}

#[derive(Debug, Clone, PartialEq)]
struct Toast {
    id: u64,
    kind: ToastKind,
    message: String,
}

/// Short messages in a corner that dismiss themselves; errors stay until dismissed.
#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn push(&self, kind: ToastKind, message: impl Into<String>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.items.update(|items| {
            items.push(Toast {
                id,
                kind,
                message: message.into(),
            })
        });
        if kind != ToastKind::Error {
            let items = self.items;
            set_timeout(
                move || items.update(|items| items.retain(|toast| toast.id != id)),
                Duration::from_secs(5),
            );
        }
    }

    /// An API failure as an error toast, in the user's language (from its reason).
    pub fn api_error(&self, locale: domain::Locale, error: crate::api::ApiError) {
        self.push(ToastKind::Error, error.text(locale));
    }

    fn dismiss(&self, id: u64) {
        self.items
            .update(|items| items.retain(|toast| toast.id != id));
    }
}

pub fn provide_toasts() {
    provide_context(Toasts {
        items: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    });
}

pub fn use_toasts() -> Toasts {
    use_context::<Toasts>().unwrap_or_else(|| Toasts {
        items: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    })
}

#[component]
pub fn ToastHost() -> impl IntoView {
    let toasts = use_toasts();
    let text = use_text();
    view! {
        <div class="toasts" aria-live="polite">
            <For
                each=move || toasts.items.get()
                key=|toast| toast.id
                children=move |toast| {
                    let class = match toast.kind {
                        ToastKind::Success => "toast toast-success",
                        ToastKind::Error => "toast toast-error",
                        ToastKind::Info => "toast toast-info",
                    };
                    let role = if toast.kind == ToastKind::Error { "alert" } else { "status" };
                    let id = toast.id;
                    view! {
                        <div class=class role=role>
                            <span>{toast.message.clone()}</span>
                            <button
                                type="button"
                                class="icon-button"
                                aria-label=move || text(Msg::Dismiss)
                                on:click=move |_| toasts.dismiss(id)
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}
