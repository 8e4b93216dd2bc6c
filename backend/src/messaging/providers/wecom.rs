//! WeChat Work (企业微信) external-contact messages: an access token from `gettoken` (kept until
//! it nearly expires), then `externalcontact/add_msg_template`, which puts the message in the
//! sending member's WeChat Work for them to confirm; `externalcontact/get_groupmsg_send_result`
//! says later whether they did.

use super::{Outcome, read_json};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The public API; `DUELY_WECOM_API_BASE` points elsewhere (the stand-in).
pub const API_BASE: &str = "https://qyapi.weixin.qq.com";

/// WeChat Work's errcodes for a token that expired or is not valid: fetch one and try again.
const TOKEN_EXPIRED: [i64; 3] = [40014, 42001, 41001];
/// "api freq out of limit" and "minute frequency out of limit".
const RATE_LIMITED: [i64; 2] = [45009, 45033];

pub struct Credentials<'a> {
    pub corp_id: &'a str,
    /// The secret of the corp's customer contact (客户联系) application.
    pub secret: &'a str,
}

/// A token and until when it is used.
type KeptToken = (String, Instant);

/// Tokens by (corp, digest of the secret), each until a minute before WeChat Work says it
/// expires.
static TOKENS: Mutex<Option<HashMap<(String, String), KeptToken>>> = Mutex::new(None);

fn cached(key: &(String, String)) -> Option<String> {
    let tokens = TOKENS.lock().ok()?;
    let (token, until) = tokens.as_ref()?.get(key)?;
    (Instant::now() < *until).then(|| token.clone())
}

fn remember(key: (String, String), token: String, expires_in: u64) {
    if let Ok(mut tokens) = TOKENS.lock() {
        let until = Instant::now() + Duration::from_secs(expires_in.saturating_sub(60));
        tokens
            .get_or_insert_with(HashMap::new)
            .insert(key, (token, until));
    }
}

fn forget(key: &(String, String)) {
    if let Ok(mut tokens) = TOKENS.lock()
        && let Some(tokens) = tokens.as_mut()
    {
        tokens.remove(key);
    }
}

/// A kept token's key: the corp and a digest of its secret (the secret itself is not kept).
fn token_key(credentials: &Credentials<'_>) -> (String, String) {
    use sha2::Digest;
    (
        credentials.corp_id.to_owned(),
        hex::encode(sha2::Sha256::digest(credentials.secret.as_bytes())),
    )
}

fn errcode(answer: &serde_json::Value) -> i64 {
    answer["errcode"].as_i64().unwrap_or(-2)
}

fn refused(answer: &serde_json::Value) -> Outcome {
    let code = errcode(answer);
    let message = answer["errmsg"].as_str().unwrap_or_default().to_owned();
    if RATE_LIMITED.contains(&code) {
        Outcome::RateLimited {
            code: code.to_string(),
            message,
        }
    } else {
        Outcome::Refused {
            code: code.to_string(),
            message,
        }
    }
}

/// An access token, fetched when none is kept: `Err` is the outcome to report.
async fn token(
    client: &reqwest::Client,
    base: &str,
    credentials: &Credentials<'_>,
) -> Result<String, Outcome> {
    let key = token_key(credentials);
    if let Some(token) = cached(&key) {
        return Ok(token);
    }
    let answer = client
        .get(format!("{base}/cgi-bin/gettoken"))
        .query(&[
            ("corpid", credentials.corp_id),
            ("corpsecret", credentials.secret),
        ])
        .send()
        .await
        .map_err(|error| match Outcome::from_transport(&error) {
            // Asking for a token sends nothing: it can always be asked again.
            Outcome::Unknown { message } => Outcome::RateLimited {
                code: "TIMEOUT".to_owned(),
                message,
            },
            other => other,
        })?;
    let answer = read_json(answer)
        .await
        .map_err(|message| Outcome::RateLimited {
            code: "ANSWER".to_owned(),
            message,
        })?;
    match (errcode(&answer), answer["access_token"].as_str()) {
        (0, Some(token)) => {
            remember(
                key,
                token.to_owned(),
                answer["expires_in"].as_u64().unwrap_or(7200),
            );
            Ok(token.to_owned())
        }
        _ => Err(refused(&answer)),
    }
}

/// The request body of `add_msg_template` for one external contact.
pub fn message_body(external_user_id: &str, sender: &str, text: &str) -> serde_json::Value {
    serde_json::json!({
        "chat_type": "single",
        "external_userid": [external_user_id],
        "sender": sender,
        "text": { "content": text },
    })
}

/// Posts `body` to `path` with a token, fetching a new one once if WeChat Work says it expired.
async fn call(
    client: &reqwest::Client,
    base: &str,
    credentials: &Credentials<'_>,
    path: &str,
    body: &serde_json::Value,
) -> Result<serde_json::Value, Outcome> {
    for _ in 0..2 {
        let access_token = token(client, base, credentials).await?;
        let response = client
            .post(format!("{base}{path}"))
            .query(&[("access_token", access_token.as_str())])
            .json(body)
            .send()
            .await
            .map_err(|error| Outcome::from_transport(&error))?;
        let answer = read_json(response)
            .await
            .map_err(|message| Outcome::Unknown { message })?;
        if TOKEN_EXPIRED.contains(&errcode(&answer)) {
            forget(&token_key(credentials));
            continue;
        }
        return Ok(answer);
    }
    Err(Outcome::Refused {
        code: "42001".to_owned(),
        message: "the access token was refused twice".to_owned(),
    })
}

/// Puts one message in `sender`'s WeChat Work for `external_user_id`.
pub async fn send(
    client: &reqwest::Client,
    base: &str,
    credentials: &Credentials<'_>,
    external_user_id: &str,
    sender: &str,
    text: &str,
) -> Outcome {
    let body = message_body(external_user_id, sender, text);
    let answer = match call(
        client,
        base,
        credentials,
        "/cgi-bin/externalcontact/add_msg_template",
        &body,
    )
    .await
    {
        Ok(answer) => answer,
        Err(outcome) => return outcome,
    };
    if errcode(&answer) != 0 {
        return refused(&answer);
    }
    // A contact WeChat Work would not send to (not the member's contact, or they refused
    // messages) comes back in `fail_list`.
    let failed = answer["fail_list"]
        .as_array()
        .is_some_and(|list| !list.is_empty());
    match answer["msgid"].as_str() {
        Some(id) if !failed => Outcome::Accepted {
            message_id: id.to_owned(),
        },
        _ => Outcome::Refused {
            code: "FAIL_LIST".to_owned(),
            message: "the contact is not one the collector can message in WeChat Work".to_owned(),
        },
    }
}

/// What became of a message the member had to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// Not yet sent by the member.
    Waiting,
    Sent,
    /// Not sent: the customer is not the member's contact, or got another mass message today.
    Failed(i64),
}

/// Asks whether `sender` sent the message `message_id` to `external_user_id`.
pub async fn confirmation(
    client: &reqwest::Client,
    base: &str,
    credentials: &Credentials<'_>,
    message_id: &str,
    sender: &str,
    external_user_id: &str,
) -> Result<Confirmation, Outcome> {
    let body = serde_json::json!({ "msgid": message_id, "userid": sender, "limit": 500 });
    let answer = call(
        client,
        base,
        credentials,
        "/cgi-bin/externalcontact/get_groupmsg_send_result",
        &body,
    )
    .await?;
    if errcode(&answer) != 0 {
        return Err(refused(&answer));
    }
    let status = answer["send_list"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|entry| entry["external_userid"].as_str() == Some(external_user_id))
        .and_then(|entry| entry["status"].as_i64());
    Ok(match status {
        Some(1) => Confirmation::Sent,
        Some(0) | None => Confirmation::Waiting,
        Some(other) => Confirmation::Failed(other),
    })
}

/// Withdraws a message the member has not sent (`externalcontact/cancel_groupmsg_send`).
pub async fn cancel(
    client: &reqwest::Client,
    base: &str,
    credentials: &Credentials<'_>,
    message_id: &str,
) -> Result<(), Outcome> {
    let body = serde_json::json!({ "msgid": message_id });
    let answer = call(
        client,
        base,
        credentials,
        "/cgi-bin/externalcontact/cancel_groupmsg_send",
        &body,
    )
    .await?;
    if errcode(&answer) == 0 {
        Ok(())
    } else {
        Err(refused(&answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_goes_to_one_contact_from_its_collector() {
        let body = message_body("wmEAlECwAAHrbWYDOK5u3Af13xlYDDNQ", "zhangsan", "您好");
        assert_eq!(body["chat_type"], "single");
        assert_eq!(
            body["external_userid"][0],
            "wmEAlECwAAHrbWYDOK5u3Af13xlYDDNQ"
        );
        assert_eq!(body["sender"], "zhangsan");
        assert_eq!(body["text"]["content"], "您好");
    }

    #[test]
    fn rate_limits_and_refusals_are_told_apart() {
        let limited = serde_json::json!({"errcode": 45009, "errmsg": "api freq out of limit"});
        assert!(matches!(refused(&limited), Outcome::RateLimited { .. }));
        let bad = serde_json::json!({"errcode": 40003, "errmsg": "invalid userid"});
        assert!(matches!(refused(&bad), Outcome::Refused { code, .. } if code == "40003"));
    }
}
