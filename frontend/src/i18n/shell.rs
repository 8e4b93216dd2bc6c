//! The texts of the app's frame, signing in and up, the team, billing, API keys and the audit
//! log: a `texts!` table, each message with its Chinese text, then its English text.

use super::Msg;

texts! { Msg;
    SkipToContent => "跳到主要内容", "Skip to main content";
    MainNavigation => "主导航", "Main navigation";
    NavOverview => "概览", "Overview";
    NavSignIn => "登录", "Sign in";
    Language => "语言", "Language";
    Tagline => "应收账款与催收，一目了然", "Receivables and collections, in plain view";
    OverviewTitle => "让每一笔应收款按时到账", "Get every receivable paid on time";
    OverviewLead =>
        "信用政策、发票与回款、催收工作台、账龄与关键指标，集中在一处。",
        "Credit policy, invoices and payments, the collections queue, aging and KPIs, in one place.";
    ServerVersion => "服务版本", "Server version";
    Loading => "加载中…", "Loading…";
    SignInTitle => "登录 Duely", "Sign in to Duely";
    SignInLead => "使用工作邮箱和密码登录。", "Use your work email and password.";
    Email => "邮箱", "Email";
    Password => "密码", "Password";
    SignIn => "登录", "Sign in";
    PasswordRequired => "请输入密码。", "Enter your password.";
    NotFoundTitle => "页面不存在", "Page not found";
    NotFoundLead => "您访问的地址不存在或已被移动。", "The address does not exist or has moved.";
    BackHome => "返回概览", "Back to the overview";
    Close => "关闭", "Close";
    Dismiss => "知道了", "Dismiss";
    NavSignUp => "注册", "Sign up";
    SignOut => "退出登录", "Sign out";
    SignUpTitle => "注册 Duely", "Sign up for Duely";
    SignUpLead =>
        "为您的公司开通 Duely，几分钟即可开始管理应收账款。",
        "Set up Duely for your company and start managing receivables in minutes.";
    CompanyName => "公司名称", "Company name";
    YourName => "您的姓名", "Your name";
    BaseCurrency => "记账本位币", "Base currency";
    TimeZone => "时区", "Time zone";
    CreateAccount => "创建账户", "Create account";
    HaveAccount => "已有账户？登录", "Have an account? Sign in";
    NoAccount => "还没有账户？免费注册", "No account yet? Sign up free";
    WrongCredentials => "邮箱或密码不正确。", "The email or password is not right.";
    EmailTaken =>
        "该邮箱已注册。请直接登录，或请公司管理员邀请您。",
        "This email already has an account. Sign in, or ask your company’s owner to invite you.";
    WelcomeBack => "欢迎回来", "Welcome back";
    YourRole => "您的角色", "Your role";
    YourAccess => "您可以", "You can";
    SessionRestoring => "正在恢复登录…", "Restoring your session…";
    SignedInAs => "当前登录", "Signed in as";
    SwitchedCompany => "已切换到", "Switched to";
    PasswordHint =>
        "至少 10 个字符，不能与邮箱相同，也不能是常见密码。",
        "At least 10 characters, not your email, not a common password.";
    NavTeam => "团队", "Team";
    TeamTitle => "团队成员", "Team";
    TeamLead =>
        "邀请同事加入，并为每个人分配合适的角色。",
        "Invite colleagues and give each the role that fits their work.";
    InviteTitle => "邀请成员", "Invite a member";
    RoleLabel => "角色", "Role";
    Invite => "发送邀请", "Send invitation";
    InvitationSent => "邀请已发送。", "Invitation sent.";
    PendingInvitations => "待接受的邀请", "Pending invitations";
    NoPendingInvitations => "没有待接受的邀请。", "No pending invitations.";
    Expires => "有效期至", "Expires";
    Remove => "移除", "Remove";
    RemoveConfirm => "确定要移除该成员吗？其登录会立即失效。", "Remove this member? Their sessions end at once.";
    MemberRemoved => "成员已移除。", "Member removed.";
    InvitedBy => "邀请人", "invited by";
    AccessRevokedTitle => "已收回的访问权限", "Access revoked";
    AccessRevokedLead =>
        "该成员创建的 API 密钥已吊销，其发出的待接受邀请已撤回（均记入审计日志）。",
        "The API keys this member created were revoked and the invitations they sent were withdrawn (both are in the audit log).";
    RevokedKeys => "已吊销的 API 密钥", "Revoked API keys";
    WithdrawnInvitations => "已撤回的邀请", "Withdrawn invitations";
    RoleChanged => "角色已更新。", "Role updated.";
    NoAccessTitle => "无权访问", "No access";
    NoAccessLead =>
        "您的角色不能使用此页面。如需访问，请联系公司管理员。",
        "Your role cannot use this page. Ask your company’s admin if you need it.";
    NameLabel => "姓名", "Name";
    Joined => "加入时间", "Joined";
    Cancel => "取消", "Cancel";
    AcceptTitle => "接受邀请", "Accept the invitation";
    AcceptNew => "设置您的姓名和密码即可加入。", "Choose your name and a password to join.";
    AcceptExisting =>
        "该邮箱已有 Duely 账户，请输入其密码以加入。",
        "This email already has a Duely account; enter its password to join.";
    Accept => "加入公司", "Join the company";
    InvitationInvalid =>
        "该邀请已失效：可能已被使用、撤回或过期。请联系邀请人重新发送。",
        "This invitation is no longer valid: it was used, withdrawn or has expired. Ask for a new one.";
    InvitedAs => "邀请您以以下角色加入", "invites you to join as";
    NavApiKeys => "API 密钥", "API keys";
    PreviewDraft => "预览此阶梯（不保存）", "Preview this ladder (unsaved)";
    PreviewOfDraft =>
        "以下是尚未保存的阶梯在真实数据上的效果。",
        "Showing what the unsaved ladder would do on your real data.";
    ShowSavedLadders => "改为显示已保存的阶梯", "Show the saved ladders";
    ApiKeysTitle => "API 密钥", "API keys";
    NavBilling => "账单与套餐", "Billing";
    BillingTitle => "账单与套餐", "Billing and plan";
    BillingLead =>
        "当前套餐、用量和订阅。升级通过 Stripe 安全付款完成。",
        "Your plan, usage and subscription. Upgrades are paid securely through Stripe.";
    PlanInForce => "当前生效套餐", "Plan in force";
    SubscriptionStatusLabel => "订阅状态", "Subscription status";
    SubscriptionTrialing => "试用中", "Trial";
    SubscriptionActive => "正常", "Active";
    SubscriptionPastDue => "付款逾期", "Past due";
    SubscriptionCanceled => "已取消", "Canceled";
    TrialEnds => "试用截止", "Trial ends";
    RenewsOn => "当前周期截止", "Current period ends";
    UsageTitle => "用量", "Usage";
    Unlimited => "不限", "Unlimited";
    LimitUsers => "团队成员", "Team members";
    LimitCustomers => "客户", "Customers";
    LimitInvoicesPerMonth => "本月发票", "Invoices this month";
    LimitApiKeys => "API 密钥", "API keys";
    PlansTitle => "套餐", "Plans";
    PerMonthUsd => "美元/月", "USD a month";
    ChoosePlan => "升级到此套餐", "Upgrade to this plan";
    CurrentPlanBadge => "当前套餐", "Current plan";
    ManageSubscription => "管理订阅与付款方式", "Manage subscription and payment method";
    BillingNotConfigured =>
        "本服务器未配置 Stripe，暂无法在线购买套餐。",
        "Stripe is not configured on this server, so plans cannot be bought online.";
    CheckoutReturned =>
        "付款完成后，订阅状态会在 Stripe 通知到达后更新。",
        "Once paid, the subscription updates as soon as Stripe notifies Duely.";
    BannerTrial => "成长版套餐试用中，截止", "You are trying GROWTH until";
    BannerTrialEnded =>
        "试用已结束，当前为免费版套餐。升级以解除限制。",
        "Your trial has ended and the FREE plan applies. Upgrade to lift its limits.";
    BannerPastDue =>
        "订阅付款失败。请在此日期前更新付款方式，以免账户变为只读：",
        "A subscription payment failed. Update the payment method before this date, or the company becomes read-only:";
    BannerCanceled => "订阅已取消。在此日期前仍可完整使用：", "The subscription has ended. Full use continues until";
    BannerReadOnly =>
        "公司账户为只读：可以查看所有数据，但不能修改。重新订阅即可恢复。",
        "The company is read-only: every record can be read, none changed. Subscribe again to restore it.";
    GoToBilling => "前往账单", "Go to billing";
    NavPaymentSettings => "在线收款", "Online payment";
    PaymentSettingsTitle => "在线收款（Stripe）", "Online payment (Stripe)";
    PaymentSettingsLead =>
        "连接公司自己的 Stripe 账户后，客户可在对账单和付款链接上在线支付，款项自动入账并核销。",
        "Connect the company's own Stripe account: customers pay from statements and payment links, and payments are recorded and allocated automatically.";
    StripeConnectedAs => "已连接，密钥尾号", "Connected, key ending";
    StripeNotConnected => "尚未连接 Stripe 账户。", "No Stripe account is connected.";
    SecretKeyLabel => "Stripe 密钥（sk_… 或 rk_…）", "Stripe secret key (sk_… or rk_…)";
    WebhookSecretLabel => "Webhook 签名密钥（whsec_…）", "Webhook signing secret (whsec_…)";
    WebhookUrlLabel => "在 Stripe 中添加此 Webhook 地址", "Add this webhook endpoint in Stripe";
    ConnectStripe => "验证并连接", "Check and connect";
    DisconnectStripe => "断开连接", "Disconnect";
    StripeConnectedToast =>
        "已连接 Stripe 账户。密钥已加密保存，不会再次显示。",
        "Stripe is connected. The key is stored encrypted and will not be shown again.";
    StripeDisconnectedToast => "已断开 Stripe 账户。", "Stripe is disconnected.";
    LiveMode => "正式模式", "Live mode";
    TestMode => "测试模式", "Test mode";
    CannotConnect =>
        "本服务器未配置加密密钥（DUELY_ENCRYPTION_KEY），无法保存收款密钥。",
        "This server has no encryption key (DUELY_ENCRYPTION_KEY), so payment secrets cannot be stored.";
    PayOnline => "在线支付", "Pay online";
    CreatePaymentLink => "生成付款链接", "Create payment link";
    PaymentLinkReady => "付款链接已生成并复制：", "Payment link created and copied:";
    PaymentCompleteTitle => "感谢您的付款", "Thank you for your payment";
    PaymentCompleteBody =>
        "付款已提交。确认到账后，对账单会自动更新。",
        "Your payment has been submitted. The statement updates once it is confirmed.";
    PaymentCanceledBody =>
        "付款已取消，未扣款。您可以随时返回对账单重新支付。",
        "The payment was canceled and nothing was charged. You can pay from the statement at any time.";
    ApiKeysLead =>
        "为第三方系统创建密钥，并只授予所需的权限范围。",
        "Create keys for other systems, each with only the scopes it needs.";
    KeyName => "密钥名称", "Key name";
    Scopes => "权限范围", "Scopes";
    CreateKey => "创建密钥", "Create key";
    KeySecretTitle => "请立即复制密钥", "Copy the key now";
    KeySecretLead =>
        "密钥只显示这一次。关闭后将无法再次查看。",
        "The key is shown this once. After closing, it cannot be seen again.";
    Copy => "复制", "Copy";
    Copied => "已复制。", "Copied.";
    Revoke => "撤销", "Revoke";
    Revoked => "已撤销", "Revoked";
    KeyRevoked => "密钥已撤销。", "Key revoked.";
    LastUsed => "最近使用", "Last used";
    Never => "从未", "Never";
    Status => "状态", "Status";
    Active => "有效", "Active";
    NoKeys => "还没有 API 密钥。", "No API keys yet.";
    ScopesRequired => "请至少选择一个权限范围。", "Choose at least one scope.";
    NavAudit => "审计日志", "Audit log";
    AuditTitle => "审计日志", "Audit log";
    AuditLead =>
        "谁在何时做了什么：每一项涉及资金、信用、角色和密钥的变更。",
        "Who did what, and when: every change to money, credit, roles and keys.";
    When => "时间", "When";
    Who => "操作人", "Who";
    What => "操作", "What";
    Entity => "对象", "Entity";
    LoadMore => "加载更多", "Load more";
    NoEntries => "暂无记录。", "Nothing recorded yet.";
    SwitchCompany => "切换公司", "Switch company";
    NavCustomers => "客户", "Customers";
    NavInvoices => "发票", "Invoices";
    NavPayments => "收款", "Payments";
    CustomersTitle => "客户", "Customers";
    CustomersLead => "谁欠款、欠多少、逾期多久，一目了然。", "Who owes you, how much, and how late.";
    Search => "搜索", "Search";
    SearchCustomersPlaceholder => "名称、编码、税号或联系人", "Name, code, tax ID or contact";
    NewCustomer => "新建客户", "New customer";
    Code => "编码", "Code";
    Name => "名称", "Name";
    Balance => "余额", "Balance";
    Overdue => "逾期", "Overdue";
    AvailableCredit => "可用额度", "Available credit";
    DaysPastDue => "逾期天数", "Days past due";
    Collector => "催收员", "Collector";
    OnHold => "信用冻结", "On hold";
    OnlyOverdue => "仅看逾期", "Only overdue";
    OnlyOnHold => "仅看冻结", "Only on hold";
    SortBy => "排序", "Sort by";
    NoCustomers => "还没有客户。", "No customers yet.";
    Currency => "币种", "Currency";
}
