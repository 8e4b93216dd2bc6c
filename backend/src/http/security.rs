//! Headers that tell browsers what a response may do. Every answer gets `nosniff`, a referrer
//! policy and (on an https deployment) HSTS; pages get a content security policy that allows
//! only Duely's own files, so an injected script or a framing site gets nothing from a signed-in
//! page, whose refresh token lives in local storage.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The web app's policy. `wasm-unsafe-eval` lets the page compile its own WebAssembly (and
/// nothing else); there is no inline script anywhere: the boot script is a hashed file under
/// `/assets/`. Widths the app computes are set through the CSSOM (`style:width=`), which a
/// policy does not restrict. One thing needs `style-src-attr 'unsafe-inline'`: the dunning
/// editor's email preview shows the email exactly as sent, and email HTML must carry its styles
/// as `style` attributes (mail clients drop style sheets). Style attributes cannot run script;
/// `<style>` elements and foreign style sheets stay forbidden. Attachments' previews are files
/// the page fetched itself (with its credentials) and shows from `blob:` addresses: images, and
/// PDFs in a frame (Chromium reads an image it cannot decode back through `connect-src`, so
/// that allows `blob:` too: such an address is only ever one the page made itself); a file
/// served from `/api/attachments/` carries `sandbox` of its own.
pub const APP_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; \
     frame-src blob:; connect-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'";

/// GraphiQL (development only) is a page of async-graphql's that loads React and GraphiQL from
/// unpkg and boots inline.
pub const GRAPHIQL_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'unsafe-inline' https://unpkg.com; \
     style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data: https://graphql.org; \
     font-src 'self' data: https://unpkg.com; connect-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// HSTS for a year, once people reach Duely over https.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Sets the headers on every answer; a handler that set its own policy (GraphiQL) keeps it.
pub async fn headers(https: bool, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(APP_POLICY),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Statement links carry their capability in the path: no page sends its address onwards.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}

/// `Server-Timing` says how much SQL a request ran: useful to the team, a map of the database
/// for anyone else. Only signed-in members' answers keep it.
pub const SERVER_TIMING: HeaderName = HeaderName::from_static("server-timing");
