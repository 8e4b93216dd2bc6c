//! Chinese and English. Every piece of UI text is a [`Msg`], which holds both its texts, so a
//! missing translation does not compile; [`text`] picks the reader's.
//!
//! The chosen language is remembered in local storage; the first visit follows the browser
//! (any Chinese variant gets zh-CN, see [`Locale::negotiate`]).

use domain::access::{Permission, Role};
use domain::credentials::{EmailError, NameError, PasswordError};
use domain::invoices::InvoiceStatus;
use domain::payments::PaymentMethod;
use domain::{ErrorCode, Locale};
use leptos::prelude::*;

#[macro_use]
mod msg;

mod approvals;
mod attachments;
mod cash;
mod collections;
mod documents;
mod fapiao;
mod messaging;
mod msg_more;
mod receivables;
mod shell;
mod webhooks;

pub use attachments::AttachmentsMsg;
pub use cash::CashMsg;
pub use documents::DocumentsMsg;
pub use fapiao::FapiaoMsg;
pub use messaging::{MessagingMsg, delivery_status_label, variable_label};
pub use msg::Msg;
pub use webhooks::{WebhooksMsg, event_label};

const STORAGE_KEY: &str = "duely.locale";

pub fn text(locale: Locale, msg: Msg) -> &'static str {
    msg.text(locale)
}

/// A label or note as stored: the server's own (the dunning run, a first credit limit) in the
/// user's language, what a person typed as typed.
pub fn stored_text(locale: Locale, written: &str) -> String {
    domain::messages::system::system_text(locale, written)
        .map(str::to_owned)
        .unwrap_or_else(|| written.to_owned())
}

/// The message shown for an API error code, in the user's language.
pub fn error_text(locale: Locale, code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match (locale, code) {
        (Locale::ZhCn, Unauthenticated) => "请先登录。",
        (Locale::ZhCn, Forbidden) => "您没有执行此操作的权限。",
        (Locale::ZhCn, NotFound) => "找不到该记录。",
        (Locale::ZhCn, Validation) => "请检查填写的内容。",
        (Locale::ZhCn, Conflict) => "该操作与当前状态冲突，请刷新后重试。",
        (Locale::ZhCn, CreditLimitExceeded) => "超出客户信用额度。",
        (Locale::ZhCn, CreditHold) => "该客户处于信用冻结状态。",
        (Locale::ZhCn, RateLimited) => "操作过于频繁，请稍后再试。",
        (Locale::ZhCn, PlanLimit) => "已达到当前套餐的上限。",
        (Locale::ZhCn, ErrorCode::ReadOnly) => "公司账户为只读，不能修改数据。",
        (Locale::ZhCn, ErrorCode::NotConfigured) => "该功能尚未配置。",
        (Locale::ZhCn, ErrorCode::ProviderError) => "支付服务商拒绝了请求或无法连接。",
        (Locale::ZhCn, BadRequest) => "请求无效。",
        (Locale::ZhCn, Internal) => "服务出错了，我们已记录该问题。",
        (Locale::ZhCn, ErrorCode::EmailNotVerified) => "所有者的邮箱验证之前，不会向客户发送邮件。",
        (Locale::ZhCn, ErrorCode::Unavailable) => "服务暂时无法访问数据库，请稍后再试。",
        (Locale::En, Unauthenticated) => "Please sign in first.",
        (Locale::En, Forbidden) => "You do not have permission to do that.",
        (Locale::En, NotFound) => "That record could not be found.",
        (Locale::En, Validation) => "Please check what you entered.",
        (Locale::En, Conflict) => "That conflicts with the current state; refresh and try again.",
        (Locale::En, CreditLimitExceeded) => "This exceeds the customer's credit limit.",
        (Locale::En, CreditHold) => "This customer is on credit hold.",
        (Locale::En, RateLimited) => "Too many attempts; try again shortly.",
        (Locale::En, PlanLimit) => "Your plan's limit has been reached.",
        (Locale::En, ErrorCode::ReadOnly) => "The company is read-only; nothing can be changed.",
        (Locale::En, ErrorCode::NotConfigured) => "This is not set up yet.",
        (Locale::En, ErrorCode::ProviderError) => {
            "The payment provider refused or could not be reached."
        }
        (Locale::En, BadRequest) => "The request was not valid.",
        (Locale::En, Internal) => "Something went wrong on our side; it has been logged.",
        (Locale::En, ErrorCode::EmailNotVerified) => {
            "No email goes to customers until the owner's email address is verified."
        }
        (Locale::En, ErrorCode::Unavailable) => {
            "The service cannot reach its database for a moment; try again shortly."
        }
    }
}

pub fn role_text(locale: Locale, role: Role) -> &'static str {
    match (locale, role) {
        (Locale::ZhCn, Role::Owner) => "所有者",
        (Locale::ZhCn, Role::Admin) => "管理员",
        (Locale::ZhCn, Role::FinanceManager) => "财务经理",
        (Locale::ZhCn, Role::Collector) => "催收专员",
        (Locale::ZhCn, Role::Sales) => "销售",
        (Locale::ZhCn, Role::Viewer) => "只读成员",
        (Locale::En, Role::Owner) => "Owner",
        (Locale::En, Role::Admin) => "Admin",
        (Locale::En, Role::FinanceManager) => "Finance manager",
        (Locale::En, Role::Collector) => "Collector",
        (Locale::En, Role::Sales) => "Sales",
        (Locale::En, Role::Viewer) => "Viewer",
    }
}

pub fn permission_text(locale: Locale, permission: Permission) -> &'static str {
    use Permission::*;
    match (locale, permission) {
        (Locale::ZhCn, ViewTeam) => "查看团队成员",
        (Locale::ZhCn, ManageTeam) => "邀请和管理团队成员",
        (Locale::ZhCn, TransferOwnership) => "转让公司所有权",
        (Locale::ZhCn, ManageSettings) => "修改公司设置",
        (Locale::ZhCn, ManageBilling) => "管理订阅与账单",
        (Locale::ZhCn, ManageApiKeys) => "管理 API 密钥",
        (Locale::ZhCn, ViewAuditLog) => "查看审计日志",
        (Locale::ZhCn, ViewCustomers) => "查看客户",
        (Locale::ZhCn, ManageCustomers) => "管理客户资料",
        (Locale::ZhCn, ManageCreditPolicy) => "管理信用额度与冻结",
        (Locale::ZhCn, OverrideCreditBlock) => "越过信用限制开票",
        (Locale::ZhCn, ViewInvoices) => "查看发票",
        (Locale::ZhCn, ManageInvoices) => "开具和管理发票",
        (Locale::ZhCn, ViewPayments) => "查看回款",
        (Locale::ZhCn, ManagePayments) => "登记和分配回款",
        (Locale::ZhCn, ViewCollections) => "查看催收记录、承诺与任务",
        (Locale::ZhCn, WorkCollections) => "跟进催收：记录联系、承诺付款、任务",
        (Locale::ZhCn, ManageDunning) => "管理催收流程",
        (Locale::ZhCn, ViewReports) => "查看报表与指标",
        (Locale::ZhCn, ManageWebhooks) => "管理 Webhook（事件推送）",
        (Locale::En, ViewTeam) => "See the team",
        (Locale::En, ManageTeam) => "Invite and manage team members",
        (Locale::En, TransferOwnership) => "Transfer ownership",
        (Locale::En, ManageSettings) => "Change company settings",
        (Locale::En, ManageBilling) => "Manage the subscription and billing",
        (Locale::En, ManageApiKeys) => "Manage API keys",
        (Locale::En, ViewAuditLog) => "Read the audit log",
        (Locale::En, ViewCustomers) => "See customers",
        (Locale::En, ManageCustomers) => "Manage customer records",
        (Locale::En, ManageCreditPolicy) => "Manage credit limits and holds",
        (Locale::En, OverrideCreditBlock) => "Invoice past a credit block",
        (Locale::En, ViewInvoices) => "See invoices",
        (Locale::En, ManageInvoices) => "Issue and manage invoices",
        (Locale::En, ViewPayments) => "See payments",
        (Locale::En, ManagePayments) => "Record and allocate payments",
        (Locale::En, ViewCollections) => "See collection activity, promises and tasks",
        (Locale::En, WorkCollections) => "Work collections: contacts, promises, tasks",
        (Locale::En, ManageDunning) => "Manage dunning",
        (Locale::En, ViewReports) => "See reports and KPIs",
        (Locale::En, ManageWebhooks) => "Manage webhooks",
    }
}

/// The domain's own validation errors in the user's language: the web app checks input with
/// the very rules the server applies.
pub fn email_error_text(locale: Locale, error: &EmailError) -> &'static str {
    match (locale, error) {
        (Locale::ZhCn, EmailError::Empty) => "请输入邮箱。",
        (Locale::ZhCn, _) => "邮箱格式不正确，例如 name@company.com。",
        (Locale::En, EmailError::Empty) => "Enter your email.",
        (Locale::En, _) => "That email does not look right, for example name@company.com.",
    }
}

pub fn password_error_text(locale: Locale, error: &PasswordError) -> &'static str {
    match (locale, error) {
        (Locale::ZhCn, PasswordError::TooShort) => "密码至少需要 10 个字符。",
        (Locale::ZhCn, PasswordError::TooLong) => "密码最多 128 个字符。",
        (Locale::ZhCn, PasswordError::SameAsEmail) => "密码不能与邮箱相同。",
        (Locale::ZhCn, PasswordError::TooCommon) => {
            "这是最常见的密码之一，很容易被猜到，请换一个。"
        }
        (Locale::En, PasswordError::TooShort) => "A password needs at least 10 characters.",
        (Locale::En, PasswordError::TooLong) => "A password has at most 128 characters.",
        (Locale::En, PasswordError::SameAsEmail) => "The password must not be your email.",
        (Locale::En, PasswordError::TooCommon) => {
            "That is one of the most common passwords; choose another."
        }
    }
}

pub fn name_error_text(locale: Locale, error: &NameError) -> &'static str {
    match (locale, error) {
        (Locale::ZhCn, NameError::Empty) => "请填写名称。",
        (Locale::ZhCn, NameError::TooLong { .. }) => "名称最多 100 个字符。",
        (Locale::En, NameError::Empty) => "Enter a name.",
        (Locale::En, NameError::TooLong { .. }) => "A name has at most 100 characters.",
    }
}

/// The user's language, shared through context.
#[derive(Clone, Copy)]
pub struct LocaleState(pub RwSignal<Locale>);

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|window| window.local_storage().ok().flatten())
}

fn initial_locale() -> Locale {
    if let Some(saved) = storage()
        .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|tag| tag.parse().ok())
    {
        return saved;
    }
    let languages: Vec<String> = web_sys::window()
        .map(|window| {
            window
                .navigator()
                .languages()
                .iter()
                .filter_map(|value| value.as_string())
                .collect()
        })
        .unwrap_or_default();
    Locale::negotiate(languages.iter().map(String::as_str))
}

fn apply_to_document(locale: Locale) {
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
        let _ = root.set_attribute("lang", locale.tag());
    }
}

pub fn provide_locale() {
    let locale = RwSignal::new(initial_locale());
    // Before any request goes out, not only when the effect first runs.
    crate::api::set_locale(locale.get_untracked());
    Effect::new(move |_| {
        let current = locale.get();
        apply_to_document(current);
        crate::api::set_locale(current);
        if let Some(storage) = storage() {
            let _ = storage.set_item(STORAGE_KEY, current.tag());
        }
    });
    provide_context(LocaleState(locale));
}

pub fn use_locale() -> RwSignal<Locale> {
    use_context::<LocaleState>()
        .map(|state| state.0)
        .unwrap_or_else(|| RwSignal::new(Locale::default()))
}

/// A function from message to text in the current language; reactive when called in a closure.
pub fn use_text() -> impl Fn(Msg) -> &'static str + Copy + Send + Sync + 'static {
    let locale = use_locale();
    move |msg| text(locale.get(), msg)
}

/// Two buttons, each labelled in its own language, as people look for them.
#[component]
pub fn LocaleSwitcher() -> impl IntoView {
    let locale = use_locale();
    let text = use_text();
    let option = move |value: Locale, label: &'static str| {
        view! {
            <button
                type="button"
                class="locale-option"
                lang=value.tag()
                aria-pressed=move || (locale.get() == value).to_string()
                on:click=move |_| locale.set(value)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="locale-switcher" role="group" aria-label=move || text(Msg::Language)>
            {option(Locale::ZhCn, "中文")}
            {option(Locale::En, "English")}
        </div>
    }
}

pub fn invoice_status_text(locale: Locale, status: InvoiceStatus) -> &'static str {
    match (locale, status) {
        (Locale::ZhCn, InvoiceStatus::Draft) => "草稿",
        (Locale::ZhCn, InvoiceStatus::Issued) => "已开具",
        (Locale::ZhCn, InvoiceStatus::PartiallyPaid) => "部分收款",
        (Locale::ZhCn, InvoiceStatus::Paid) => "已结清",
        (Locale::ZhCn, InvoiceStatus::Void) => "已作废",
        (Locale::ZhCn, InvoiceStatus::WrittenOff) => "已核销坏账",
        (Locale::En, InvoiceStatus::Draft) => "Draft",
        (Locale::En, InvoiceStatus::Issued) => "Issued",
        (Locale::En, InvoiceStatus::PartiallyPaid) => "Partly paid",
        (Locale::En, InvoiceStatus::Paid) => "Paid",
        (Locale::En, InvoiceStatus::Void) => "Void",
        (Locale::En, InvoiceStatus::WrittenOff) => "Written off",
    }
}

/// Payment methods in the order the form offers them: the ones Chinese customers use most first.
pub const PAYMENT_METHODS: [PaymentMethod; 8] = [
    PaymentMethod::BankTransfer,
    PaymentMethod::Alipay,
    PaymentMethod::WechatPay,
    PaymentMethod::Cash,
    PaymentMethod::Check,
    PaymentMethod::Card,
    PaymentMethod::Stripe,
    PaymentMethod::Other,
];

pub fn payment_method_text(locale: Locale, method: PaymentMethod) -> &'static str {
    match (locale, method) {
        (Locale::ZhCn, PaymentMethod::BankTransfer) => "银行转账",
        (Locale::ZhCn, PaymentMethod::Alipay) => "支付宝",
        (Locale::ZhCn, PaymentMethod::WechatPay) => "微信支付",
        (Locale::ZhCn, PaymentMethod::Cash) => "现金",
        (Locale::ZhCn, PaymentMethod::Check) => "支票",
        (Locale::ZhCn, PaymentMethod::Card) => "银行卡",
        (Locale::ZhCn, PaymentMethod::Stripe) => "Stripe 在线支付",
        (Locale::ZhCn, PaymentMethod::Other) => "其他",
        (Locale::En, PaymentMethod::BankTransfer) => "Bank transfer",
        (Locale::En, PaymentMethod::Alipay) => "Alipay",
        (Locale::En, PaymentMethod::WechatPay) => "WeChat Pay",
        (Locale::En, PaymentMethod::Cash) => "Cash",
        (Locale::En, PaymentMethod::Check) => "Cheque",
        (Locale::En, PaymentMethod::Card) => "Card",
        (Locale::En, PaymentMethod::Stripe) => "Stripe (online)",
        (Locale::En, PaymentMethod::Other) => "Other",
    }
}
