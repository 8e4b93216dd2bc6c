//! The demo company's SMS: an Alibaba Cloud channel with the account of the providers' stand-in
//! (`infra/messaging_standin.py`, which `infra/run.sh` starts and points Duely at), an SMS step
//! five days after the due date on its default ladder, mapped to a template in both languages,
//! and a mobile for each contact. The next dunning run sends real, signed requests to the
//! stand-in, so the demo shows messages sent, delivered, held for the night or failed to a task.

use crate::auth::Caller;
use crate::collections::service::dunning::{self as ladders, LadderDraft, SavePolicy};
use crate::db::TenantTx;
use crate::error::AppError;
use crate::messaging::service::{self as messaging, SaveChannel, SaveSmsTemplate};
use crate::messaging::store;
use crate::startup::AppLinks;
use domain::Locale;
use domain::dunning::{Step, StepAction};
use domain::messages::Text;
use domain::messaging::{MessageChannelKind, MessageProvider, SmsVariable, TemplateParam};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::json;

/// The day after the due date the demo ladder texts the customer.
const SMS_DAY: i32 = 5;

/// Once: while the company has no SMS channel.
pub async fn seed_messaging(
    db: &DatabaseConnection,
    links: &AppLinks,
    owner: &Caller,
) -> Result<(), AppError> {
    let tenant = owner.require_tenant()?;
    let tx = TenantTx::begin(db, tenant).await?;
    let existing = store::channel(&*tx, MessageChannelKind::Sms).await?;
    if existing.is_none() {
        // A mainland mobile for every contact without one, the same for a customer every run.
        tx.execute_unprepared(
            "UPDATE customer_contacts
                SET mobile = '139' || lpad((abs(hashtext(customer_id::text || ':mobile')) % 100000000)::text, 8, '0')
              WHERE mobile IS NULL",
        )
        .await?;
    }
    tx.commit().await?;
    if existing.is_some() {
        return Ok(());
    }
    messaging::save_channel(
        db,
        links,
        owner,
        SaveChannel {
            kind: MessageChannelKind::Sms,
            provider: MessageProvider::AliyunSms,
            settings: json!({ "signName": "远航贸易" }),
            credentials: Some(json!({
                "accessKeyId": "LTAIstandin",
                "accessKeySecret": "standin-aliyun-secret",
            })),
        },
        "seed-demo",
    )
    .await?;

    let Some(ladder) = ladders::policies(db, owner)
        .await?
        .into_iter()
        .find(|ladder| ladder.is_default)
    else {
        return Ok(());
    };
    let mut steps = ladder.steps.0.clone();
    if !steps.iter().any(|step| step.action == StepAction::SendSms) {
        steps.push(Step {
            offset_days: SMS_DAY,
            action: StepAction::SendSms,
            name: Text::typed("短信提醒"),
        });
        steps.sort_by_key(|step| step.offset_days);
        ladders::save_policy(
            db,
            owner,
            SavePolicy {
                policy_id: Some(ladder.id),
                draft: LadderDraft {
                    name: ladder.name.clone(),
                    steps,
                    fee: ladder.fee_rule.map(|rule| rule.0),
                },
                make_default: true,
                remove_fee_rule: false,
            },
            "seed-demo",
        )
        .await?;
    }
    let param = |name: &str, value| TemplateParam {
        name: name.to_owned(),
        value,
    };
    for (locale, code) in [
        (Locale::ZhCn, "SMS_465310012"),
        (Locale::En, "SMS_465310013"),
    ] {
        messaging::save_sms_template(
            db,
            owner,
            SaveSmsTemplate {
                ladder_id: ladder.id,
                step_offset: SMS_DAY,
                locale,
                provider: MessageProvider::AliyunSms,
                template_code: code.to_owned(),
                params: vec![
                    param("name", SmsVariable::CustomerName),
                    param("amount", SmsVariable::AmountDue),
                    param("days", SmsVariable::DaysOverdue),
                ],
            },
            "seed-demo",
        )
        .await?;
    }
    Ok(())
}
