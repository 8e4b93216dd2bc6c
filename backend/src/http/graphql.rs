//! GraphQL over HTTP, as the GraphQL-over-HTTP specification describes it, so that any standard
//! client works:
//! - `POST` takes `application/json` (else 415); a body that is not JSON or not a request is 400.
//! - The answer is `application/graphql-response+json` when the client accepts it, where a
//!   request that fails to parse or validate is 400 and has no `data`; `application/json`
//!   (also for clients that send no `Accept`) answers 200 with the errors; anything else is 406.
//! - `GET` runs queries from the URL; a mutation over `GET` is 405. `GET` from a browser with no
//!   query serves GraphiQL.
//!
//! Every error leaves with an `extensions.code`.

use super::{AppState, REQUEST_ID};
use crate::api::MAX_BATCH;
use crate::api::documents::resolve_persisted;
use crate::api::operations;
use crate::api::pipeline;
use crate::auth::{Caller, Rejection, RequestContext};
use crate::config::Environment;
use crate::identity::limits::RateState;
use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{
    BatchRequest, BatchResponse, ErrorExtensionValues, Request, Response as GqlResponse,
    ServerError,
};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use domain::reason::Reason;
use domain::{ErrorCode, Locale};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const APPLICATION_JSON: &str = "application/json";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResponseMedia {
    GraphqlResponseJson,
    Json,
}

impl ResponseMedia {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            ResponseMedia::GraphqlResponseJson => {
                "application/graphql-response+json; charset=utf-8"
            }
            ResponseMedia::Json => "application/json; charset=utf-8",
        })
    }
}

pub async fn graphql_post(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let media = match negotiate(&headers) {
        Ok(media) => media,
        Err(not_acceptable) => return not_acceptable.into_response(),
    };
    if !is_json_content_type(&headers) {
        return request_failure(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the request as Content-Type: application/json.",
        );
    }
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(error) => {
            return request_failure(
                media,
                StatusCode::BAD_REQUEST,
                &format!(
                    "The body is not a GraphQL request (a JSON object with a `query` string): {error}."
                ),
            );
        }
    };
    if let BatchRequest::Batch(requests) = &batch
        && requests.len() > MAX_BATCH
    {
        return request_failure(
            media,
            StatusCode::BAD_REQUEST,
            &format!(
                "A batch may hold at most {MAX_BATCH} operations; this one has {}.",
                requests.len()
            ),
        );
    }
    let mut batch = batch;
    let context = request_context(&state, &headers, peer).await;
    let rate = match key_rate(&state, &context.caller).await {
        Ok(rate) => rate,
        Err(over) => return rate_limited(media, over),
    };
    let operation = match &batch {
        BatchRequest::Single(request) => {
            operations::label(request, request.extensions.contains_key("persistedQuery"))
        }
        BatchRequest::Batch(_) => operations::OTHER.to_owned(),
    };
    let persisted = match &mut batch {
        BatchRequest::Single(request) => resolve_persisted(request),
        BatchRequest::Batch(requests) => requests.iter_mut().try_for_each(resolve_persisted),
    };
    if let Err(reason) = persisted {
        return reason_failure(media, &reason, context.locale);
    }
    let described = context.caller.tenant_id().is_some();
    // The schema is described to signed-in callers and API keys only.
    let prepare = |request: Request| {
        if described {
            request
        } else {
            request.disable_introspection()
        }
    };
    let batch = match batch {
        BatchRequest::Single(request) => BatchRequest::Single(prepare(request)),
        BatchRequest::Batch(requests) => {
            BatchRequest::Batch(requests.into_iter().map(prepare).collect())
        }
    };
    let read_only = context.caller.read_only_tenant();
    let member = matches!(context.caller, Caller::Member(_));
    let loaders = context.loaders.clone();
    let (response, sql) = crate::db::statements::counted(crate::db::tenant::read_only(
        read_only,
        pipeline::execute_batch(&state.schema, batch.data(context), &loaders),
    ))
    .await;
    labelled(
        with_sql_timing(
            with_rate_headers(respond(media, response), rate),
            member.then_some(sql),
        ),
        operation,
    )
}

/// Hands the operation's label to the metrics layer (`http::observe`).
fn labelled(mut response: Response, operation: String) -> Response {
    response
        .extensions_mut()
        .insert(operations::OperationLabel(operation));
    response
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetParams {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

pub async fn graphql_get(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(params): Query<GetParams>,
) -> Response {
    // A persisted query may come by its hash alone, with no document.
    let persisted_only = params.query.is_none()
        && params
            .extensions
            .as_deref()
            .is_some_and(|extensions| extensions.contains("persistedQuery"));
    let Some(query) = params.query.or_else(|| persisted_only.then(String::new)) else {
        if accepts_html(&headers) && state.config.environment == Environment::Development {
            let mut page = Html(
                GraphiQLSource::build()
                    .endpoint("/graphql")
                    .title("Duely API")
                    .finish(),
            )
            .into_response();
            page.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(super::security::GRAPHIQL_POLICY),
            );
            return page;
        }
        let media = negotiate(&headers).unwrap_or(ResponseMedia::Json);
        return request_failure(
            media,
            StatusCode::BAD_REQUEST,
            "Pass the operation in the `query` parameter.",
        );
    };
    let media = match negotiate(&headers) {
        Ok(media) => media,
        Err(not_acceptable) => return not_acceptable.into_response(),
    };
    let mut request = Request::new(query);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    for (name, raw) in [
        ("variables", &params.variables),
        ("extensions", &params.extensions),
    ] {
        let Some(raw) = raw else { continue };
        match serde_json::from_str::<serde_json::Map<String, Value>>(raw) {
            Ok(map) if name == "variables" => {
                request =
                    request.variables(async_graphql::Variables::from_json(Value::Object(map)));
            }
            Ok(map) => {
                for (key, value) in map {
                    if let Ok(value) = async_graphql::Value::from_json(value) {
                        request.extensions.insert(key, value);
                    }
                }
            }
            Err(_) => {
                return request_failure(
                    media,
                    StatusCode::BAD_REQUEST,
                    &format!("The `{name}` parameter must be a JSON object."),
                );
            }
        }
    }
    let context = request_context(&state, &headers, peer).await;
    let operation = operations::label(&request, request.extensions.contains_key("persistedQuery"));
    if let Err(reason) = resolve_persisted(&mut request) {
        return reason_failure(media, &reason, context.locale);
    }
    // Checked on the document that would run, a persisted one too.
    if is_mutation(&request.query, request.operation_name.as_deref()) {
        let mut response = request_failure(
            media,
            StatusCode::METHOD_NOT_ALLOWED,
            "Mutations are sent with POST, never GET.",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let rate = match key_rate(&state, &context.caller).await {
        Ok(rate) => rate,
        Err(over) => return rate_limited(media, over),
    };
    // The schema is described to signed-in callers and API keys only.
    if context.caller.tenant_id().is_none() {
        request = request.disable_introspection();
    }
    let read_only = context.caller.read_only_tenant();
    let member = matches!(context.caller, Caller::Member(_));
    let loaders = context.loaders.clone();
    let (response, sql) = crate::db::statements::counted(crate::db::tenant::read_only(
        read_only,
        pipeline::execute(&state.schema, request.data(context), &loaders),
    ))
    .await;
    labelled(
        with_sql_timing(
            with_rate_headers(respond(media, BatchResponse::Single(response)), rate),
            member.then_some(sql),
        ),
        operation,
    )
}

/// API keys are rate limited per key, members per membership: over the limit is 429 with
/// `Retry-After`. The same limits for REST endpoints: the 429 answer when over them.
pub(super) async fn key_rate_check(state: &AppState, caller: &Caller) -> Option<Response> {
    key_rate(state, caller)
        .await
        .err()
        .map(|over| rate_limited(ResponseMedia::Json, over))
}

async fn key_rate(state: &AppState, caller: &Caller) -> Result<Option<RateState>, RateState> {
    match caller {
        Caller::ApiKey(key) => state
            .identity
            .limits
            .api_key_request(key.key_id)
            .await
            .map(Some),
        // Members are counted per membership, as keys are per key: a signed-in person cannot
        // run unbounded work either.
        Caller::Member(member) => state
            .identity
            .limits
            .member_request(member.user_id, member.tenant_id)
            .await
            .map(Some),
        _ => Ok(None),
    }
}

fn rate_limited(media: ResponseMedia, rate: RateState) -> Response {
    let body = json!({ "errors": [{
        "message": format!("Too many requests with these credentials; try again in {} seconds.", rate.reset_secs),
        "extensions": {
            "code": ErrorCode::RateLimited.as_str(),
            "reason": Reason::TooManyAttempts { seconds: rate.reset_secs }.name(),
            "params": { "seconds": rate.reset_secs },
            "retryAfter": rate.reset_secs,
        },
    }]});
    let mut response = with_media(media, StatusCode::TOO_MANY_REQUESTS, body);
    if let Ok(value) = HeaderValue::from_str(&rate.reset_secs.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    with_rate_headers(response, Some(rate))
}

/// `Server-Timing: sql;desc="N statements";dur=…` on a signed-in member's GraphQL answers.
fn with_sql_timing(
    mut response: Response,
    sql: Option<crate::db::statements::SqlSpend>,
) -> Response {
    if let Some(sql) = sql
        && let Ok(value) = header::HeaderValue::from_str(&sql.server_timing())
    {
        response
            .headers_mut()
            .insert(super::security::SERVER_TIMING, value);
    }
    response
}

/// `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` for API keys and members.
fn with_rate_headers(mut response: Response, rate: Option<RateState>) -> Response {
    if let Some(rate) = rate {
        let headers = response.headers_mut();
        for (name, value) in [
            ("ratelimit-limit", rate.limit.to_string()),
            ("ratelimit-remaining", rate.remaining.to_string()),
            ("ratelimit-reset", rate.reset_secs.to_string()),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
    }
    response
}

/// Who is calling, the request id and the client's address, attached to every operation.
pub(super) async fn request_context(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> RequestContext {
    let caller = match headers
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str())
    {
        None => Caller::Anonymous,
        Some(Ok(value)) => match value.strip_prefix("Bearer ") {
            Some(bearer) => {
                state
                    .identity
                    .authenticate(&state.db, Some(bearer.trim()))
                    .await
            }
            None => Caller::Rejected(Rejection::NotBearer),
        },
        Some(Err(_)) => Caller::Rejected(Rejection::HeaderNotText),
    };
    let forwarded = client_address(headers, state.config.trusted_proxies);
    let asked = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .and_then(Locale::from_accept_language);
    let locale = asked.or(caller.locale()).unwrap_or_default();
    RequestContext {
        locale,
        caller,
        request_id: headers
            .get(REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("-")
            .to_owned(),
        client_ip: Some(forwarded.unwrap_or(peer.ip())),
        reports: Default::default(),
        loaders: Default::default(),
    }
}

/// The client's address as the nearest of `trusted_proxies` proxies saw it: the N-th
/// `X-Forwarded-For` entry from the right. Entries further left were written by whoever sent the
/// request, so they are never trusted; with no trusted proxy the header is ignored. `None`
/// (use the peer's address) when the header has fewer entries or the entry is no address.
pub fn client_address(headers: &HeaderMap, trusted_proxies: u8) -> Option<IpAddr> {
    if trusted_proxies == 0 {
        return None;
    }
    // Every X-Forwarded-For header, in order, as one list.
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let index = entries.len().checked_sub(usize::from(trusted_proxies))?;
    entries.get(index)?.parse::<IpAddr>().ok()
}

/// Picks the response media type from `Accept`, by quality then order. No `Accept` means a
/// legacy client: `application/json`.
fn negotiate(headers: &HeaderMap) -> Result<ResponseMedia, NotAcceptable> {
    let Some(accept) = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
    else {
        return Ok(ResponseMedia::Json);
    };
    let mut offers: Vec<(f32, usize, &str)> = accept
        .split(',')
        .enumerate()
        .filter_map(|(position, item)| {
            let mut parts = item.split(';').map(str::trim);
            let media = parts.next().filter(|media| !media.is_empty())?;
            let quality = parts
                .find_map(|param| param.strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (quality > 0.0).then_some((quality, position, media))
        })
        .collect();
    offers.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    offers
        .iter()
        .find_map(|(_, _, media)| match media.to_ascii_lowercase().as_str() {
            GRAPHQL_RESPONSE_JSON => Some(ResponseMedia::GraphqlResponseJson),
            APPLICATION_JSON | "application/*" | "*/*" => Some(ResponseMedia::Json),
            _ => None,
        })
        .ok_or(NotAcceptable)
}

/// The client accepts no media type we answer in.
struct NotAcceptable;

impl IntoResponse for NotAcceptable {
    fn into_response(self) -> Response {
        (
            StatusCode::NOT_ACCEPTABLE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Accept application/graphql-response+json or application/json.",
        )
            .into_response()
    }
}

fn is_json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case(APPLICATION_JSON))
}

fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// True when the operation that would run is a mutation. A document that does not parse is not
/// a mutation: execution reports the parse error.
fn is_mutation(query: &str, operation_name: Option<&str>) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    match &document.operations {
        DocumentOperations::Single(operation) => operation.node.ty == OperationType::Mutation,
        // A named operation is parsed into the map even when it is the only one: without an
        // `operationName`, that only one is the one that runs.
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => operations
                .get(name)
                .is_some_and(|operation| operation.node.ty == OperationType::Mutation),
            None => {
                operations.len() == 1
                    && operations
                        .values()
                        .all(|operation| operation.node.ty == OperationType::Mutation)
            }
        },
    }
}

/// A request that failed before any GraphQL ran: per the specification, no `data` key.
fn request_failure(media: ResponseMedia, status: StatusCode, message: &str) -> Response {
    let body = json!({
        "errors": [{ "message": message, "extensions": {
            "code": ErrorCode::BadRequest.as_str(),
            "reason": Reason::MalformedRequest {}.name(),
            "params": {},
        } }]
    });
    with_media(media, status, body)
}

/// A request refused for `reason` before any GraphQL ran (a persisted query not found).
fn reason_failure(media: ResponseMedia, reason: &Reason, locale: Locale) -> Response {
    let body = json!({
        "errors": [{ "message": domain::messages::error_text(reason, None, locale), "extensions": {
            "code": reason.code().as_str(),
            "reason": reason.name(),
            "params": {},
        } }]
    });
    let status = match media {
        ResponseMedia::GraphqlResponseJson => StatusCode::BAD_REQUEST,
        ResponseMedia::Json => StatusCode::OK,
    };
    with_media(media, status, body)
}

fn respond(media: ResponseMedia, response: BatchResponse) -> Response {
    match response {
        BatchResponse::Single(response) => {
            let (status, body) = shape(media, response);
            with_media_body(media, status, body)
        }
        BatchResponse::Batch(responses) => {
            let mut body = b"[".to_vec();
            for (index, response) in responses.into_iter().enumerate() {
                if index > 0 {
                    body.push(b',');
                }
                body.extend(shape(media, response).1);
            }
            body.push(b']');
            with_media_body(media, StatusCode::OK, body)
        }
    }
}

/// One response as written: async-graphql's values serialized straight to JSON, fields in the
/// order the query asked for them. (Going through a `serde_json::Value` first copied every
/// field into a sorted map: a third of the server's time on a 10,000-row report.)
#[derive(Serialize)]
struct Body<'a> {
    /// Absent when the request failed before execution.
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, async_graphql::Value>,
}

/// Gives every error a code and decides the status. A response with no data whose errors have
/// no path failed to parse or validate: it is a bad request, and carries no `data`.
fn shape(media: ResponseMedia, mut response: GqlResponse) -> (StatusCode, Vec<u8>) {
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty());
    for error in &mut response.errors {
        let extensions = error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default);
        if extensions.get("code").is_none() {
            // Our resolvers always set a code; what lacks one comes from async-graphql itself:
            // parse and validation failures, or an argument that did not coerce to its type.
            let reason = if request_error {
                Reason::MalformedRequest {}
            } else {
                Reason::InvalidArgument {}
            };
            extensions.set("code", reason.code().as_str());
            extensions.set("reason", reason.name());
            extensions.set("params", async_graphql::Value::Object(Default::default()));
        }
    }
    let body = Body {
        data: (!request_error).then_some(&response.data),
        errors: &response.errors,
        extensions: &response.extensions,
    };
    // Values and errors are strings, numbers and maps with string keys: they always serialize.
    let body = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
    let status = if request_error && media == ResponseMedia::GraphqlResponseJson {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    (status, body)
}

fn with_media(media: ResponseMedia, status: StatusCode, body: Value) -> Response {
    with_media_body(media, status, body.to_string().into_bytes())
}

fn with_media_body(media: ResponseMedia, status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, media.content_type());
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
