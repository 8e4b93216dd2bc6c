use crate::api::{self, ServerInfo, server_info};
use crate::components::Spinner;
use crate::i18n::{Msg, use_text};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let text = use_text();
    let info = LocalResource::new(|| api::run::<ServerInfo>(server_info::Variables {}));
    view! {
        <section class="hero">
            <p class="eyebrow">{move || text(Msg::Tagline)}</p>
            <h1>{move || text(Msg::OverviewTitle)}</h1>
            <p class="lead">{move || text(Msg::OverviewLead)}</p>
            <A href="/login" attr:class="button button-primary">{move || text(Msg::SignIn)}</A>
        </section>
        <footer class="server-info">
            <Suspense fallback=move || view! { <Spinner label=Signal::derive(move || text(Msg::Loading))/> }>
                {move || {
                    info.get()
                        .and_then(|result| result.ok())
                        .map(|data| {
                            view! {
                                <span data-testid="server-version">
                                    {move || text(Msg::ServerVersion)}
                                    " "
                                    {data.server_info.version.clone()}
                                </span>
                            }
                        })
                }}
            </Suspense>
        </footer>
    }
}
