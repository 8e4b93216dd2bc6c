//! The message providers as Duely calls them, against the stand-in (`infra/messaging_standin.py`),
//! which checks each one's documented signature with an implementation of its own: Aliyun SMS
//! (signature 1.0, HMAC-SHA1), Tencent Cloud SMS (TC3-HMAC-SHA256) and WeChat Work (a token,
//! then `add_msg_template` and `get_groupmsg_send_result`). Each provider's answers for a sent
//! message, a refusal and a rate limit become the outcome the sender acts on.

use crate::helpers::messaging_base;
use duely_backend::messaging::providers::{Outcome, aliyun, client, tencent, wecom};
use serde_json::{Value, json};

async fn received(provider: &str, given: &str) -> Value {
    let all: Vec<Value> = reqwest::get(format!("{}/_standin/requests", messaging_base()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    all.into_iter()
        .find(|request| {
            request["provider"] == provider && (request["id"] == given || request["id"][0] == given)
        })
        .unwrap_or_else(|| panic!("the stand-in received no {provider} request {given}"))
}

fn aliyun_message<'a>(
    phone: &'a str,
    template: &'a str,
    params: &'a serde_json::Map<String, Value>,
) -> aliyun::Message<'a> {
    aliyun::Message {
        phone,
        sign_name: "杜利科技",
        template_code: template,
        template_param: params,
        out_id: "delivery-1",
    }
}

#[tokio::test]
async fn aliyun_takes_a_signed_template_message_and_refuses_what_it_must() {
    let (client, endpoint) = (client().unwrap(), format!("{}/aliyun/", messaging_base()));
    let keys = aliyun::Credentials {
        access_key_id: "LTAIstandin",
        access_key_secret: "standin-aliyun-secret",
    };
    let params = json!({ "name": "上海某某贸易有限公司", "amount": "CNY 12,000.00" });
    let params = params.as_object().unwrap();
    let sent = aliyun::send(
        &client,
        &endpoint,
        &keys,
        "cn-hangzhou",
        &aliyun_message("+8613800138000", "SMS_465310012", params),
    )
    .await;
    let Outcome::Accepted { message_id } = sent else {
        panic!("{sent:?}")
    };
    let request = received("aliyun", &message_id).await;
    assert_eq!(request["params"]["PhoneNumbers"], "13800138000");
    assert_eq!(request["params"]["SignName"], "杜利科技");
    assert_eq!(request["params"]["TemplateCode"], "SMS_465310012");
    assert_eq!(request["params"]["OutId"], "delivery-1");
    let template: Value =
        serde_json::from_str(request["params"]["TemplateParam"].as_str().unwrap()).unwrap();
    assert_eq!(template["name"], "上海某某贸易有限公司");

    // A wrong secret signs differently: refused, as Aliyun refuses it.
    let wrong = aliyun::Credentials {
        access_key_secret: "not-the-secret",
        ..keys
    };
    let refused = aliyun::send(
        &client,
        &endpoint,
        &wrong,
        "cn-hangzhou",
        &aliyun_message("+8613800138000", "SMS_465310012", params),
    )
    .await;
    assert!(
        matches!(&refused, Outcome::Refused { code, .. } if code == "SignatureDoesNotMatch"),
        "{refused:?}"
    );
    let limited = aliyun::send(
        &client,
        &endpoint,
        &keys,
        "cn-hangzhou",
        &aliyun_message("+8613800130429", "SMS_465310012", params),
    )
    .await;
    assert!(
        matches!(&limited, Outcome::RateLimited { code, .. } if code == "isv.BUSINESS_LIMIT_CONTROL"),
        "{limited:?}"
    );
    let unapproved = aliyun::send(
        &client,
        &endpoint,
        &keys,
        "cn-hangzhou",
        &aliyun_message("+8613800138000", "SMS_000000", params),
    )
    .await;
    assert!(
        matches!(&unapproved, Outcome::Refused { code, .. } if code == "isv.SMS_TEMPLATE_ILLEGAL"),
        "{unapproved:?}"
    );
}

fn tencent_message<'a>(
    phone: &'a str,
    template: &'a str,
    params: &'a [String],
) -> tencent::Message<'a> {
    tencent::Message {
        phone,
        sdk_app_id: "1400787878",
        sign_name: "杜利科技",
        template_id: template,
        params,
        session_context: "delivery-2",
    }
}

#[tokio::test]
async fn tencent_takes_a_tc3_signed_message_and_refuses_what_it_must() {
    let (client, endpoint) = (client().unwrap(), format!("{}/tencent/", messaging_base()));
    let keys = tencent::Credentials {
        secret_id: "AKIDstandin",
        secret_key: "standin-tencent-key",
    };
    let params = vec!["上海某某贸易有限公司".to_owned(), "12000.00".to_owned()];
    let sent = tencent::send(
        &client,
        &endpoint,
        &keys,
        "ap-guangzhou",
        &tencent_message("+8613800138000", "1856632", &params),
    )
    .await;
    let Outcome::Accepted { message_id } = sent else {
        panic!("{sent:?}")
    };
    let request = received("tencent", &message_id).await;
    assert_eq!(
        request["params"]["PhoneNumberSet"],
        json!(["+8613800138000"])
    );
    assert_eq!(request["params"]["SmsSdkAppId"], "1400787878");
    assert_eq!(request["params"]["TemplateParamSet"], json!(params));
    assert_eq!(request["params"]["SessionContext"], "delivery-2");

    let wrong = tencent::Credentials {
        secret_key: "not-the-key",
        ..keys
    };
    let refused = tencent::send(
        &client,
        &endpoint,
        &wrong,
        "ap-guangzhou",
        &tencent_message("+8613800138000", "1856632", &params),
    )
    .await;
    assert!(
        matches!(&refused, Outcome::Refused { code, .. } if code == "AuthFailure.SignatureFailure"),
        "{refused:?}"
    );
    let limited = tencent::send(
        &client,
        &endpoint,
        &keys,
        "ap-guangzhou",
        &tencent_message("+8613800130429", "1856632", &params),
    )
    .await;
    assert!(
        matches!(&limited, Outcome::RateLimited { code, .. } if code == "LimitExceeded.PhoneNumberThirtySecondLimit"),
        "{limited:?}"
    );
    let unapproved = tencent::send(
        &client,
        &endpoint,
        &keys,
        "ap-guangzhou",
        &tencent_message("+8613800138000", "000000", &params),
    )
    .await;
    assert!(
        matches!(&unapproved, Outcome::Refused { code, .. } if code == "FailedOperation.TemplateIncorrectOrUnapproved"),
        "{unapproved:?}"
    );
}

#[tokio::test]
async fn wecom_puts_the_message_with_the_collector_and_hears_when_they_send_it() {
    let (client, base) = (client().unwrap(), format!("{}/wecom", messaging_base()));
    let keys = wecom::Credentials {
        corp_id: "wwstandin",
        secret: "standin-wecom-secret",
    };
    let contact = "wmEAlECwAAHrbWYDOK5u3Af13xlYDDNQ";
    let sent = wecom::send(
        &client,
        &base,
        &keys,
        contact,
        "zhangsan",
        "您好，账款已逾期。",
    )
    .await;
    let Outcome::Accepted { message_id } = sent else {
        panic!("{sent:?}")
    };
    let request = received("wecom", &message_id).await;
    assert_eq!(request["params"]["sender"], "zhangsan");
    assert_eq!(request["params"]["external_userid"], json!([contact]));
    assert_eq!(request["params"]["text"]["content"], "您好，账款已逾期。");

    let waiting = wecom::confirmation(&client, &base, &keys, &message_id, "zhangsan", contact)
        .await
        .unwrap();
    assert_eq!(waiting, wecom::Confirmation::Waiting);
    reqwest::Client::new()
        .post(format!("{}/_standin/wecom/confirm", messaging_base()))
        .json(&json!({ "msgid": message_id }))
        .send()
        .await
        .unwrap();
    let confirmed = wecom::confirmation(&client, &base, &keys, &message_id, "zhangsan", contact)
        .await
        .unwrap();
    assert_eq!(confirmed, wecom::Confirmation::Sent);

    let stranger = wecom::send(
        &client,
        &base,
        &keys,
        "wmSomeoneNOTFRIEND",
        "zhangsan",
        "您好",
    )
    .await;
    assert!(
        matches!(&stranger, Outcome::Refused { code, .. } if code == "FAIL_LIST"),
        "{stranger:?}"
    );
    let busy = wecom::send(&client, &base, &keys, contact, "busy", "您好").await;
    assert!(
        matches!(&busy, Outcome::RateLimited { code, .. } if code == "45009"),
        "{busy:?}"
    );
    let wrong = wecom::Credentials {
        corp_id: "wwstandin",
        secret: "not-the-secret",
    };
    let refused = wecom::send(&client, &base, &wrong, contact, "zhangsan", "您好").await;
    assert!(
        matches!(&refused, Outcome::Refused { code, .. } if code == "40001"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_provider_that_cannot_be_reached_is_tried_again_later() {
    let keys = aliyun::Credentials {
        access_key_id: "LTAIstandin",
        access_key_secret: "standin-aliyun-secret",
    };
    let params = serde_json::Map::new();
    let outcome = aliyun::send(
        &client().unwrap(),
        "http://127.0.0.1:9/",
        &keys,
        "cn-hangzhou",
        &aliyun_message("+8613800138000", "SMS_465310012", &params),
    )
    .await;
    assert!(
        matches!(&outcome, Outcome::RateLimited { code, .. } if code == "CONNECT"),
        "nothing was sent, so it may go later: {outcome:?}"
    );
}
