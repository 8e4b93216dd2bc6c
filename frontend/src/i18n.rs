//! Chinese and English. Every piece of UI text is a [`Msg`]; [`text`] matches on every message
//! for every locale, so a missing translation does not compile.
//!
//! The chosen language is remembered in local storage; the first visit follows the browser
//! (any Chinese variant gets zh-CN, see [`Locale::negotiate`]).

use domain::access::{Permission, Role};
use domain::credentials::{EmailError, NameError, PasswordError};
use domain::{ErrorCode, Locale};
use leptos::prelude::*;

const STORAGE_KEY: &str = "duely.locale";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    SkipToContent,
    MainNavigation,
    NavOverview,
    NavSignIn,
    Language,
    Tagline,
    OverviewTitle,
    OverviewLead,
    ServerVersion,
    Loading,
    SignInTitle,
    SignInLead,
    Email,
    Password,
    SignIn,
    PasswordRequired,
    NotFoundTitle,
    NotFoundLead,
    BackHome,
    Close,
    Dismiss,
    NavSignUp,
    SignOut,
    SignUpTitle,
    SignUpLead,
    CompanyName,
    YourName,
    BaseCurrency,
    TimeZone,
    CreateAccount,
    HaveAccount,
    NoAccount,
    WrongCredentials,
    EmailTaken,
    WelcomeBack,
    YourRole,
    YourAccess,
    SessionRestoring,
    SignedInAs,
    SwitchedCompany,
    PasswordHint,
    NavTeam,
    TeamTitle,
    TeamLead,
    InviteTitle,
    RoleLabel,
    Invite,
    InvitationSent,
    PendingInvitations,
    NoPendingInvitations,
    Expires,
    Remove,
    RemoveConfirm,
    MemberRemoved,
    RoleChanged,
    NoAccessTitle,
    NoAccessLead,
    NameLabel,
    Joined,
    Cancel,
    AcceptTitle,
    AcceptNew,
    AcceptExisting,
    Accept,
    InvitationInvalid,
    InvitedAs,
    NavApiKeys,
    ApiKeysTitle,
    ApiKeysLead,
    KeyName,
    Scopes,
    CreateKey,
    KeySecretTitle,
    KeySecretLead,
    Copy,
    Copied,
    Revoke,
    Revoked,
    KeyRevoked,
    LastUsed,
    Never,
    Status,
    Active,
    NoKeys,
    ScopesRequired,
    NavAudit,
    AuditTitle,
    AuditLead,
    When,
    Who,
    What,
    Entity,
    LoadMore,
    NoEntries,
    SwitchCompany,
}

pub fn text(locale: Locale, msg: Msg) -> &'static str {
    use Msg::*;
    match locale {
        Locale::ZhCn => match msg {
            SkipToContent => "跳到主要内容",
            MainNavigation => "主导航",
            NavOverview => "概览",
            NavSignIn => "登录",
            Language => "语言",
            Tagline => "应收账款与催收，一目了然",
            OverviewTitle => "让每一笔应收款按时到账",
            OverviewLead => "信用政策、发票与回款、催收工作台、账龄与关键指标，集中在一处。",
            ServerVersion => "服务版本",
            Loading => "加载中…",
            SignInTitle => "登录 Duely",
            SignInLead => "使用工作邮箱和密码登录。",
            Email => "邮箱",
            Password => "密码",
            SignIn => "登录",
            PasswordRequired => "请输入密码。",
            NotFoundTitle => "页面不存在",
            NotFoundLead => "您访问的地址不存在或已被移动。",
            BackHome => "返回概览",
            Close => "关闭",
            Dismiss => "知道了",
            NavSignUp => "注册",
            SignOut => "退出登录",
            SignUpTitle => "注册 Duely",
            SignUpLead => "为您的公司开通 Duely，几分钟即可开始管理应收账款。",
            CompanyName => "公司名称",
            YourName => "您的姓名",
            BaseCurrency => "记账本位币",
            TimeZone => "时区",
            CreateAccount => "创建账户",
            HaveAccount => "已有账户？登录",
            NoAccount => "还没有账户？免费注册",
            WrongCredentials => "邮箱或密码不正确。",
            EmailTaken => "该邮箱已注册。请直接登录，或请公司管理员邀请您。",
            WelcomeBack => "欢迎回来",
            YourRole => "您的角色",
            YourAccess => "您可以",
            SessionRestoring => "正在恢复登录…",
            SignedInAs => "当前登录",
            SwitchedCompany => "已切换到",
            PasswordHint => "至少 10 个字符，不能与邮箱相同，也不能是常见密码。",
            NavTeam => "团队",
            TeamTitle => "团队成员",
            TeamLead => "邀请同事加入，并为每个人分配合适的角色。",
            InviteTitle => "邀请成员",
            RoleLabel => "角色",
            Invite => "发送邀请",
            InvitationSent => "邀请已发送。",
            PendingInvitations => "待接受的邀请",
            NoPendingInvitations => "没有待接受的邀请。",
            Expires => "有效期至",
            Remove => "移除",
            RemoveConfirm => "确定要移除该成员吗？其登录会立即失效。",
            MemberRemoved => "成员已移除。",
            RoleChanged => "角色已更新。",
            NoAccessTitle => "无权访问",
            NoAccessLead => "您的角色不能使用此页面。如需访问，请联系公司管理员。",
            NameLabel => "姓名",
            Joined => "加入时间",
            Cancel => "取消",
            AcceptTitle => "接受邀请",
            AcceptNew => "设置您的姓名和密码即可加入。",
            AcceptExisting => "该邮箱已有 Duely 账户，请输入其密码以加入。",
            Accept => "加入公司",
            InvitationInvalid => "该邀请已失效：可能已被使用、撤回或过期。请联系邀请人重新发送。",
            InvitedAs => "邀请您以以下角色加入",
            NavApiKeys => "API 密钥",
            ApiKeysTitle => "API 密钥",
            ApiKeysLead => "为第三方系统创建密钥，并只授予所需的权限范围。",
            KeyName => "密钥名称",
            Scopes => "权限范围",
            CreateKey => "创建密钥",
            KeySecretTitle => "请立即复制密钥",
            KeySecretLead => "密钥只显示这一次。关闭后将无法再次查看。",
            Copy => "复制",
            Copied => "已复制。",
            Revoke => "撤销",
            Revoked => "已撤销",
            KeyRevoked => "密钥已撤销。",
            LastUsed => "最近使用",
            Never => "从未",
            Status => "状态",
            Active => "有效",
            NoKeys => "还没有 API 密钥。",
            ScopesRequired => "请至少选择一个权限范围。",
            NavAudit => "审计日志",
            AuditTitle => "审计日志",
            AuditLead => "谁在何时做了什么：每一项涉及资金、信用、角色和密钥的变更。",
            When => "时间",
            Who => "操作人",
            What => "操作",
            Entity => "对象",
            LoadMore => "加载更多",
            NoEntries => "暂无记录。",
            SwitchCompany => "切换公司",
        },
        Locale::En => match msg {
            SkipToContent => "Skip to main content",
            MainNavigation => "Main navigation",
            NavOverview => "Overview",
            NavSignIn => "Sign in",
            Language => "Language",
            Tagline => "Receivables and collections, in plain view",
            OverviewTitle => "Get every receivable paid on time",
            OverviewLead => {
                "Credit policy, invoices and payments, the collections queue, aging and KPIs, in one place."
            }
            ServerVersion => "Server version",
            Loading => "Loading…",
            SignInTitle => "Sign in to Duely",
            SignInLead => "Use your work email and password.",
            Email => "Email",
            Password => "Password",
            SignIn => "Sign in",
            PasswordRequired => "Enter your password.",
            NotFoundTitle => "Page not found",
            NotFoundLead => "The address does not exist or has moved.",
            BackHome => "Back to the overview",
            Close => "Close",
            Dismiss => "Dismiss",
            NavSignUp => "Sign up",
            SignOut => "Sign out",
            SignUpTitle => "Sign up for Duely",
            SignUpLead => {
                "Set up Duely for your company and start managing receivables in minutes."
            }
            CompanyName => "Company name",
            YourName => "Your name",
            BaseCurrency => "Base currency",
            TimeZone => "Time zone",
            CreateAccount => "Create account",
            HaveAccount => "Have an account? Sign in",
            NoAccount => "No account yet? Sign up free",
            WrongCredentials => "The email or password is not right.",
            EmailTaken => {
                "This email already has an account. Sign in, or ask your company’s owner to invite you."
            }
            WelcomeBack => "Welcome back",
            YourRole => "Your role",
            YourAccess => "You can",
            SessionRestoring => "Restoring your session…",
            SignedInAs => "Signed in as",
            SwitchedCompany => "Switched to",
            PasswordHint => "At least 10 characters, not your email, not a common password.",
            NavTeam => "Team",
            TeamTitle => "Team",
            TeamLead => "Invite colleagues and give each the role that fits their work.",
            InviteTitle => "Invite a member",
            RoleLabel => "Role",
            Invite => "Send invitation",
            InvitationSent => "Invitation sent.",
            PendingInvitations => "Pending invitations",
            NoPendingInvitations => "No pending invitations.",
            Expires => "Expires",
            Remove => "Remove",
            RemoveConfirm => "Remove this member? Their sessions end at once.",
            MemberRemoved => "Member removed.",
            RoleChanged => "Role updated.",
            NoAccessTitle => "No access",
            NoAccessLead => {
                "Your role cannot use this page. Ask your company’s admin if you need it."
            }
            NameLabel => "Name",
            Joined => "Joined",
            Cancel => "Cancel",
            AcceptTitle => "Accept the invitation",
            AcceptNew => "Choose your name and a password to join.",
            AcceptExisting => "This email already has a Duely account; enter its password to join.",
            Accept => "Join the company",
            InvitationInvalid => {
                "This invitation is no longer valid: it was used, withdrawn or has expired. Ask for a new one."
            }
            InvitedAs => "invites you to join as",
            NavApiKeys => "API keys",
            ApiKeysTitle => "API keys",
            ApiKeysLead => "Create keys for other systems, each with only the scopes it needs.",
            KeyName => "Key name",
            Scopes => "Scopes",
            CreateKey => "Create key",
            KeySecretTitle => "Copy the key now",
            KeySecretLead => "The key is shown this once. After closing, it cannot be seen again.",
            Copy => "Copy",
            Copied => "Copied.",
            Revoke => "Revoke",
            Revoked => "Revoked",
            KeyRevoked => "Key revoked.",
            LastUsed => "Last used",
            Never => "Never",
            Status => "Status",
            Active => "Active",
            NoKeys => "No API keys yet.",
            ScopesRequired => "Choose at least one scope.",
            NavAudit => "Audit log",
            AuditTitle => "Audit log",
            AuditLead => "Who did what, and when: every change to money, credit, roles and keys.",
            When => "When",
            Who => "Who",
            What => "What",
            Entity => "Entity",
            LoadMore => "Load more",
            NoEntries => "Nothing recorded yet.",
            SwitchCompany => "Switch company",
        },
    }
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
        (Locale::ZhCn, BadRequest) => "请求无效。",
        (Locale::ZhCn, Internal) => "服务出错了，我们已记录该问题。",
        (Locale::En, Unauthenticated) => "Please sign in first.",
        (Locale::En, Forbidden) => "You do not have permission to do that.",
        (Locale::En, NotFound) => "That record could not be found.",
        (Locale::En, Validation) => "Please check what you entered.",
        (Locale::En, Conflict) => "That conflicts with the current state; refresh and try again.",
        (Locale::En, CreditLimitExceeded) => "This exceeds the customer's credit limit.",
        (Locale::En, CreditHold) => "This customer is on credit hold.",
        (Locale::En, RateLimited) => "Too many attempts; try again shortly.",
        (Locale::En, PlanLimit) => "Your plan's limit has been reached.",
        (Locale::En, BadRequest) => "The request was not valid.",
        (Locale::En, Internal) => "Something went wrong on our side; it has been logged.",
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
        (Locale::ZhCn, WorkCollections) => "跟进催收：记录联系、承诺付款、任务",
        (Locale::ZhCn, ManageDunning) => "管理催收流程",
        (Locale::ZhCn, ViewReports) => "查看报表与指标",
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
        (Locale::En, WorkCollections) => "Work collections: contacts, promises, tasks",
        (Locale::En, ManageDunning) => "Manage dunning",
        (Locale::En, ViewReports) => "See reports and KPIs",
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
    Effect::new(move |_| {
        let current = locale.get();
        apply_to_document(current);
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
