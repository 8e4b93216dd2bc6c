//! Aliyun SMS (阿里云短信服务): `SendSms`, API version 2017-05-25, RPC style with signature
//! version 1.0 (HMAC-SHA1 over the sorted, percent-encoded query), answers in JSON.

use super::Outcome;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// The public endpoint; `DUELY_ALIYUN_SMS_ENDPOINT` points elsewhere (the stand-in).
pub const ENDPOINT: &str = "https://dysmsapi.aliyuncs.com/";
pub const VERSION: &str = "2017-05-25";

/// Aliyun's percent-encoding: everything but `A-Z a-z 0-9 - _ . ~`, spaces as `%20`.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn encode(value: &str) -> String {
    utf8_percent_encode(value, RFC3986).to_string()
}

/// An account's keys (a RAM user's AccessKey pair).
pub struct Credentials<'a> {
    pub access_key_id: &'a str,
    pub access_key_secret: &'a str,
}

/// One message: a number, the approved signature and template, and the template's values.
pub struct Message<'a> {
    /// `+8613800138000`; Aliyun takes mainland numbers bare and others with their country code.
    pub phone: &'a str,
    pub sign_name: &'a str,
    pub template_code: &'a str,
    /// `{"name": "value", …}`.
    pub template_param: &'a serde_json::Map<String, serde_json::Value>,
    /// Ours, echoed in delivery receipts (`out_id`): the delivery's id.
    pub out_id: &'a str,
}

/// The number as Aliyun takes it: mainland numbers without `+86`, others as their country
/// code and number (`85291234567`).
pub fn phone_number(e164: &str) -> String {
    match e164.strip_prefix("+86") {
        Some(mainland) => mainland.to_owned(),
        None => e164.trim_start_matches('+').to_owned(),
    }
}

/// The signed query of a `SendSms` request, sorted by name: what is sent as the form body.
pub fn signed_params(
    credentials: &Credentials<'_>,
    region: &str,
    message: &Message<'_>,
    now: DateTime<Utc>,
    nonce: &str,
) -> Vec<(String, String)> {
    let mut params: Vec<(String, String)> = [
        ("AccessKeyId", credentials.access_key_id.to_owned()),
        ("Action", "SendSms".to_owned()),
        ("Format", "JSON".to_owned()),
        ("OutId", message.out_id.to_owned()),
        ("PhoneNumbers", phone_number(message.phone)),
        ("RegionId", region.to_owned()),
        ("SignName", message.sign_name.to_owned()),
        ("SignatureMethod", "HMAC-SHA1".to_owned()),
        ("SignatureNonce", nonce.to_owned()),
        ("SignatureVersion", "1.0".to_owned()),
        ("TemplateCode", message.template_code.to_owned()),
        (
            "TemplateParam",
            serde_json::Value::Object(message.template_param.clone()).to_string(),
        ),
        ("Timestamp", now.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
        ("Version", VERSION.to_owned()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    let signature = signature("POST", &params, credentials.access_key_secret);
    params.push(("Signature".to_owned(), signature));
    params
}

/// `Base64(HMAC-SHA1(secret + "&", METHOD & %2F & encode(canonical query)))`.
pub fn signature(method: &str, params: &[(String, String)], secret: &str) -> String {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let canonical = sorted
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    let to_sign = format!("{method}&{}&{}", encode("/"), encode(&canonical));
    // HMAC takes a key of any length: this never fails.
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()) else {
        return String::new();
    };
    mac.update(to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Aliyun's codes that mean "too many, slow down" (per number per minute or hour, per account).
/// The day's limit (`isv.DAY_LIMIT_CONTROL`) is a refusal: trying again today cannot help.
fn rate_limited(code: &str) -> bool {
    code == "isv.BUSINESS_LIMIT_CONTROL" || code.starts_with("Throttling")
}

/// Reads a `SendSms` answer: `{"Code": "OK", "BizId": …}` or an error's code and message.
pub fn outcome(answer: &serde_json::Value) -> Outcome {
    let text = |name: &str| answer[name].as_str().unwrap_or_default().to_owned();
    let code = text("Code");
    if code == "OK" {
        return Outcome::Accepted {
            message_id: text("BizId"),
        };
    }
    let message = text("Message");
    if code.is_empty() {
        return Outcome::Unknown {
            message: format!("an answer without a code: {answer}"),
        };
    }
    if rate_limited(&code) {
        Outcome::RateLimited { code, message }
    } else {
        Outcome::Refused { code, message }
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
    let nonce = uuid::Uuid::new_v4().to_string();
    let params = signed_params(credentials, region, message, Utc::now(), &nonce);
    let body = params
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    let response = client
        .post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await;
    super::outcome_of(response, outcome).await
}

/// One receipt of Aliyun's delivery report push (`SmsReport`): the message's `out_id` (ours)
/// and whether it reached the phone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Receipt {
    #[serde(default)]
    pub out_id: Option<String>,
    #[serde(default)]
    pub biz_id: Option<String>,
    pub success: bool,
    #[serde(default)]
    pub err_code: Option<String>,
    #[serde(default)]
    pub err_msg: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of Aliyun's signature documentation (RPC style, version 1.0).
    #[test]
    fn the_documented_example_signs_as_documented() {
        let params: Vec<(String, String)> = [
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        assert_eq!(
            signature("GET", &params, "testsecret"),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
    }

    #[test]
    fn values_are_encoded_as_aliyun_encodes_them() {
        assert_eq!(encode("a b*c~d"), "a%20b%2Ac~d");
        assert_eq!(encode("阿里"), "%E9%98%BF%E9%87%8C");
        assert_eq!(phone_number("+8613800138000"), "13800138000");
        assert_eq!(phone_number("+85291234567"), "85291234567");
    }

    #[test]
    fn answers_become_outcomes() {
        let ok = serde_json::json!({"Message":"OK","RequestId":"r","Code":"OK","BizId":"900619746936498440^0"});
        assert_eq!(
            outcome(&ok),
            Outcome::Accepted {
                message_id: "900619746936498440^0".to_owned()
            }
        );
        let limited = serde_json::json!({"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发分钟级流控Permits:1"});
        assert!(matches!(outcome(&limited), Outcome::RateLimited { .. }));
        let bad = serde_json::json!({"Code":"isv.SMS_TEMPLATE_ILLEGAL","Message":"模板不合法"});
        assert!(
            matches!(outcome(&bad), Outcome::Refused { code, .. } if code == "isv.SMS_TEMPLATE_ILLEGAL")
        );
    }
}
