//! Chinese and English. Every piece of UI text is a [`Msg`]; [`text`] matches on every message
//! for every locale, so a missing translation does not compile.
//!
//! The chosen language is remembered in local storage; the first visit follows the browser
//! (any Chinese variant gets zh-CN, see [`Locale::negotiate`]).

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
    EmailRequired,
    EmailInvalid,
    PasswordRequired,
    SignInUnavailable,
    NotFoundTitle,
    NotFoundLead,
    BackHome,
    Close,
    Dismiss,
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
            EmailRequired => "请输入邮箱。",
            EmailInvalid => "邮箱格式不正确，例如 name@company.com。",
            PasswordRequired => "请输入密码。",
            SignInUnavailable => "账户功能即将开放，目前还不能登录。",
            NotFoundTitle => "页面不存在",
            NotFoundLead => "您访问的地址不存在或已被移动。",
            BackHome => "返回概览",
            Close => "关闭",
            Dismiss => "知道了",
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
            EmailRequired => "Enter your email.",
            EmailInvalid => "That email does not look right, for example name@company.com.",
            PasswordRequired => "Enter your password.",
            SignInUnavailable => "Accounts are on their way; signing in is not open yet.",
            NotFoundTitle => "Page not found",
            NotFoundLead => "The address does not exist or has moved.",
            BackHome => "Back to the overview",
            Close => "Close",
            Dismiss => "Dismiss",
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
