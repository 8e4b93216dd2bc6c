//! The message providers' HTTP APIs, spoken as their documentation gives them: Aliyun SMS
//! (RPC style, signature V1 with HMAC-SHA1), Tencent Cloud SMS (API 3.0, TC3-HMAC-SHA256) and
//! WeChat Work (access token, then `externalcontact/add_msg_template`). Each answer becomes an
//! [`Outcome`]; what to do with it (retry, fail to a task) is the sender's.
//!
//! Signing is written here rather than taken from an SDK: neither provider publishes a Rust
//! SDK, and each scheme is a page of its documentation, checked against its published example
//! (Aliyun) and against the stand-in's independent implementation (`infra/messaging_standin.py`).

pub mod aliyun;
pub mod tencent;
pub mod wecom;

use std::time::Duration;

/// Where each provider is called: their public APIs, or a stand-in serving all three.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub aliyun_sms: String,
    pub tencent_sms: String,
    pub wecom: String,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            aliyun_sms: aliyun::ENDPOINT.to_owned(),
            tencent_sms: tencent::ENDPOINT.to_owned(),
            wecom: wecom::API_BASE.to_owned(),
        }
    }
}

impl Endpoints {
    /// `DUELY_MESSAGING_API_BASE`: a stand-in's paths under `base`, else the public APIs.
    pub fn from_base(base: Option<&str>) -> Self {
        match base {
            Some(base) => {
                let base = base.trim_end_matches('/');
                Endpoints {
                    aliyun_sms: format!("{base}/aliyun/"),
                    tencent_sms: format!("{base}/tencent/"),
                    wecom: format!("{base}/wecom"),
                }
            }
            None => Endpoints::default(),
        }
    }
}

/// How long one call to a provider may take, connecting included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// The most of a provider's answer that is read: their answers are small JSON documents.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// What a provider said to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Taken: the provider's id for it (Aliyun's `BizId`, Tencent's `SerialNo`, WeChat Work's
    /// `msgid`).
    Accepted { message_id: String },
    /// Not sent, and the provider asks to slow down: the same message may be sent later.
    RateLimited { code: String, message: String },
    /// Not sent, for a reason sending again does not change (a wrong template, a bad number,
    /// wrong credentials).
    Refused { code: String, message: String },
    /// No answer that says whether it was sent (a timeout after the request went out): it is
    /// never sent again, so a customer never gets it twice.
    Unknown { message: String },
}

impl Outcome {
    /// A request that never reached the provider may be made again; one that may have
    /// reached it may not.
    pub fn from_transport(error: &reqwest::Error) -> Outcome {
        // Without the address: WeChat Work's carries the secret or the access token.
        let message = describe(error);
        if error.is_connect() || error.is_builder() {
            Outcome::RateLimited {
                code: "CONNECT".to_owned(),
                message,
            }
        } else {
            Outcome::Unknown { message }
        }
    }
}

/// A transport error as the delivery log keeps it: never with the request's address, whose
/// query can hold a secret.
pub fn describe(error: &reqwest::Error) -> String {
    let mut error = error.to_string();
    if let Some(query) = error.find('?') {
        // reqwest writes the URL in parentheses: keep what follows the query.
        let end = error[query..]
            .find(')')
            .map_or(error.len(), |end| query + end);
        error.replace_range(query..end, "");
    }
    error
}

/// Reads a provider's answer, at most [`MAX_ANSWER_BYTES`] of it, as JSON.
pub async fn read_json(response: reqwest::Response) -> Result<serde_json::Value, String> {
    let status = response.status();
    let mut response = response;
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e))? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(format!("an answer over {MAX_ANSWER_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|_| {
        let excerpt: String = String::from_utf8_lossy(&body).chars().take(200).collect();
        format!("HTTP {status}: {excerpt}")
    })
}

/// The outcome of a send: from the transport's error, or from the answer read as `read` reads
/// it (an answer that is not JSON says nothing of whether it was sent).
pub async fn outcome_of(
    response: Result<reqwest::Response, reqwest::Error>,
    read: fn(&serde_json::Value) -> Outcome,
) -> Outcome {
    match response {
        Err(error) => Outcome::from_transport(&error),
        Ok(response) => match read_json(response).await {
            Ok(answer) => read(&answer),
            Err(message) => Outcome::Unknown { message },
        },
    }
}

/// The HTTP client the providers are called with: bounded in time, no redirects.
pub fn client() -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}
