//! Texts the server wrote in English gain their code and parameters
//! (`domain::messages::Text`), which every reader sees in their own language: risk alerts'
//! messages (`message_code`, `message_params`), collection tasks' titles (`title_code`,
//! `title_params`), the reasons inside stored credit ratings' factors (`reasonText`) and the
//! names of dunning ladders' steps (`nameText`; a default step's English name becomes its code)
//! and invoices' credit flags (`credit_flag_code`, `credit_flag_params`).
//! Each English sentence Duely ever wrote has one pattern below; anything else (there should be
//! nothing) is kept as typed text (`AS_TYPED`), never lost.
//!
//! Expand, then contract: the English columns and keys stay, and this version keeps writing
//! them, because a server of the previous version reads them while a rollout runs; and a row
//! that server writes (English only) gets its code from a trigger with the same patterns. A
//! later migration drops the English and the triggers once no such server is left.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `{"code": …, "params": …}` for a rating factor's English reason `r`.
const RATING_REASON: &str = r#"
CASE
  WHEN r ~ '^Pays on average (-?[0-9.]+) days after the due date$' THEN
    jsonb_build_object('code', 'RATING_PAYS_LATE', 'params',
      jsonb_build_object('days', (regexp_match(r, '^Pays on average (-?[0-9.]+) days'))[1]))
  WHEN r = 'No paid invoices yet: neutral' THEN '{"code": "RATING_NO_PAID_INVOICES", "params": {}}'::jsonb
  WHEN r ~ '^Paying (-?[0-9.]+) days slower than before$' THEN
    jsonb_build_object('code', 'RATING_SLOWER', 'params',
      jsonb_build_object('days', (regexp_match(r, '^Paying (-?[0-9.]+) days'))[1]))
  WHEN r ~ '^Paying (-?[0-9.]+) days faster than before$' THEN
    jsonb_build_object('code', 'RATING_FASTER', 'params',
      jsonb_build_object('days', (regexp_match(r, '^Paying (-?[0-9.]+) days'))[1]))
  WHEN r = 'Paying as fast as before' THEN '{"code": "RATING_SAME_SPEED", "params": {}}'::jsonb
  WHEN r = 'Too little history for a trend: neutral' THEN '{"code": "RATING_NO_TREND", "params": {}}'::jsonb
  WHEN r ~ '^-?[0-9.]+% of invoices paid late$' THEN
    jsonb_build_object('code', 'RATING_LATE_SHARE', 'params',
      jsonb_build_object('percent', (regexp_match(r, '^(-?[0-9.]+)%'))[1]))
  WHEN r ~ '^-?[0-9.]+% of invoices paid in parts$' THEN
    jsonb_build_object('code', 'RATING_PARTS_SHARE', 'params',
      jsonb_build_object('percent', (regexp_match(r, '^(-?[0-9.]+)%'))[1]))
  WHEN r ~ '^Broke [0-9]+ of [0-9]+ promises to pay$' THEN
    jsonb_build_object('code', 'RATING_BROKE_PROMISES', 'params', jsonb_build_object(
      'broken', ((regexp_match(r, '^Broke ([0-9]+) of ([0-9]+)'))[1])::bigint,
      'judged', ((regexp_match(r, '^Broke ([0-9]+) of ([0-9]+)'))[2])::bigint))
  WHEN r = 'No promises to pay judged' THEN '{"code": "RATING_NO_PROMISES", "params": {}}'::jsonb
  WHEN r ~ '^-?[0-9.]+% of invoices disputed$' THEN
    jsonb_build_object('code', 'RATING_DISPUTED_SHARE', 'params',
      jsonb_build_object('percent', (regexp_match(r, '^(-?[0-9.]+)%'))[1]))
  WHEN r ~ '^Uses -?[0-9.]+% of its credit limit$' THEN
    jsonb_build_object('code', 'RATING_CREDIT_USE', 'params',
      jsonb_build_object('percent', (regexp_match(r, '^Uses (-?[0-9.]+)%'))[1]))
  WHEN r = 'No credit limit set: neutral' THEN '{"code": "RATING_NO_LIMIT", "params": {}}'::jsonb
  WHEN r ~ '^A customer for [0-9]+ months$' THEN
    jsonb_build_object('code', 'RATING_CUSTOMER_FOR', 'params',
      jsonb_build_object('months', ((regexp_match(r, '^A customer for ([0-9]+)'))[1])::bigint))
  WHEN r ~ '^Holds -?[0-9.]+% of the company''s receivables$' THEN
    jsonb_build_object('code', 'RATING_EXPOSURE', 'params',
      jsonb_build_object('percent', (regexp_match(r, '^Holds (-?[0-9.]+)%'))[1]))
  ELSE jsonb_build_object('code', 'AS_TYPED', 'params', jsonb_build_object('text', r))
END"#;

/// `(code, params)` for an alert's English message `m`.
const ALERT_MESSAGE: &str = r#"
CASE
  WHEN m ~ '^Open invoices of \S+ \S+ are over the credit limit of \S+$' THEN
    jsonb_build_object('code', 'ALERT_OVER_CREDIT_LIMIT', 'params', jsonb_build_object(
      'balance', (regexp_match(m, '^Open invoices of (\S+) (\S+) are over the credit limit of (\S+)$'))[1],
      'currency', (regexp_match(m, '^Open invoices of (\S+) (\S+) are over the credit limit of (\S+)$'))[2],
      'limit', (regexp_match(m, '^Open invoices of (\S+) (\S+) are over the credit limit of (\S+)$'))[3]))
  WHEN m ~ '^Open invoices have reached \S+% of the credit limit$' THEN
    jsonb_build_object('code', 'ALERT_NEAR_CREDIT_LIMIT', 'params', jsonb_build_object(
      'percent', (regexp_match(m, '^Open invoices have reached (\S+)%'))[1]))
  WHEN m ~ '^Invoice .+ of \S+ \S+ is overdue since \d{4}-\d{2}-\d{2}$' THEN
    jsonb_build_object('code', 'ALERT_LARGE_INVOICE_OVERDUE', 'params', jsonb_build_object(
      'number', (regexp_match(m, '^Invoice (.+) of (\S+) (\S+) is overdue since (\d{4}-\d{2}-\d{2})$'))[1],
      'balance', (regexp_match(m, '^Invoice (.+) of (\S+) (\S+) is overdue since (\d{4}-\d{2}-\d{2})$'))[2],
      'currency', (regexp_match(m, '^Invoice (.+) of (\S+) (\S+) is overdue since (\d{4}-\d{2}-\d{2})$'))[3],
      'dueDate', (regexp_match(m, '^Invoice (.+) of (\S+) (\S+) is overdue since (\d{4}-\d{2}-\d{2})$'))[4]))
  WHEN m ~ '^Invoice .+ fell overdue on \d{4}-\d{2}-\d{2} while the customer is on credit hold$' THEN
    jsonb_build_object('code', 'ALERT_OVERDUE_WHILE_ON_HOLD', 'params', jsonb_build_object(
      'number', (regexp_match(m, '^Invoice (.+) fell overdue on (\d{4}-\d{2}-\d{2})'))[1],
      'dueDate', (regexp_match(m, '^Invoice (.+) fell overdue on (\d{4}-\d{2}-\d{2})'))[2]))
  WHEN m ~ '^Pays \S+ days later than before \(\S+ days past due on average lately\)$' THEN
    jsonb_build_object('code', 'ALERT_WORSENING_DAYS_TO_PAY', 'params', jsonb_build_object(
      'changeDays', (regexp_match(m, '^Pays (\S+) days later than before \((\S+) days'))[1],
      'recentDays', (regexp_match(m, '^Pays (\S+) days later than before \((\S+) days'))[2]))
  WHEN m ~ '^Promise to pay \S+ \S+ by \d{4}-\d{2}-\d{2} was broken: \S+ paid$' THEN
    jsonb_build_object('code', 'ALERT_BROKEN_PROMISE', 'params', jsonb_build_object(
      'amount', (regexp_match(m, '^Promise to pay (\S+) (\S+) by (\d{4}-\d{2}-\d{2}) was broken: (\S+) paid$'))[1],
      'currency', (regexp_match(m, '^Promise to pay (\S+) (\S+) by (\d{4}-\d{2}-\d{2}) was broken: (\S+) paid$'))[2],
      'promisedDate', (regexp_match(m, '^Promise to pay (\S+) (\S+) by (\d{4}-\d{2}-\d{2}) was broken: (\S+) paid$'))[3],
      'paid', (regexp_match(m, '^Promise to pay (\S+) (\S+) by (\d{4}-\d{2}-\d{2}) was broken: (\S+) paid$'))[4]))
  WHEN m ~ '^Credit rating went down from \S+ to \S+$' THEN
    jsonb_build_object('code', 'ALERT_RATING_DOWNGRADE', 'params', jsonb_build_object(
      'from', (regexp_match(m, '^Credit rating went down from (\S+) to (\S+)$'))[1],
      'to', (regexp_match(m, '^Credit rating went down from (\S+) to (\S+)$'))[2]))
  WHEN m ~ '^Dunning step ".*" asks the team to review the account$' THEN
    jsonb_build_object('code', 'ALERT_DUNNING_REVIEW', 'params', jsonb_build_object(
      'step', (SELECT {step_name} FROM (SELECT (regexp_match(m, '^Dunning step "(.*)" asks the team'))[1] AS n) s)))
  ELSE jsonb_build_object('code', 'AS_TYPED', 'params', jsonb_build_object('text', m))
END"#;

/// `{"code": …, "params": …}` for an invoice's English credit flag `f`, or NULL for none.
const CREDIT_FLAG: &str = r#"
CASE
  WHEN f IS NULL THEN NULL
  WHEN f ~ '^(Warning|Override): The customer is on credit hold \((.*)\)\.$' THEN
    jsonb_build_object('code', CASE WHEN f LIKE 'Warning:%' THEN 'CREDIT_FLAG_WARNING' ELSE 'CREDIT_FLAG_OVERRIDE' END,
      'params', jsonb_build_object('breach', jsonb_build_object('code', 'CREDIT_BREACH_ON_HOLD',
        'params', jsonb_build_object('reason', (regexp_match(f, '^(Warning|Override): The customer is on credit hold \((.*)\)\.$'))[2]))))
  WHEN f ~ '^(Warning|Override): Open invoices would reach \S+ \S+, over the credit limit of \S+ \S+\.$' THEN
    jsonb_build_object('code', CASE WHEN f LIKE 'Warning:%' THEN 'CREDIT_FLAG_WARNING' ELSE 'CREDIT_FLAG_OVERRIDE' END,
      'params', jsonb_build_object('breach', jsonb_build_object('code', 'CREDIT_BREACH_OVER_LIMIT',
        'params', jsonb_build_object(
          'exposureAfter', (regexp_match(f, 'would reach (\S+) (\S+), over the credit limit of (\S+) '))[1],
          'currency', (regexp_match(f, 'would reach (\S+) (\S+), over the credit limit of (\S+) '))[2],
          'limit', (regexp_match(f, 'would reach (\S+) (\S+), over the credit limit of (\S+) '))[3]))))
  ELSE jsonb_build_object('code', 'AS_TYPED', 'params', jsonb_build_object('text', f))
END"#;

/// `{"code": …, "params": …}` for a ladder step's name `n`.
const STEP_NAME: &str = r#"
CASE n
  WHEN 'Polite reminder' THEN '{"code": "STEP_POLITE_REMINDER", "params": {}}'::jsonb
  WHEN 'Due today' THEN '{"code": "STEP_DUE_TODAY", "params": {}}'::jsonb
  WHEN 'Overdue reminder' THEN '{"code": "STEP_OVERDUE_REMINDER", "params": {}}'::jsonb
  WHEN 'Call' THEN '{"code": "STEP_CALL", "params": {}}'::jsonb
  WHEN 'Firm letter' THEN '{"code": "STEP_FIRM_LETTER", "params": {}}'::jsonb
  WHEN 'Late fee' THEN '{"code": "STEP_LATE_FEE", "params": {}}'::jsonb
  WHEN 'Credit hold' THEN '{"code": "STEP_CREDIT_HOLD", "params": {}}'::jsonb
  WHEN 'Visit' THEN '{"code": "STEP_VISIT", "params": {}}'::jsonb
  WHEN 'Legal' THEN '{"code": "STEP_LEGAL", "params": {}}'::jsonb
  ELSE jsonb_build_object('code', 'AS_TYPED', 'params', jsonb_build_object('text', n))
END"#;

/// `{"code": …, "params": …}` for a task's English title `t`.
const TASK_TITLE: &str = r#"
CASE
  WHEN t ~ '^Broken promise: call about the \S+ \S+ promised for \d{4}-\d{2}-\d{2}$' THEN
    jsonb_build_object('code', 'TASK_BROKEN_PROMISE', 'params', jsonb_build_object(
      'amount', (regexp_match(t, '^Broken promise: call about the (\S+) (\S+) promised for (\d{4}-\d{2}-\d{2})$'))[1],
      'currency', (regexp_match(t, '^Broken promise: call about the (\S+) (\S+) promised for (\d{4}-\d{2}-\d{2})$'))[2],
      'promisedDate', (regexp_match(t, '^Broken promise: call about the (\S+) (\S+) promised for (\d{4}-\d{2}-\d{2})$'))[3]))
  WHEN t ~ '^.* — .*$' THEN
    jsonb_build_object('code', 'TASK_FOR_STEP', 'params', jsonb_build_object(
      'step', (SELECT {step_name} FROM (SELECT (regexp_match(t, '^(.*) — (.*)$'))[1] AS n) s),
      'invoices', to_jsonb(coalesce(
        string_to_array(nullif((regexp_match(t, '^(.*) — (.*)$'))[2], ''), ', '), '{}'::text[]))))
  ELSE jsonb_build_object('code', 'AS_TYPED', 'params', jsonb_build_object('text', t))
END"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let alert = ALERT_MESSAGE.replace("{step_name}", STEP_NAME);
        let task = TASK_TITLE.replace("{step_name}", STEP_NAME);
        let sql = format!(
            r#"
            ALTER TABLE risk_alerts ADD COLUMN message_code text, ADD COLUMN message_params jsonb;
            UPDATE risk_alerts a SET message_code = t.text->>'code', message_params = t.text->'params'
            FROM (SELECT id, {alert} AS text FROM (SELECT id, message AS m FROM risk_alerts) x) t
            WHERE t.id = a.id;
            ALTER TABLE risk_alerts
                ALTER COLUMN message_code SET NOT NULL,
                ALTER COLUMN message_params SET NOT NULL,
                ADD CONSTRAINT risk_alerts_message_params_object CHECK (jsonb_typeof(message_params) = 'object');

            ALTER TABLE collection_tasks ADD COLUMN title_code text, ADD COLUMN title_params jsonb;
            UPDATE collection_tasks a SET title_code = x.text->>'code', title_params = x.text->'params'
            FROM (SELECT id, {task} AS text FROM (SELECT id, title AS t FROM collection_tasks) y) x
            WHERE x.id = a.id;
            ALTER TABLE collection_tasks
                ALTER COLUMN title_code SET NOT NULL,
                ALTER COLUMN title_params SET NOT NULL,
                ADD CONSTRAINT collection_tasks_title_params_object CHECK (jsonb_typeof(title_params) = 'object');

            ALTER TABLE invoices ADD COLUMN credit_flag_code text, ADD COLUMN credit_flag_params jsonb,
                ADD CONSTRAINT invoices_credit_flag_params_object
                    CHECK (credit_flag_params IS NULL OR jsonb_typeof(credit_flag_params) = 'object');
            UPDATE invoices i SET credit_flag_code = x.text->>'code', credit_flag_params = x.text->'params'
            FROM (SELECT id, {flag} AS text FROM (SELECT id, credit_flag AS f FROM invoices WHERE credit_flag IS NOT NULL) y) x
            WHERE x.id = i.id;

            CREATE FUNCTION invoices_credit_flag_code_from_english() RETURNS trigger LANGUAGE plpgsql AS $body$
            DECLARE coded jsonb;
            BEGIN
                IF NEW.credit_flag IS NOT NULL AND NEW.credit_flag_code IS NULL THEN
                    coded := (SELECT {flag} FROM (SELECT NEW.credit_flag AS f) x);
                    NEW.credit_flag_code := coded->>'code';
                    NEW.credit_flag_params := coded->'params';
                END IF;
                RETURN NEW;
            END $body$;
            CREATE TRIGGER invoices_credit_flag_code_from_english BEFORE INSERT OR UPDATE OF credit_flag ON invoices
                FOR EACH ROW EXECUTE FUNCTION invoices_credit_flag_code_from_english();

            CREATE FUNCTION risk_alerts_code_from_english() RETURNS trigger LANGUAGE plpgsql AS $body$
            DECLARE coded jsonb;
            BEGIN
                IF NEW.message_code IS NULL THEN
                    coded := (SELECT {alert} FROM (SELECT NEW.message AS m) x);
                    NEW.message_code := coded->>'code';
                    NEW.message_params := coded->'params';
                END IF;
                RETURN NEW;
            END $body$;
            CREATE TRIGGER risk_alerts_code_from_english BEFORE INSERT ON risk_alerts
                FOR EACH ROW EXECUTE FUNCTION risk_alerts_code_from_english();

            CREATE FUNCTION collection_tasks_code_from_english() RETURNS trigger LANGUAGE plpgsql AS $body$
            DECLARE coded jsonb;
            BEGIN
                IF NEW.title_code IS NULL THEN
                    coded := (SELECT {task} FROM (SELECT NEW.title AS t) x);
                    NEW.title_code := coded->>'code';
                    NEW.title_params := coded->'params';
                END IF;
                RETURN NEW;
            END $body$;
            CREATE TRIGGER collection_tasks_code_from_english BEFORE INSERT ON collection_tasks
                FOR EACH ROW EXECUTE FUNCTION collection_tasks_code_from_english();

            UPDATE dunning_policies p SET steps = (
                SELECT coalesce(jsonb_agg(
                    f || jsonb_build_object('nameText', (SELECT {step_name} FROM (SELECT f->>'name' AS n) x))
                    ORDER BY ordinality), '[]'::jsonb)
                FROM jsonb_array_elements(p.steps) WITH ORDINALITY AS e(f, ordinality))
            WHERE jsonb_typeof(p.steps) = 'array';

            UPDATE credit_ratings c SET factors = (
                SELECT coalesce(jsonb_agg(
                    f || jsonb_build_object('reasonText', (SELECT {rating} FROM (SELECT f->>'reason' AS r) x))
                    ORDER BY ordinality), '[]'::jsonb)
                FROM jsonb_array_elements(c.factors) WITH ORDINALITY AS e(f, ordinality))
            WHERE jsonb_typeof(c.factors) = 'array';
            "#,
            alert = alert,
            task = task,
            step_name = STEP_NAME,
            flag = CREDIT_FLAG,
            rating = RATING_REASON,
        );
        manager.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The English columns and keys were kept: dropping the codes loses nothing.
        manager
            .get_connection()
            .execute_unprepared(
                "DROP TRIGGER invoices_credit_flag_code_from_english ON invoices;
                 DROP FUNCTION invoices_credit_flag_code_from_english();
                 ALTER TABLE invoices DROP COLUMN credit_flag_code, DROP COLUMN credit_flag_params;
                 DROP TRIGGER risk_alerts_code_from_english ON risk_alerts;
                 DROP FUNCTION risk_alerts_code_from_english();
                 DROP TRIGGER collection_tasks_code_from_english ON collection_tasks;
                 DROP FUNCTION collection_tasks_code_from_english();
                 ALTER TABLE risk_alerts DROP COLUMN message_code, DROP COLUMN message_params;
                 ALTER TABLE collection_tasks DROP COLUMN title_code, DROP COLUMN title_params;
                 UPDATE dunning_policies p SET steps = (SELECT coalesce(jsonb_agg(f - 'nameText' ORDER BY o), '[]')
                     FROM jsonb_array_elements(p.steps) WITH ORDINALITY AS e(f, o));
                 UPDATE credit_ratings c SET factors = (SELECT coalesce(jsonb_agg(f - 'reasonText' ORDER BY o), '[]')
                     FROM jsonb_array_elements(c.factors) WITH ORDINALITY AS e(f, o));",
            )
            .await?;
        Ok(())
    }
}
