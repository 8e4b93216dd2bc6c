//! Tencent Cloud SMS (腾讯云短信): `SendSms`, API version 2021-01-11, signed with
//! TC3-HMAC-SHA256 (API 3.0), JSON in and out.

use super::Outcome;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The public endpoint; `DUELY_TENCENT_SMS_ENDPOINT` points elsewhere (the stand-in).
pub const ENDPOINT: &str = "https://sms.tencentcloudapi.com/";
pub const VERSION: &str = "2021-01-11";
const SERVICE: &str = "sms";
const CONTENT_TYPE: &str = "application/json; charset=utf-8";

pub struct Credentials<'a> {
    pub secret_id: &'a str,
    pub secret_key: &'a str,
}

pub struct Message<'a> {
    /// `+8613800138000`: Tencent takes every number in E.164.
    pub phone: &'a str,
    pub sdk_app_id: &'a str,
    pub sign_name: &'a str,
    pub template_id: &'a str,
    /// The template's values in its order (`{1}`, `{2}`, …).
    pub params: &'a [String],
    /// Ours, echoed in the answer: the delivery's id.
    pub session_context: &'a str,
}

/// The request body of a `SendSms` call.
pub fn payload(message: &Message<'_>) -> String {
    serde_json::json!({
        "PhoneNumberSet": [message.phone],
        "SmsSdkAppId": message.sdk_app_id,
        "SignName": message.sign_name,
        "TemplateId": message.template_id,
        "TemplateParamSet": message.params,
        "SessionContext": message.session_context,
    })
    .to_string()
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    // HMAC takes a key of any length: this never fails.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return Vec::new();
    };
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The `Authorization` header of a POST to `host` with `payload`, at `now`.
pub fn authorization(
    credentials: &Credentials<'_>,
    host: &str,
    payload: &str,
    now: DateTime<Utc>,
) -> String {
    let canonical_request = format!(
        "POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{host}\n\ncontent-type;host\n{}",
        hex::encode(Sha256::digest(payload.as_bytes()))
    );
    let date = now.format("%Y-%m-%d").to_string();
    let scope = format!("{date}/{SERVICE}/tc3_request");
    let to_sign = format!(
        "TC3-HMAC-SHA256\n{}\n{scope}\n{}",
        now.timestamp(),
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let secret_date = hmac(format!("TC3{}", credentials.secret_key).as_bytes(), &date);
    let secret_service = hmac(&secret_date, SERVICE);
    let secret_signing = hmac(&secret_service, "tc3_request");
    let signature = hex::encode(hmac(&secret_signing, &to_sign));
    format!(
        "TC3-HMAC-SHA256 Credential={}/{scope}, SignedHeaders=content-type;host, Signature={signature}",
        credentials.secret_id
    )
}

/// Tencent's codes that mean "too many, slow down".
fn rate_limited(code: &str) -> bool {
    code.starts_with("LimitExceeded") || code == "RequestLimitExceeded"
}

/// Reads a `SendSms` answer: the number's status (`Code: "Ok"`), or the request's `Error`.
pub fn outcome(answer: &serde_json::Value) -> Outcome {
    let response = &answer["Response"];
    let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_owned();
    let (code, message) = if response["Error"].is_object() {
        (
            text(&response["Error"]["Code"]),
            text(&response["Error"]["Message"]),
        )
    } else {
        let status = &response["SendStatusSet"][0];
        if !status.is_object() {
            return Outcome::Unknown {
                message: format!("an answer without a status: {answer}"),
            };
        }
        let code = text(&status["Code"]);
        if code == "Ok" {
            return Outcome::Accepted {
                message_id: text(&status["SerialNo"]),
            };
        }
        (code, text(&status["Message"]))
    };
    if rate_limited(&code) {
        Outcome::RateLimited { code, message }
    } else {
        Outcome::Refused { code, message }
    }
}

/// The `Host` header reqwest sends for `endpoint`: its host, and its port when not the
/// scheme's default.
fn host_of(endpoint: &reqwest::Url) -> String {
    match (endpoint.host_str(), endpoint.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => String::new(),
    }
}

/// Sends one message.
pub async fn send(
    client: &reqwest::Client,
    endpoint: &str,
    credentials: &Credentials<'_>,
    region: &str,
    message: &Message<'_>,
) -> Outcome {
    let url = match reqwest::Url::parse(endpoint) {
        Ok(url) => url,
        Err(error) => {
            return Outcome::Refused {
                code: "ENDPOINT".to_owned(),
                message: error.to_string(),
            };
        }
    };
    let body = payload(message);
    let now = Utc::now();
    let authorization = authorization(credentials, &host_of(&url), &body, now);
    let response = client
        .post(url)
        .header("content-type", CONTENT_TYPE)
        .header("authorization", authorization)
        .header("x-tc-action", "SendSms")
        .header("x-tc-timestamp", now.timestamp().to_string())
        .header("x-tc-version", VERSION)
        .header("x-tc-region", region)
        .body(body)
        .send()
        .await;
    super::outcome_of(response, outcome).await
}

/// One status report of Tencent's callback: the message's `sid` (its `SerialNo`) and whether
/// it reached the phone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Receipt {
    pub sid: String,
    pub report_status: String,
    #[serde(default)]
    pub errmsg: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_signature_follows_tc3() {
        // The structure Tencent documents: a credential scope of the day, the two signed
        // headers, and a 64-hex signature that changes with every input.
        let credentials = Credentials {
            secret_id: "AKIDstandin",
            secret_key: "standin-key",
        };
        let now = Utc.with_ymd_and_hms(2026, 12, 6, 1, 2, 3).unwrap();
        let a = authorization(&credentials, "sms.tencentcloudapi.com", "{}", now);
        assert!(a.starts_with(
            "TC3-HMAC-SHA256 Credential=AKIDstandin/2026-12-06/sms/tc3_request, SignedHeaders=content-type;host, Signature="
        ));
        let signature = a.rsplit('=').next().unwrap();
        assert_eq!(signature.len(), 64);
        assert_ne!(
            a,
            authorization(&credentials, "sms.tencentcloudapi.com", "{ }", now)
        );
    }

    #[test]
    fn answers_become_outcomes() {
        let ok = serde_json::json!({"Response":{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619","PhoneNumber":"+8618511122233","Fee":1,"SessionContext":"test","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6"}});
        assert_eq!(
            outcome(&ok),
            Outcome::Accepted {
                message_id: "5000:1045710669157053657849499619".to_owned()
            }
        );
        let limited = serde_json::json!({"Response":{"SendStatusSet":[{"SerialNo":"","Code":"LimitExceeded.PhoneNumberThirtySecondLimit","Message":"30秒内同一手机号码限制"}],"RequestId":"r"}});
        assert!(matches!(outcome(&limited), Outcome::RateLimited { .. }));
        let auth = serde_json::json!({"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"The provided credentials could not be validated."},"RequestId":"r"}});
        assert!(
            matches!(outcome(&auth), Outcome::Refused { code, .. } if code == "AuthFailure.SignatureFailure")
        );
    }
}
