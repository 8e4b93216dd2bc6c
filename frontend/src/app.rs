//! The router and the layout every page shares.

use crate::components::ToastHost;
use crate::i18n::{LocaleSwitcher, Msg, provide_locale, use_text};
use crate::pages::{HomePage, LoginPage, NotFoundPage};
use leptos::prelude::*;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    provide_locale();
    crate::components::provide_toasts();
    view! {
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/login") view=LoginPage/>
                </Routes>
            </Layout>
            <ToastHost/>
        </Router>
    }
}

/// Header with the brand, the navigation and the language switch; the page below it.
#[component]
fn Layout(children: Children) -> impl IntoView {
    let text = use_text();
    view! {
        <a class="skip-link" href="#main">{move || text(Msg::SkipToContent)}</a>
        <header class="app-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"D"</span>
                <span>"Duely"</span>
            </A>
            <nav class="app-nav" aria-label=move || text(Msg::MainNavigation)>
                <A href="/" exact=true>{move || text(Msg::NavOverview)}</A>
                <A href="/login">{move || text(Msg::NavSignIn)}</A>
            </nav>
            <LocaleSwitcher/>
        </header>
        <main id="main" class="app-main" tabindex="-1">{children()}</main>
    }
}
