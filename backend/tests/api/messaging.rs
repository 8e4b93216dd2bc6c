//! SMS and WeChat Work steps of a ladder, end to end: a channel saved over GraphQL with its
//! credentials sealed, a step's template mapped, the dunning run making the message once, the
//! job sending it to the providers' stand-in (which checks each signature), receipts and
//! WeChat Work's confirmation ending it; quiet hours, opt-out, refusals and rate limits; who
//! sees what, and another company's ids.

use crate::helpers::{TestApp, TestSession, messaging_base, spawn_app};
use crate::kit::{TestTenant, company_today, ok, run_dunning};
use chrono::{DateTime, Days, Duration, Utc};
use duely_backend::jobs::{self, Registry};
use duely_backend::messaging::providers::client;
use duely_backend::messaging::send::{CHECK_JOB, Check, Messenger, SEND_JOB, Send};
use serde_json::{Value, json};

const SAVE_CHANNEL: &str = "mutation($input: SaveMessageChannelInput!) {
    saveMessageChannel(input: $input) { channel { kind provider settings credentialsHint callbackUrl } } }";
const SAVE_TEMPLATE: &str = "mutation($input: SaveSmsTemplateInput!) {
    saveSmsTemplate(input: $input) { template { stepOffset locale provider templateCode params { name value } } } }";
const DELIVERIES: &str = "query($filter: MessageDeliveriesFilter) {
    messageDeliveries(first: 50, filter: $filter) { totalCount edges { node {
        id customerId channel provider status recipient sender content templateCode stepName
        attempts sendAfter providerMessageId errorCode errorMessage } } } }";

fn sealer() -> duely_backend::secrets::Sealer {
    duely_backend::secrets::Sealer::from_hex(&"5a".repeat(32).into()).unwrap()
}

/// The send and check jobs, to run at a time of the test's choosing.
fn message_jobs() -> Registry {
    let mut registry = Registry::default();
    let messenger = Messenger {
        sealer: sealer(),
        endpoints: crate::helpers::messaging_endpoints(),
        client: client().unwrap(),
    };
    registry.register(SEND_JOB, Send(messenger.clone()));
    registry.register(CHECK_JOB, Check(messenger));
    registry
}

async fn run_jobs_at(app: &TestApp, at: DateTime<Utc>) {
    let registry = message_jobs();
    for _ in 0..3 {
        jobs::run_due_at(&app.db, &registry, at).await.unwrap();
    }
}

async fn aliyun_channel(acme: &TestTenant<'_>) -> Value {
    ok(
        acme.app,
        &acme.owner,
        SAVE_CHANNEL,
        json!({ "input": { "kind": "SMS", "provider": "ALIYUN_SMS",
            "settings": { "signName": "杜利科技" },
            "credentials": { "accessKeyId": "LTAIstandin", "accessKeySecret": "standin-aliyun-secret" } } }),
        "saveMessageChannel",
    )
    .await["channel"]
        .clone()
}

/// The default ladder for the company: an SMS on day 3, a WeChat message on day 5.
async fn message_ladder(acme: &TestTenant<'_>) -> String {
    let saved = ok(
        acme.app,
        &acme.owner,
        "mutation($input: SaveDunningPolicyInput!) { saveDunningPolicy(input: $input) { policy { id } } }",
        json!({ "input": { "name": "Messages", "makeDefault": true, "steps": [
            { "offsetDays": 3, "action": "SEND_SMS", "name": "短信提醒" },
            { "offsetDays": 5, "action": "SEND_WECHAT", "name": "微信提醒" } ] } }),
        "saveDunningPolicy",
    )
    .await;
    saved["policy"]["id"].as_str().unwrap().to_owned()
}

async fn map_template(acme: &TestTenant<'_>, ladder: &str, provider: &str, code: &str) {
    ok(
        acme.app,
        &acme.owner,
        SAVE_TEMPLATE,
        json!({ "input": { "ladderId": ladder, "stepOffset": 3, "locale": "ZH_CN",
            "provider": provider, "templateCode": code,
            "params": [ { "name": "name", "value": "CUSTOMER_NAME" },
                        { "name": "amount", "value": "AMOUNT_DUE" } ] } }),
        "saveSmsTemplate",
    )
    .await;
}

/// A customer of `collector` with a billing contact of `mobile`, owing 1,200 due four days
/// before the company's today (so the day-3 SMS step is due today).
async fn customer_owing(
    acme: &TestTenant<'_>,
    code: &str,
    mobile: &str,
    collector: &TestSession,
    extra: Value,
) -> String {
    let mut input = json!({
        "name": format!("上海{code}贸易有限公司"),
        "collectorId": collector.user_id,
        "contacts": [ { "name": "王芳", "mobile": mobile, "billing": true,
                        "wecomExternalUserId": format!("wm{code}") } ],
    });
    for (key, value) in extra.as_object().unwrap() {
        input[key] = value.clone();
    }
    let customer = acme.customer_with(code, input).await;
    let today = company_today(acme.app, &acme.owner).await;
    let due = today - Days::new(4);
    acme.invoice_with(
        &customer,
        "1200",
        json!({ "issueDate": (due - Days::new(30)).to_string(), "dueDate": due.to_string() }),
    )
    .await;
    customer.id
}

async fn deliveries(app: &TestApp, session: &TestSession, filter: Value) -> Vec<Value> {
    let page = ok(
        app,
        session,
        DELIVERIES,
        json!({ "filter": filter }),
        "messageDeliveries",
    )
    .await;
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"].clone())
        .collect()
}

/// The channel's receipt address on this test's server.
fn receipts_url(app: &TestApp, channel: &Value) -> String {
    let callback = channel["callbackUrl"].as_str().unwrap();
    let path = &callback[callback.find("/webhooks/").unwrap()..];
    app.url(path)
}

/// Waits for the customer's one message to reach `status` (the app's own worker sends it).
async fn until_status(app: &TestApp, session: &TestSession, customer: &str, status: &str) -> Value {
    for _ in 0..100 {
        let found = deliveries(app, session, json!({ "customerId": customer })).await;
        if found.len() == 1 && found[0]["status"] == status {
            return found[0].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "the message never became {status}: {:?}",
        deliveries(app, session, json!({ "customerId": customer })).await
    );
}

async fn standin_requests(provider: &str) -> Vec<Value> {
    let all: Vec<Value> = reqwest::get(format!("{}/_standin/requests", messaging_base()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    all.into_iter()
        .filter(|request| request["provider"] == provider)
        .collect()
}

async fn open_tasks(acme: &TestTenant<'_>, customer: &str) -> Vec<Value> {
    let page = ok(
        acme.app,
        &acme.owner,
        "query($filter: TaskFilter) { tasks(first: 50, filter: $filter) { edges { node { kind title assignee { id } } } } }",
        json!({ "filter": { "customerId": customer } }),
        "tasks",
    )
    .await;
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"].clone())
        .collect()
}

async fn timeline(acme: &TestTenant<'_>, customer: &str) -> Vec<String> {
    let found = ok(
        acme.app,
        &acme.owner,
        "query($id: ID!) { customer(id: $id) { timeline(first: 50) { kind detail } } }",
        json!({ "id": customer }),
        "customer",
    )
    .await;
    found["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["detail"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_channel_keeps_its_credentials_sealed_and_bad_input_is_refused_by_field() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let saved = aliyun_channel(&acme).await;
    assert_eq!(saved["provider"], "ALIYUN_SMS");
    assert_eq!(saved["settings"]["signName"], "杜利科技");
    assert_eq!(saved["settings"]["region"], "cn-hangzhou");
    assert_eq!(saved["settings"]["quietHours"]["start"], "21:00");
    assert_eq!(saved["credentialsHint"], "…ndin");
    let callback = saved["callbackUrl"].as_str().unwrap();
    assert!(
        callback.contains(&format!("/webhooks/messages/{}/", acme.id().0)),
        "{callback}"
    );
    assert!(!saved.to_string().contains("standin-aliyun-secret"));

    // Sealed at rest: the stored bytes do not hold the secret.
    let schema = acme.id().schema_name();
    let row = sea_orm::ConnectionTrait::query_one_raw(
        &app.db,
        sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            format!("SELECT credentials FROM \"{schema}\".message_channels"),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    let sealed: Vec<u8> = row.try_get("", "credentials").unwrap();
    assert!(!String::from_utf8_lossy(&sealed).contains("standin-aliyun-secret"));

    // Settings changed without credentials keep the ones saved.
    let kept = ok(
        &app,
        &acme.owner,
        SAVE_CHANNEL,
        json!({ "input": { "kind": "SMS", "provider": "ALIYUN_SMS",
            "settings": { "signName": "杜利", "quietHours": { "start": "22:00", "end": "07:00" } } } }),
        "saveMessageChannel",
    )
    .await;
    assert_eq!(kept["channel"]["credentialsHint"], "…ndin");
    assert_eq!(kept["channel"]["callbackUrl"].as_str().unwrap(), callback);

    // A viewer cannot send for customers: only a member whose role collects.
    let viewer = acme.member("VIEWER").await;
    for (input, reason, field) in [
        (
            json!({ "kind": "WECOM", "provider": "WECOM", "settings": { "corpId": "ww1", "senders": [ { "memberId": viewer.user_id, "wecomUserId": "lisi" } ] }, "credentials": { "secret": "s" } }),
            "ASSIGNEE_MAY_NOT_COLLECT",
            "input.settings.senders[0].memberId",
        ),
        (
            json!({ "kind": "SMS", "provider": "WECOM", "settings": { "corpId": "ww1" }, "credentials": { "secret": "s" } }),
            "NOT_ONE_OF",
            "input.provider",
        ),
        (
            json!({ "kind": "SMS", "provider": "TENCENT_SMS", "settings": { "signName": "杜利" }, "credentials": { "secretId": "a", "secretKey": "b" } }),
            "REQUIRED",
            "input.settings.sdkAppId",
        ),
        (
            json!({ "kind": "SMS", "provider": "TENCENT_SMS", "settings": { "signName": "杜利", "sdkAppId": "1400" } }),
            "REQUIRED",
            "input.credentials",
        ),
        (
            json!({ "kind": "SMS", "provider": "ALIYUN_SMS", "settings": { "signName": "杜利" }, "credentials": { "accessKeyId": "a" } }),
            "REQUIRED",
            "input.credentials.accessKeySecret",
        ),
        (
            json!({ "kind": "WECOM", "provider": "WECOM", "settings": { "corpId": "ww1", "senders": [ { "memberId": uuid::Uuid::now_v7(), "wecomUserId": "zhangsan" } ] }, "credentials": { "secret": "s" } }),
            "RECORD_NOT_FOUND",
            "input.settings.senders[0].memberId",
        ),
    ] {
        let body = app
            .graphql_as(
                &acme.owner.access_token,
                SAVE_CHANNEL,
                json!({ "input": input }),
            )
            .await;
        let error = &body["errors"][0]["extensions"];
        assert_eq!(error["reason"], reason, "{body}");
        assert_eq!(error["field"], field, "{body}");
    }
    // Nothing changed.
    let channels = ok(
        &app,
        &acme.owner,
        "{ messageChannels { kind provider } }",
        json!({}),
        "messageChannels",
    )
    .await;
    assert_eq!(
        channels,
        json!([{ "kind": "SMS", "provider": "ALIYUN_SMS" }])
    );
}

#[tokio::test]
async fn an_sms_step_goes_through_aliyun_once_whatever_the_retries_and_its_receipt_ends_it() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let collector = acme.member("COLLECTOR").await;
    let channel = aliyun_channel(&acme).await;
    let ladder = message_ladder(&acme).await;
    map_template(&acme, &ladder, "ALIYUN_SMS", "SMS_465310012").await;
    // Its time zone is one where it is day now, whatever the hour the test runs at.
    let zone = daytime_zone();
    let customer = customer_owing(
        &acme,
        "A1",
        "138 0013 8000",
        &collector,
        json!({ "timeZone": zone }),
    )
    .await;
    let today = company_today(&app, &acme.owner).await;

    run_dunning(&app, &acme.owner, today).await;
    // A retried run (a crash, a second replica) makes nothing twice.
    run_dunning(&app, &acme.owner, today).await;
    let sent = until_status(&app, &acme.owner, &customer, "SENT").await;
    assert_eq!(sent["recipient"], "+8613800138000");
    assert_eq!(sent["templateCode"], "SMS_465310012");
    assert_eq!(sent["stepName"], "短信提醒");
    assert_eq!(sent["attempts"], 1);
    let request = standin_requests("aliyun")
        .await
        .into_iter()
        .find(|request| request["params"]["OutId"] == sent["id"])
        .expect("the stand-in heard it");
    assert_eq!(request["params"]["PhoneNumbers"], "13800138000");
    assert_eq!(request["params"]["SignName"], "杜利科技");
    let values: Value =
        serde_json::from_str(request["params"]["TemplateParam"].as_str().unwrap()).unwrap();
    assert_eq!(
        values,
        json!({ "name": "上海A1贸易有限公司", "amount": "¥1,200.00" })
    );
    assert_eq!(request["id"], sent["providerMessageId"]);

    // The job again: it sends nothing more.
    run_jobs_at(&app, Utc::now() + Duration::hours(1)).await;
    let heard = standin_requests("aliyun")
        .await
        .into_iter()
        .filter(|request| request["params"]["OutId"] == sent["id"])
        .count();
    assert_eq!(heard, 1);

    // Aliyun's delivery receipt, posted to the channel's address, ends it.
    let receipt = json!([{ "phone_number": "13800138000", "send_time": "2026-12-06 10:00:00",
        "report_time": "2026-12-06 10:00:05", "success": true, "err_code": "DELIVERED",
        "err_msg": "用户接收成功", "sms_size": "1", "biz_id": sent["providerMessageId"],
        "out_id": sent["id"] }]);
    let answer = app
        .client
        .post(receipts_url(&app, &channel))
        .json(&receipt)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.json::<Value>().await.unwrap()["code"], 0);
    until_status(&app, &acme.owner, &customer, "DELIVERED").await;
    // A receipt to a wrong address is not heard.
    let wrong = format!("{}x", receipts_url(&app, &channel));
    let answer = app.client.post(wrong).json(&receipt).send().await.unwrap();
    assert_eq!(answer.status(), 404);

    let log = timeline(&acme, &customer).await;
    assert!(
        log.iter().any(|line| line.contains("短信消息将于")),
        "{log:?}"
    );
    assert!(
        log.iter().any(|line| line.contains("短信消息已发给王芳")),
        "{log:?}"
    );
    assert!(
        log.iter().any(|line| line.contains("短信消息已送达王芳")),
        "{log:?}"
    );
    assert!(open_tasks(&acme, &customer).await.is_empty());
}

/// A time zone where it is between 10:00 and 18:00 now.
fn daytime_zone() -> String {
    zone_at_local_hour(12)
}

/// An `Etc/GMT±N` zone whose local hour now is about `hour`.
fn zone_at_local_hour(hour: i64) -> String {
    use chrono::Timelike;
    let utc_hour = i64::from(Utc::now().hour());
    // Etc/GMT-N is N hours ahead of UTC; offsets run from -12 to +14.
    let mut ahead = (hour - utc_hour).rem_euclid(24);
    if ahead > 14 {
        ahead -= 24;
    }
    match ahead {
        0 => "Etc/UTC".to_owned(),
        n if n > 0 => format!("Etc/GMT-{n}"),
        n => format!("Etc/GMT+{}", -n),
    }
}

#[tokio::test]
async fn tencent_sends_the_values_in_order_and_a_failed_receipt_becomes_a_task() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let collector = acme.member("COLLECTOR").await;
    let channel = ok(
        &app,
        &acme.owner,
        SAVE_CHANNEL,
        json!({ "input": { "kind": "SMS", "provider": "TENCENT_SMS",
            "settings": { "signName": "杜利科技", "sdkAppId": "1400787878" },
            "credentials": { "secretId": "AKIDstandin", "secretKey": "standin-tencent-key" } } }),
        "saveMessageChannel",
    )
    .await["channel"]
        .clone();
    let ladder = message_ladder(&acme).await;
    map_template(&acme, &ladder, "TENCENT_SMS", "1856632").await;
    let customer = customer_owing(
        &acme,
        "T1",
        "13800138000",
        &collector,
        json!({ "timeZone": daytime_zone() }),
    )
    .await;
    run_dunning(&app, &acme.owner, company_today(&app, &acme.owner).await).await;
    let sent = until_status(&app, &acme.owner, &customer, "SENT").await;
    let request = standin_requests("tencent")
        .await
        .into_iter()
        .find(|request| request["params"]["SessionContext"] == sent["id"])
        .expect("the stand-in heard it");
    assert_eq!(
        request["params"]["PhoneNumberSet"],
        json!(["+8613800138000"])
    );
    assert_eq!(request["params"]["TemplateId"], "1856632");
    assert_eq!(
        request["params"]["TemplateParamSet"],
        json!(["上海T1贸易有限公司", "¥1,200.00"])
    );

    // Tencent's status callback: not delivered.
    let receipt = json!([{ "user_receive_time": "2026-12-06 10:00:05", "nationcode": "86",
        "mobile": "13800138000", "report_status": "FAIL", "errmsg": "MK:0001",
        "description": "用户关机", "sid": sent["providerMessageId"] }]);
    let answer = app
        .client
        .post(receipts_url(&app, &channel))
        .json(&receipt)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.json::<Value>().await.unwrap()["result"], 0);
    let failed = until_status(&app, &acme.owner, &customer, "FAILED").await;
    assert_eq!(failed["errorMessage"], "MK:0001");
    let tasks = open_tasks(&acme, &customer).await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0]["kind"], "SMS");
    assert_eq!(tasks[0]["assignee"]["id"], collector.user_id.as_str());
    assert!(
        tasks[0]["title"].as_str().unwrap().contains("MK:0001"),
        "{tasks:?}"
    );
}

#[tokio::test]
async fn night_opt_out_and_a_missing_template_are_kept_to() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let collector = acme.member("COLLECTOR").await;
    aliyun_channel(&acme).await;
    let ladder = message_ladder(&acme).await;
    map_template(&acme, &ladder, "ALIYUN_SMS", "SMS_465310012").await;
    let night = customer_owing(
        &acme,
        "N1",
        "13800138001",
        &collector,
        json!({ "timeZone": zone_at_local_hour(23) }),
    )
    .await;
    let opted_out = customer_owing(
        &acme,
        "O1",
        "13800138002",
        &collector,
        json!({ "timeZone": daytime_zone(), "messagingOptOut": true }),
    )
    .await;
    let paid_overnight = customer_owing(
        &acme,
        "N2",
        "13800138004",
        &collector,
        json!({ "timeZone": zone_at_local_hour(23) }),
    )
    .await;
    let english = customer_owing(
        &acme,
        "E1",
        "13800138003",
        &collector,
        json!({ "timeZone": daytime_zone(), "locale": "EN" }),
    )
    .await;
    run_dunning(&app, &acme.owner, company_today(&app, &acme.owner).await).await;

    // At night it waits for 08:00 there, some hours away.
    let waiting = deliveries(&app, &acme.owner, json!({ "customerId": night })).await;
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0]["status"], "SCHEDULED");
    let at: DateTime<Utc> = waiting[0]["sendAfter"].as_str().unwrap().parse().unwrap();
    assert!(
        at > Utc::now() + Duration::hours(7) && at < Utc::now() + Duration::hours(10),
        "{at}"
    );
    run_jobs_at(&app, Utc::now()).await;
    assert_eq!(
        deliveries(&app, &acme.owner, json!({ "customerId": night })).await[0]["status"],
        "SCHEDULED"
    );
    // One of them pays during the night: its message goes nowhere, and nobody has a task.
    ok(
        &app,
        &acme.owner,
        "mutation($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } } }",
        json!({ "input": { "customerId": paid_overnight, "amount": "1200", "currency": "CNY",
            "method": "BANK_TRANSFER" } }),
        "recordPayment",
    )
    .await;
    run_jobs_at(&app, at + Duration::seconds(1)).await;
    assert_eq!(
        deliveries(&app, &acme.owner, json!({ "customerId": night })).await[0]["status"],
        "SENT"
    );
    let paid = deliveries(&app, &acme.owner, json!({ "customerId": paid_overnight })).await;
    assert_eq!(paid[0]["status"], "CANCELLED");
    assert!(open_tasks(&acme, &paid_overnight).await.is_empty());
    assert!(
        timeline(&acme, &paid_overnight)
            .await
            .iter()
            .any(|line| line.contains("发送前发票已结清"))
    );

    // Opted out: nothing made, nothing for the collector, and the log says why.
    assert!(
        deliveries(&app, &acme.owner, json!({ "customerId": opted_out }))
            .await
            .is_empty()
    );
    assert!(open_tasks(&acme, &opted_out).await.is_empty());
    assert!(
        timeline(&acme, &opted_out)
            .await
            .iter()
            .any(|line| line.contains("客户已退订"))
    );

    // No approved template in English: the collector sends it, as before channels.
    assert!(
        deliveries(&app, &acme.owner, json!({ "customerId": english }))
            .await
            .is_empty()
    );
    let tasks = open_tasks(&acme, &english).await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["kind"], "SMS");
}

#[tokio::test]
async fn refused_and_rate_limited_messages_become_tasks_with_their_reason() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let collector = acme.member("COLLECTOR").await;
    aliyun_channel(&acme).await;
    let ladder = message_ladder(&acme).await;
    // A number the stand-in rate-limits; then one it refuses as not a number.
    map_template(&acme, &ladder, "ALIYUN_SMS", "SMS_465310012").await;
    let limited = customer_owing(
        &acme,
        "L1",
        "13800130429",
        &collector,
        json!({ "timeZone": "Etc/UTC" }),
    )
    .await;
    let refused = customer_owing(
        &acme,
        "R1",
        "13800130400",
        &collector,
        json!({ "timeZone": "Etc/UTC" }),
    )
    .await;
    run_dunning(&app, &acme.owner, company_today(&app, &acme.owner).await).await;
    // Sent at noon UTC (not night in Etc/UTC), whatever the hour now.
    let mut clock = Utc::now()
        .date_naive()
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc()
        + Duration::days(1);
    run_jobs_at(&app, clock).await;

    let failed = until_status(&app, &acme.owner, &refused, "FAILED").await;
    assert_eq!(failed["errorCode"], "isv.MOBILE_NUMBER_ILLEGAL");
    let tasks = open_tasks(&acme, &refused).await;
    assert_eq!(tasks.len(), 1);
    assert!(
        tasks[0]["title"]
            .as_str()
            .unwrap()
            .contains("isv.MOBILE_NUMBER_ILLEGAL")
    );

    // Rate limited: tried again after each wait, then given up to a task.
    let once = deliveries(&app, &acme.owner, json!({ "customerId": limited })).await;
    assert_eq!(once[0]["status"], "SCHEDULED");
    assert_eq!(once[0]["attempts"], 1);
    assert_eq!(once[0]["errorCode"], "isv.BUSINESS_LIMIT_CONTROL");
    for wait in domain::messaging::RATE_LIMIT_RETRY_SECS {
        clock += Duration::seconds(wait + 1);
        run_jobs_at(&app, clock).await;
    }
    let given_up = until_status(&app, &acme.owner, &limited, "FAILED").await;
    assert_eq!(
        given_up["attempts"],
        domain::messaging::RATE_LIMIT_RETRY_SECS.len() as i64 + 1
    );
    let tasks = open_tasks(&acme, &limited).await;
    assert_eq!(tasks.len(), 1);
    assert!(
        tasks[0]["title"].as_str().unwrap().contains("限流"),
        "{tasks:?}"
    );
}

#[tokio::test]
async fn a_wechat_step_waits_for_the_collector_to_send_it_in_wecom() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let collector = acme.member("COLLECTOR").await;
    let other = acme.member("COLLECTOR").await;
    ok(
        &app,
        &acme.owner,
        SAVE_CHANNEL,
        json!({ "input": { "kind": "WECOM", "provider": "WECOM",
            "settings": { "corpId": "wwstandin", "senders": [
                { "memberId": collector.user_id, "wecomUserId": "wangfang" } ] },
            "credentials": { "secret": "standin-wecom-secret" } } }),
        "saveMessageChannel",
    )
    .await;
    message_ladder(&acme).await;
    let customer = customer_owing(
        &acme,
        "W1",
        "13800138000",
        &collector,
        json!({ "timeZone": daytime_zone() }),
    )
    .await;
    // One the collector never sends: withdrawn after three days, and a task instead.
    let unsent = customer_owing(
        &acme,
        "W3",
        "13800138000",
        &collector,
        json!({ "timeZone": daytime_zone() }),
    )
    .await;
    // Its collector has no WeChat Work member: a task, as before channels.
    let unmapped = customer_owing(
        &acme,
        "W2",
        "13800138000",
        &other,
        json!({ "timeZone": daytime_zone() }),
    )
    .await;
    // Day 5 is the WeChat step.
    let today = company_today(&app, &acme.owner).await;
    run_dunning(&app, &acme.owner, today + Days::new(1)).await;

    let waiting = until_status(&app, &acme.owner, &customer, "SENT").await;
    assert_eq!(waiting["channel"], "WECOM");
    assert_eq!(waiting["sender"], "wangfang");
    assert_eq!(waiting["recipient"], "wmW1");
    assert!(waiting["content"].as_str().unwrap().contains("¥1,200.00"));
    let request = standin_requests("wecom")
        .await
        .into_iter()
        .find(|request| request["id"] == waiting["providerMessageId"])
        .unwrap();
    assert_eq!(request["params"]["chat_type"], "single");
    assert_eq!(request["params"]["external_userid"], json!(["wmW1"]));

    // Not yet sent by the collector: asked again later.
    run_jobs_at(&app, Utc::now() + Duration::minutes(61)).await;
    assert_eq!(
        deliveries(&app, &acme.owner, json!({ "customerId": customer })).await[0]["status"],
        "SENT"
    );
    reqwest::Client::new()
        .post(format!("{}/_standin/wecom/confirm", messaging_base()))
        .json(&json!({ "msgid": waiting["providerMessageId"] }))
        .send()
        .await
        .unwrap();
    run_jobs_at(&app, Utc::now() + Duration::minutes(122)).await;
    until_status(&app, &acme.owner, &customer, "DELIVERED").await;

    let forgotten = until_status(&app, &acme.owner, &unsent, "SENT").await;
    let mut clock = Utc::now() + Duration::minutes(122);
    while clock < Utc::now() + Duration::days(3) + Duration::hours(2) {
        clock += Duration::hours(1) + Duration::minutes(1);
        jobs::run_due_at(&app.db, &message_jobs(), clock)
            .await
            .unwrap();
    }
    let failed = until_status(&app, &acme.owner, &unsent, "FAILED").await;
    assert_eq!(failed["id"], forgotten["id"]);
    assert!(
        standin_requests("wecom.cancel")
            .await
            .iter()
            .any(|request| request["id"] == forgotten["providerMessageId"]),
        "withdrawn from the collector's WeChat Work"
    );
    let tasks = open_tasks(&acme, &unsent).await;
    assert_eq!(tasks.len(), 1);
    assert!(
        tasks[0]["title"]
            .as_str()
            .unwrap()
            .contains("3天内未在企业微信中发送"),
        "{tasks:?}"
    );

    assert!(
        deliveries(&app, &acme.owner, json!({ "customerId": unmapped }))
            .await
            .is_empty()
    );
    let tasks = open_tasks(&acme, &unmapped).await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["kind"], "WECHAT");
}

#[tokio::test]
async fn collectors_see_their_customers_messages_and_another_companys_ids_find_nothing() {
    let app = spawn_app().await;
    let acme = TestTenant::sign_up(&app, "Acme").await;
    let globex = TestTenant::sign_up(&app, "Globex").await;
    let collector = acme.member("COLLECTOR").await;
    let other = acme.member("COLLECTOR").await;
    aliyun_channel(&acme).await;
    let ladder = message_ladder(&acme).await;
    map_template(&acme, &ladder, "ALIYUN_SMS", "SMS_465310012").await;
    let mine = customer_owing(
        &acme,
        "M1",
        "13800138000",
        &collector,
        json!({ "timeZone": daytime_zone() }),
    )
    .await;
    let theirs = customer_owing(
        &acme,
        "M2",
        "13800138001",
        &other,
        json!({ "timeZone": daytime_zone() }),
    )
    .await;
    run_dunning(&app, &acme.owner, company_today(&app, &acme.owner).await).await;
    until_status(&app, &acme.owner, &mine, "SENT").await;
    until_status(&app, &acme.owner, &theirs, "SENT").await;

    let seen = deliveries(&app, &collector, json!({})).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["customerId"], mine.as_str());
    // A collector configures nothing.
    let body = app
        .graphql_as(
            &collector.access_token,
            "mutation { deleteMessageChannel(input: { kind: SMS }) { kind } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );

    // Globex sees nothing of Acme's, by any id.
    assert!(
        deliveries(&app, &globex.owner, json!({ "customerId": mine }))
            .await
            .is_empty()
    );
    let templates = ok(
        &app,
        &globex.owner,
        "query($id: ID!) { smsTemplates(ladderId: $id) { templateCode } }",
        json!({ "id": ladder }),
        "smsTemplates",
    )
    .await;
    assert_eq!(templates, json!([]));
    let body = app
        .graphql_as(
            &globex.owner.access_token,
            SAVE_TEMPLATE,
            json!({ "input": { "ladderId": ladder, "stepOffset": 3, "locale": "ZH_CN",
                "provider": "ALIYUN_SMS", "templateCode": "SMS_1", "params": [] } }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["reason"], "RECORD_NOT_FOUND",
        "{body}"
    );
}
