use crate::i18n::{Msg, use_text};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let text = use_text();
    view! {
        <section class="empty-state">
            <h1>{move || text(Msg::NotFoundTitle)}</h1>
            <p>{move || text(Msg::NotFoundLead)}</p>
            <A href="/">{move || text(Msg::BackHome)}</A>
        </section>
    }
}
