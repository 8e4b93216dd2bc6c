//! The customers API: `customers`, `customer`, `createCustomer`, `updateCustomer`,
//! `archiveCustomer`, `setCreditLimit`, `placeCreditHold`, `releaseCreditHold`.
//!
//! The `Customer` object itself lives in [`crate::api::objects::customer`]: other areas'
//! payloads carry it too.

use super::CustomerError;
use super::service::{
    self, AssignCustomers, Change, CreateCustomer, CustomerDetails, Direction, ListFilter,
    ListOrder, ListQuery, NewContact, OrderBy, SetCreditHold, SetCreditLimit, UpdateCustomer,
};
use crate::api::command;
use crate::api::context::{request, services};
use crate::api::objects::customer::Customer;
use crate::api::pagination::{Page, PageRequest};
use crate::api::values::{CountedList, OrderDirection};
use crate::api::values::{optional_text, parse_currency, parse_id, required_text};
use crate::approval_gate::{Asking, Gated};
use crate::error::{ApiResult, AppError, IntoApi};
use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use domain::Locale;
use domain::reason::Reason;
use domain::terms::TermsKind;
use uuid::Uuid;

const MAX_CONTACTS: usize = 20;
const MAX_TAGS: usize = 20;
/// WeChat ids are 6 to 20 characters; older and custom ones vary, so up to this many.
const MAX_WECHAT_ID: usize = 64;

#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum CustomerOrderField {
    #[default]
    Name,
    Code,
    Balance,
    OverdueAmount,
    DaysPastDue,
    CreatedAt,
}

#[derive(InputObject, Clone, Copy, Default)]
pub struct CustomerOrder {
    pub field: CustomerOrderField,
    pub direction: Option<OrderDirection>,
}

#[derive(InputObject, Default)]
pub struct CustomerFilter {
    /// Matches name, code, tax id, or a contact's name, email, phone, mobile or WeChat id.
    pub search: Option<String>,
    pub collector_id: Option<ID>,
    pub segment: Option<String>,
    pub on_hold: Option<bool>,
    pub over_limit: Option<bool>,
    pub has_overdue: Option<bool>,
    /// Any of these credit rating grades (customers not yet rated match none).
    pub risk_grade: Option<Vec<domain::rating::Grade>>,
    /// Archived customers are left out unless this is true.
    pub include_archived: Option<bool>,
}

pub type CustomerConnection = Connection<String, Customer, CountedList>;

#[derive(InputObject, Clone)]
pub struct ContactInput {
    pub name: String,
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub preferred_channel: Option<String>,
    /// The contact's own language for what the company sends them; null: the customer's.
    pub locale: Option<Locale>,
    /// Up to 40 characters.
    pub mobile: Option<String>,
    /// 1 to 64 letters, digits, `_` or `-`.
    pub wechat_id: Option<String>,
    /// Receives invoices, statements and dunning (false by default). When any contact does,
    /// the company writes only to those; otherwise to the first contact with an email address.
    pub billing: Option<bool>,
    /// The contact's WeChat Work external contact id (`wm…`, up to 64 letters, digits, `_` or
    /// `-`).
    pub wecom_external_user_id: Option<String>,
}

#[derive(InputObject)]
pub struct CreateCustomerInput {
    pub name: String,
    /// Unique in the company, such as `C-0042`; compared without regard to case.
    pub code: String,
    pub tax_id: Option<String>,
    pub billing_address: Option<String>,
    pub segment: Option<String>,
    pub tags: Option<Vec<String>>,
    /// ISO 4217; the company's base currency by default.
    pub currency: Option<String>,
    /// NET (default) or END_OF_MONTH.
    pub payment_terms_kind: Option<TermsKind>,
    /// 0 to 365; 30 by default.
    pub payment_terms_days: Option<i32>,
    /// A decimal string in the customer's currency; none means no limit.
    pub credit_limit: Option<String>,
    pub collector_id: Option<ID>,
    pub salesperson_id: Option<ID>,
    pub contacts: Option<Vec<ContactInput>>,
    pub notes: Option<String>,
    /// The customer's language for its emails and statements; null: the company's.
    pub locale: Option<Locale>,
    /// An IANA time zone (Asia/Shanghai); null: the company's.
    pub time_zone: Option<String>,
    /// Refuses SMS and WeChat Work messages (false by default).
    pub messaging_opt_out: Option<bool>,
}

#[derive(InputObject)]
pub struct UpdateCustomerInput {
    pub customer_id: ID,
    pub name: Option<String>,
    pub code: Option<String>,
    pub tax_id: Option<String>,
    pub billing_address: Option<String>,
    pub segment: Option<String>,
    pub tags: Option<Vec<String>>,
    pub payment_terms_kind: Option<TermsKind>,
    pub payment_terms_days: Option<i32>,
    /// An empty string clears the assignment.
    pub collector_id: Option<ID>,
    /// An empty string clears the assignment.
    pub salesperson_id: Option<ID>,
    /// When given, replaces the contacts.
    pub contacts: Option<Vec<ContactInput>>,
    pub notes: Option<String>,
    /// Left out: unchanged; null: back to the company's language.
    pub locale: MaybeUndefined<Locale>,
    /// Left out: unchanged; null: back to the company's time zone.
    pub time_zone: MaybeUndefined<String>,
    pub messaging_opt_out: Option<bool>,
}

#[derive(InputObject)]
pub struct AssignCustomersInput {
    /// 1 to 500 customers, each once.
    pub customer_ids: Vec<ID>,
    /// Left out: each customer keeps its collector; null: takes it off. A member whose role
    /// works collections.
    pub collector_id: MaybeUndefined<ID>,
    /// Left out: each customer keeps its salesperson; null: takes it off. A member whose role
    /// sells.
    pub salesperson_id: MaybeUndefined<ID>,
}

#[derive(SimpleObject)]
pub struct AssignCustomersPayload {
    /// The customers, in the order given.
    pub customers: Vec<Customer>,
}

/// A member work can be given to, for pickers: whether their role may be a collector (and
/// own tasks) or a salesperson.
#[derive(SimpleObject)]
pub struct AssignableMember {
    pub id: ID,
    pub name: String,
    pub email: String,
    pub role: domain::Role,
    pub may_collect: bool,
    pub may_sell: bool,
}

#[derive(InputObject)]
pub struct ArchiveCustomerInput {
    pub customer_id: ID,
    /// False restores an archived customer.
    pub archived: Option<bool>,
}

#[derive(InputObject)]
pub struct SetCreditLimitInput {
    pub customer_id: ID,
    /// A decimal string in the customer's currency; null removes the limit.
    pub credit_limit: Option<String>,
    pub reason: String,
    /// When the company's approval policy says the change waits (CREDIT_LIMIT_CHANGE, by the
    /// increase): true asks for approval, false or left out refuses it with `APPROVAL_REQUIRED`.
    pub request_approval: Option<bool>,
}

#[derive(InputObject)]
pub struct PlaceCreditHoldInput {
    pub customer_id: ID,
    pub reason: String,
}

#[derive(InputObject)]
pub struct ReleaseCreditHoldInput {
    pub customer_id: ID,
    pub reason: String,
    /// When the company's approval policy says the release waits (CREDIT_HOLD_RELEASE, by the
    /// overdue amount): true asks for approval, false or left out refuses it with
    /// `APPROVAL_REQUIRED`.
    pub request_approval: Option<bool>,
}

#[derive(SimpleObject)]
pub struct CustomerPayload {
    pub customer: Customer,
    /// The request the change waits as, when it was sent with `requestApproval` and the
    /// company's policy says it waits (the customer is then as it stands, unchanged).
    pub approval_request: Option<crate::api::objects::approval::ApprovalRequest>,
}

impl CustomerPayload {
    fn of(details: CustomerDetails) -> Self {
        CustomerPayload {
            customer: Customer::from_details(details),
            approval_request: None,
        }
    }

    fn gated(gated: Gated<CustomerDetails>) -> Self {
        CustomerPayload {
            customer: Customer::from_details(gated.record),
            approval_request: gated.approval_request.map(|request| {
                crate::api::objects::approval::approval_request(request, Vec::new())
            }),
        }
    }
}

/// The customer an input names (see [`id_or_nil`]: `NOT_FOUND`, or no customer for
/// `customer`, after the permission check).
use crate::api::values::id_or_nil as customer_id;

fn list_query(
    first: Option<i32>,
    after: Option<String>,
    filter: CustomerFilter,
    order: CustomerOrder,
    wants_total: bool,
) -> Result<ListQuery, AppError> {
    let order = ListOrder {
        field: match order.field {
            CustomerOrderField::Name => OrderBy::Name,
            CustomerOrderField::Code => OrderBy::Code,
            CustomerOrderField::Balance => OrderBy::Balance,
            CustomerOrderField::OverdueAmount => OrderBy::OverdueAmount,
            CustomerOrderField::DaysPastDue => OrderBy::DaysPastDue,
            CustomerOrderField::CreatedAt => OrderBy::CreatedAt,
        },
        direction: order.direction.map(|direction| match direction {
            OrderDirection::Asc => Direction::Asc,
            OrderDirection::Desc => Direction::Desc,
        }),
    };
    let page = PageRequest::parse(
        "customers",
        order.name(),
        order.keyset(),
        first,
        after.as_deref(),
    )?;
    let collector_id = filter
        .collector_id
        .as_ref()
        .map(|collector| parse_id("filter.collectorId", collector))
        .transpose()?;
    Ok(ListQuery {
        filter: ListFilter {
            search: filter.search,
            collector_id,
            segment: filter.segment,
            on_hold: filter.on_hold,
            over_limit: filter.over_limit,
            has_overdue: filter.has_overdue,
            risk_grades: filter.risk_grade.unwrap_or_default(),
            include_archived: filter.include_archived.unwrap_or(false),
        },
        order,
        page,
        wants_total,
    })
}

fn connection(page: Page<CustomerDetails>) -> CustomerConnection {
    page.connection(Customer::from_details)
}

pub(super) const CHANNELS: [&str; 6] = ["PHONE", "EMAIL", "SMS", "WECHAT", "VISIT", "LETTER"];

fn contacts_input(contacts: Vec<ContactInput>) -> Result<Vec<NewContact>, AppError> {
    if contacts.len() > MAX_CONTACTS {
        return Err(CustomerError::TooManyContacts { max: MAX_CONTACTS }.into());
    }
    contacts
        .into_iter()
        .enumerate()
        .map(|(index, contact)| {
            let field = |name: &str| format!("input.contacts[{index}].{name}");
            let email = optional_text(&field("email"), contact.email.as_deref(), 254)?;
            if let Some(email) = &email {
                domain::EmailAddress::parse(email)
                    .map_err(|error| CustomerError::ContactEmail { index, error })?;
            }
            let preferred_channel = optional_text(
                &field("preferredChannel"),
                contact.preferred_channel.as_deref(),
                20,
            )?;
            if let Some(channel) = &preferred_channel
                && !CHANNELS.contains(&channel.as_str())
            {
                return Err(AppError::from(CustomerError::UnknownChannel { index }));
            }
            let wechat_id = optional_text(
                &field("wechatId"),
                contact.wechat_id.as_deref(),
                MAX_WECHAT_ID,
            )?;
            if let Some(wechat_id) = &wechat_id
                && !wechat_id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
            {
                return Err(AppError::from(CustomerError::ContactWechatId {
                    index,
                    max: MAX_WECHAT_ID,
                }));
            }
            Ok(NewContact {
                name: required_text(&field("name"), &contact.name, 200)?,
                role: optional_text(&field("role"), contact.role.as_deref(), 100)?,
                email,
                phone: optional_text(&field("phone"), contact.phone.as_deref(), 40)?,
                preferred_channel,
                locale: contact.locale,
                mobile: optional_text(&field("mobile"), contact.mobile.as_deref(), 40)?,
                wechat_id,
                wecom_external_user_id: external_user_id(
                    &field("wecomExternalUserId"),
                    contact.wecom_external_user_id.as_deref(),
                )?,
                billing: contact.billing.unwrap_or(false),
            })
        })
        .collect()
}

/// A WeChat Work external contact id: letters, digits, `_` and `-`, up to 64.
fn external_user_id(field: &str, value: Option<&str>) -> Result<Option<String>, AppError> {
    let value = optional_text(field, value, 64)?;
    if let Some(id) = &value
        && !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
    {
        return Err(AppError::input(
            field,
            Reason::InvalidCharacters {
                symbols: "_-".to_owned(),
                max: Some(64),
            },
        ));
    }
    Ok(value)
}

fn tags_input(tags: Vec<String>) -> Result<Vec<String>, AppError> {
    if tags.len() > MAX_TAGS {
        return Err(CustomerError::TooManyTags { max: MAX_TAGS }.into());
    }
    let mut clean = Vec::with_capacity(tags.len());
    for (index, tag) in tags.iter().enumerate() {
        let tag = required_text(&format!("input.tags[{index}]"), tag, 40)?;
        if !clean.contains(&tag) {
            clean.push(tag);
        }
    }
    Ok(clean)
}

fn code_input(code: &str) -> Result<String, AppError> {
    let code = required_text("input.code", code, 40)?;
    if !code
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    {
        return Err(CustomerError::BadCode.into());
    }
    Ok(code)
}

/// A collector or salesperson to assign: `None` for an empty string (no one). The service
/// checks that they are a member of this company.
fn member_input(field: &str, id: &ID) -> Result<Option<Uuid>, AppError> {
    if id.is_empty() {
        return Ok(None);
    }
    parse_id(field, id).map(Some)
}

/// Text that may be given or left out; given, it may be blank (which clears it).
fn optional_change(
    field: &str,
    given: Option<&String>,
    max: usize,
) -> Result<Change<Option<String>>, AppError> {
    match given {
        Some(value) => Ok(Change::Set(optional_text(field, Some(value), max)?)),
        None => Ok(Change::Keep),
    }
}

fn create_command(input: CreateCustomerInput) -> Result<CreateCustomer, AppError> {
    let name = required_text("input.name", &input.name, 200)?;
    let code = code_input(&input.code)?;
    let currency = input
        .currency
        .as_deref()
        .map(|code| parse_currency("input.currency", code))
        .transpose()?;
    let collector_id = match &input.collector_id {
        Some(id) => member_input("input.collectorId", id)?,
        None => None,
    };
    let salesperson_id = match &input.salesperson_id {
        Some(id) => member_input("input.salespersonId", id)?,
        None => None,
    };
    let contacts = contacts_input(input.contacts.unwrap_or_default())?;
    let tags = tags_input(input.tags.unwrap_or_default())?;
    Ok(CreateCustomer {
        name,
        code,
        tax_id: optional_text("input.taxId", input.tax_id.as_deref(), 60)?,
        billing_address: optional_text(
            "input.billingAddress",
            input.billing_address.as_deref(),
            500,
        )?,
        segment: optional_text("input.segment", input.segment.as_deref(), 60)?,
        tags,
        currency,
        terms_kind: input.payment_terms_kind.unwrap_or(TermsKind::Net),
        terms_days: input.payment_terms_days.unwrap_or(30),
        credit_limit: input.credit_limit,
        collector_id,
        salesperson_id,
        contacts,
        notes: optional_text("input.notes", input.notes.as_deref(), 4000)?,
        locale: input.locale,
        time_zone: input
            .time_zone
            .as_deref()
            .map(time_zone_input)
            .transpose()?,
        messaging_opt_out: input.messaging_opt_out.unwrap_or(false),
    })
}

/// An IANA time zone the server knows (quiet hours are kept in it).
fn time_zone_input(zone: &str) -> Result<String, AppError> {
    let zone = zone.trim();
    match zone.parse::<chrono_tz::Tz>() {
        Ok(_) => Ok(zone.to_owned()),
        Err(_) => Err(AppError::input(
            "input.timeZone",
            Reason::UnknownTimeZone {
                value: zone.chars().take(64).collect(),
            },
        )),
    }
}

fn update_command(input: UpdateCustomerInput) -> Result<UpdateCustomer, AppError> {
    let assignment = |field: &str, given: &Option<ID>| match given {
        Some(id) => member_input(field, id).map(Change::Set),
        None => Ok(Change::Keep),
    };
    let collector_id = assignment("input.collectorId", &input.collector_id)?;
    let salesperson_id = assignment("input.salespersonId", &input.salesperson_id)?;
    let name = match &input.name {
        Some(name) => Change::Set(required_text("input.name", name, 200)?),
        None => Change::Keep,
    };
    let code = match &input.code {
        Some(code) => Change::Set(code_input(code)?),
        None => Change::Keep,
    };
    let tax_id = optional_change("input.taxId", input.tax_id.as_ref(), 60)?;
    let billing_address =
        optional_change("input.billingAddress", input.billing_address.as_ref(), 500)?;
    let segment = optional_change("input.segment", input.segment.as_ref(), 60)?;
    let notes = optional_change("input.notes", input.notes.as_ref(), 4000)?;
    let tags = match input.tags {
        Some(tags) => Change::Set(tags_input(tags)?),
        None => Change::Keep,
    };
    let contacts = match input.contacts {
        Some(contacts) => Change::Set(contacts_input(contacts)?),
        None => Change::Keep,
    };
    let locale = match input.locale {
        MaybeUndefined::Undefined => Change::Keep,
        MaybeUndefined::Null => Change::Set(None),
        MaybeUndefined::Value(locale) => Change::Set(Some(locale)),
    };
    let time_zone = match input.time_zone {
        MaybeUndefined::Undefined => Change::Keep,
        MaybeUndefined::Null => Change::Set(None),
        MaybeUndefined::Value(zone) => Change::Set(Some(time_zone_input(&zone)?)),
    };
    Ok(UpdateCustomer {
        customer_id: customer_id(&input.customer_id),
        name,
        code,
        tax_id,
        billing_address,
        segment,
        tags,
        terms_kind: input.payment_terms_kind,
        terms_days: input.payment_terms_days,
        collector_id,
        salesperson_id,
        contacts,
        notes,
        locale,
        time_zone,
        messaging_opt_out: input.messaging_opt_out,
    })
}

fn assign_command(input: AssignCustomersInput) -> Result<AssignCustomers, AppError> {
    let person = |field: &str, given: MaybeUndefined<ID>| match given {
        MaybeUndefined::Undefined => Ok(Change::Keep),
        MaybeUndefined::Null => Ok(Change::Set(None)),
        MaybeUndefined::Value(id) => parse_id(field, &id).map(|id| Change::Set(Some(id))),
    };
    let customer_ids = input
        .customer_ids
        .iter()
        .enumerate()
        .map(|(index, id)| parse_id(&format!("input.customerIds[{index}]"), id))
        .collect::<Result<Vec<Uuid>, AppError>>()?;
    Ok(AssignCustomers {
        customer_ids,
        collector_id: person("input.collectorId", input.collector_id)?,
        salesperson_id: person("input.salespersonId", input.salesperson_id)?,
    })
}

fn credit_hold_command(customer: &ID, reason: &str, hold: bool) -> Result<SetCreditHold, AppError> {
    Ok(SetCreditHold {
        customer_id: customer_id(customer),
        hold,
        reason: required_text("input.reason", reason, 500)?,
    })
}

#[derive(Default)]
pub struct CustomersQuery;

#[Object]
impl CustomersQuery {
    /// Customers, by name unless ordered otherwise. Collectors and salespeople see the
    /// customers assigned to them. `first` is 1 to 200 (default 50).
    #[graphql(complexity = "crate::api::values::page_complexity(first, child_complexity)")]
    async fn customers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<CustomerFilter>,
        order_by: Option<CustomerOrder>,
    ) -> ApiResult<CustomerConnection> {
        let (_, db) = services(ctx)?;
        let query = list_query(
            first,
            after,
            filter.unwrap_or_default(),
            order_by.unwrap_or_default(),
            ctx.look_ahead().field("totalCount").exists(),
        )
        .api()?;
        let page = service::list_customers(db, &request(ctx)?.caller, query)
            .await
            .api()?;
        Ok(connection(page))
    }

    /// One customer; `null` when there is none with this id in the company.
    async fn customer(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Customer>> {
        let (_, db) = services(ctx)?;
        let found = service::find_customer(db, &request(ctx)?.caller, customer_id(&id))
            .await
            .api()?;
        Ok(found.map(Customer::from_details))
    }

    /// The segments of the customers the caller sees (archived ones left out), by name: what a
    /// segment filter offers. At most 500.
    async fn customer_segments(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let (_, db) = services(ctx)?;
        service::segments(db, &request(ctx)?.caller).await.api()
    }

    /// The members customers and tasks can be given to, by name, with what their role lets
    /// them take on. For those who see every customer.
    async fn assignable_members(&self, ctx: &Context<'_>) -> ApiResult<Vec<AssignableMember>> {
        let (_, db) = services(ctx)?;
        let members = service::assignable_members(db, &request(ctx)?.caller)
            .await
            .api()?;
        Ok(members
            .into_iter()
            .map(|member| AssignableMember {
                id: ID(member.id.to_string()),
                may_collect: member.role.may_collect(),
                may_sell: member.role.may_sell(),
                name: member.name,
                email: member.email,
                role: member.role,
            })
            .collect())
    }
}

#[derive(Default)]
pub struct CustomersMutation;

#[Object]
impl CustomersMutation {
    async fn create_customer(
        &self,
        ctx: &Context<'_>,
        input: CreateCustomerInput,
    ) -> ApiResult<CustomerPayload> {
        let command = create_command(input).api()?;
        Ok(CustomerPayload::of(command!(
            ctx,
            service::create_customer,
            command
        )))
    }

    /// Gives customers to a collector and a salesperson at once (1 to 500). All or none: a
    /// customer or person not found changes nothing. Open ladder and promise tasks follow each
    /// customer's new collector. One audit entry per customer.
    async fn assign_customers(
        &self,
        ctx: &Context<'_>,
        input: AssignCustomersInput,
    ) -> ApiResult<AssignCustomersPayload> {
        if input.customer_ids.len() > domain::collections::MAX_ASSIGNED_AT_ONCE {
            return Err(AppError::from(CustomerError::AssignCount {
                max: domain::collections::MAX_ASSIGNED_AT_ONCE,
            }))
            .api();
        }
        let command = assign_command(input).api()?;
        let customers = command!(ctx, service::assign_customers, command);
        Ok(AssignCustomersPayload {
            customers: customers.into_iter().map(Customer::from_details).collect(),
        })
    }

    async fn update_customer(
        &self,
        ctx: &Context<'_>,
        input: UpdateCustomerInput,
    ) -> ApiResult<CustomerPayload> {
        let command = update_command(input).api()?;
        Ok(CustomerPayload::of(command!(
            ctx,
            service::update_customer,
            command
        )))
    }

    /// Archives a customer with no open invoices (or restores one with `archived: false`).
    async fn archive_customer(
        &self,
        ctx: &Context<'_>,
        input: ArchiveCustomerInput,
    ) -> ApiResult<CustomerPayload> {
        let (_, db) = services(ctx)?;
        let request = request(ctx)?;
        let customer = service::archive_customer(
            db,
            &request.caller,
            customer_id(&input.customer_id),
            input.archived.unwrap_or(true),
            &request.request_id,
        )
        .await
        .api()?;
        Ok(CustomerPayload::of(customer))
    }

    /// Sets or removes the credit limit; the change and its reason are kept in `creditHistory`.
    async fn set_credit_limit(
        &self,
        ctx: &Context<'_>,
        input: SetCreditLimitInput,
    ) -> ApiResult<CustomerPayload> {
        let command = Asking {
            command: SetCreditLimit {
                customer_id: customer_id(&input.customer_id),
                credit_limit: input.credit_limit,
                reason: required_text("input.reason", &input.reason, 500).api()?,
            },
            request_approval: input.request_approval.unwrap_or(false),
        };
        Ok(CustomerPayload::gated(command!(
            ctx,
            service::set_credit_limit,
            command
        )))
    }

    async fn place_credit_hold(
        &self,
        ctx: &Context<'_>,
        input: PlaceCreditHoldInput,
    ) -> ApiResult<CustomerPayload> {
        let command = Asking {
            command: credit_hold_command(&input.customer_id, &input.reason, true).api()?,
            request_approval: false,
        };
        Ok(CustomerPayload::gated(command!(
            ctx,
            service::set_credit_hold,
            command
        )))
    }

    async fn release_credit_hold(
        &self,
        ctx: &Context<'_>,
        input: ReleaseCreditHoldInput,
    ) -> ApiResult<CustomerPayload> {
        let command = Asking {
            command: credit_hold_command(&input.customer_id, &input.reason, false).api()?,
            request_approval: input.request_approval.unwrap_or(false),
        };
        Ok(CustomerPayload::gated(command!(
            ctx,
            service::set_credit_hold,
            command
        )))
    }
}
