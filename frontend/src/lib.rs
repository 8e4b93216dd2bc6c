//! Duely's web app: Leptos, rendered in the browser, served by the backend.

pub mod api;
pub mod app;
pub mod approval;
pub mod calendar;
pub mod components;
pub mod files;
pub mod i18n;
pub mod pages;
pub mod routes;
pub mod session;

/// Mounts the app on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
