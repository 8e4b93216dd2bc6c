//! What any client may ask before signing in: the server's version and the languages it speaks.

use async_graphql::{Object, SimpleObject};
use domain::Locale;

#[derive(Default)]
pub struct ServerInfoQuery;

/// The server a client is talking to.
#[derive(SimpleObject)]
pub struct ServerInfo {
    /// Duely's version, such as `0.1.0`.
    version: &'static str,
    /// The language for a visitor whose browser asks for none we speak.
    default_locale: Locale,
    /// Every language the app and the emails come in.
    supported_locales: Vec<Locale>,
}

#[Object]
impl ServerInfoQuery {
    /// The server's version and languages. Needs no credentials.
    async fn server_info(&self) -> ServerInfo {
        ServerInfo {
            version: env!("CARGO_PKG_VERSION"),
            default_locale: Locale::default(),
            supported_locales: Locale::ALL.to_vec(),
        }
    }
}
